#include "deploy/manifest.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "core/files.h"

namespace lmbench::deploy {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

core::Result<std::vector<std::string>> rollout_targets(const std::filesystem::path& manifest) {
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
  std::vector<std::string> targets;
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
      if (kind != "deployment" && kind != "statefulset" && kind != "daemonset") continue;
      const auto meta = obj["metadata"];
      if (!meta || !meta.IsMap() || !meta["name"] || !meta["name"].IsScalar()) {
        const core::SourceLocation where{manifest.string(), obj.Mark().line + 1, obj.Mark().column + 1};
        return core::Error{"manifest", core::format_location(where) + ": metadata.name: expected the " + obj["kind"].Scalar() +
                                           "'s name, found none"};
      }
      targets.push_back(kind + "/" + meta["name"].Scalar());
    }
  }
  return targets;
}

}  // namespace lmbench::deploy
