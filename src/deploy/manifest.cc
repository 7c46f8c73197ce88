#include "deploy/manifest.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/files.h"

namespace lmbench::deploy {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const YAML::Node child(const YAML::Node& n, const char* key) {
  if (!n || !n.IsMap()) return YAML::Node();
  return n[key];
}

std::string scalar(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

// A Kubernetes object name (RFC 1123 subdomain): what may go into a manifest lmbench writes.
bool valid_object_name(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-' || c == '.'; });
}

// The pod spec of a workload object: spec.template.spec (Deployment, StatefulSet, DaemonSet,
// Job), spec.jobTemplate.spec.template.spec (CronJob) or spec (Pod).
YAML::Node pod_spec(const YAML::Node& obj, const std::string& kind) {
  if (kind == "pod") return child(obj, "spec");
  if (kind == "cronjob") return child(child(child(child(child(obj, "spec"), "jobTemplate"), "spec"), "template"), "spec");
  return child(child(child(obj, "spec"), "template"), "spec");
}
}  // namespace

core::Result<ManifestFacts> read_manifest(const std::filesystem::path& manifest) {
  std::string text;
  try {
    text = core::read_file(manifest);
  } catch (const std::exception& e) {
    return core::Error{"manifest", e.what()};
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    const core::SourceLocation where{manifest.string(), e.mark.line + 1, e.mark.column + 1};
    return core::Error{"manifest", core::format_location(where) + ": " + e.msg};
  }
  ManifestFacts facts;
  std::set<std::string> mounted, defined;
  for (const auto& doc : docs) {
    if (!doc.IsMap()) continue;
    // A "kind: List" wraps objects in items.
    std::vector<YAML::Node> objects = {doc};
    if (doc["items"] && doc["items"].IsSequence()) {
      for (const auto& item : doc["items"]) objects.push_back(item);
    }
    for (const auto& obj : objects) {
      if (!obj.IsMap() || !obj["kind"] || !obj["kind"].IsScalar()) continue;
      const std::string kind = lower(obj["kind"].Scalar());
      if (kind == "persistentvolumeclaim") {
        if (auto name = scalar(child(child(obj, "metadata"), "name")); !name.empty()) defined.insert(name);
        continue;
      }
      if (const auto volumes = child(pod_spec(obj, kind), "volumes"); volumes && volumes.IsSequence()) {
        for (const auto& v : volumes) {
          const auto claim_node = child(child(v, "persistentVolumeClaim"), "claimName");
          const auto claim = scalar(claim_node);
          if (claim.empty()) continue;
          if (!valid_object_name(claim)) {
            const core::SourceLocation where{manifest.string(), claim_node.Mark().line + 1, claim_node.Mark().column + 1};
            return core::Error{"manifest", core::format_location(where) + ": persistentVolumeClaim.claimName: '" + claim +
                                               "' is not a Kubernetes object name (lower-case letters, digits, '-', '.')"};
          }
          mounted.insert(claim);
        }
      }
      if (kind == "service") {
        const auto name = scalar(child(child(obj, "metadata"), "name"));
        std::map<std::string, std::string> selector;
        if (const auto labels = child(child(obj, "spec"), "selector"); labels && labels.IsMap()) {
          for (const auto& kv : labels) {
            if (kv.first.IsScalar() && kv.second.IsScalar()) selector[kv.first.Scalar()] = kv.second.Scalar();
          }
        }
        if (!name.empty()) facts.service_selectors[name] = std::move(selector);
        continue;
      }
      if (kind != "deployment" && kind != "statefulset" && kind != "daemonset") continue;
      const auto meta = obj["metadata"];
      if (!meta || !meta.IsMap() || !meta["name"] || !meta["name"].IsScalar()) {
        const core::SourceLocation where{manifest.string(), obj.Mark().line + 1, obj.Mark().column + 1};
        return core::Error{"manifest", core::format_location(where) + ": metadata.name: expected the " + obj["kind"].Scalar() +
                                           "'s name, found none"};
      }
      facts.rollout_targets.push_back(kind + "/" + meta["name"].Scalar());
      if (const auto labels = child(child(child(obj, "spec"), "selector"), "matchLabels"); labels && labels.IsMap()) {
        std::string selector;
        for (const auto& kv : labels) {
          if (!kv.first.IsScalar() || !kv.second.IsScalar()) continue;
          selector += (selector.empty() ? "" : ",") + kv.first.Scalar() + "=" + kv.second.Scalar();
        }
        if (!selector.empty()) facts.pod_selectors.push_back(selector);
      }
    }
  }
  for (const auto& claim : mounted) {
    if (!defined.contains(claim)) facts.external_claims.push_back(claim);
  }
  return facts;
}

core::Result<std::vector<std::string>> rollout_targets(const std::filesystem::path& manifest) {
  auto facts = read_manifest(manifest);
  if (!facts) return facts.error();
  return std::move(facts->rollout_targets);
}

std::string claim_manifest(const std::string& name, const std::string& size) {
  return "apiVersion: v1\n"
         "kind: PersistentVolumeClaim\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "  labels:\n"
         "    app.kubernetes.io/managed-by: lmbench\n"
         "spec:\n"
         "  accessModes: [ReadWriteOnce]\n"
         "  resources:\n"
         "    requests:\n"
         "      storage: " + size + "\n";
}

}  // namespace lmbench::deploy
