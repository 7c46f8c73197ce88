#include "deploy/preflight.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <nlohmann/json.hpp>
#include <set>

#include "core/files.h"
#include "deploy/manifest.h"
#include "deploy/tool_runner.h"

namespace lmbench::deploy {

namespace {

using json = nlohmann::json;

core::Result<YAML::Node> load_yaml(const std::filesystem::path& file, const std::string& kind) {
  try {
    return YAML::Load(core::read_file(file));
  } catch (const YAML::Exception& e) {
    const core::SourceLocation where{file.string(), e.mark.line + 1, e.mark.column + 1};
    return core::Error{kind, core::format_location(where) + ": " + e.msg};
  } catch (const std::exception& e) {
    return core::Error{kind, e.what()};
  }
}

YAML::Node child(const YAML::Node& n, const char* key) {
  if (!n || !n.IsMap()) return YAML::Node();
  return n[key];
}

std::string scalar(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

int int_or(const YAML::Node& n, int fallback) {
  try {
    return n && n.IsScalar() ? n.as<int>() : fallback;
  } catch (const YAML::Exception&) {
    return fallback;
  }
}

// A container's request of `resource` (its limit when no request: Kubernetes then requests the
// limit), as text; "" when neither.
std::string request_of(const YAML::Node& container, const char* resource) {
  const auto resources = child(container, "resources");
  if (auto r = scalar(child(child(resources, "requests"), resource)); !r.empty()) return r;
  return scalar(child(child(resources, "limits"), resource));
}

PodNeeds pod_of_containers(const std::string& what, int replicas, const YAML::Node& containers) {
  PodNeeds p{what, replicas, 0, 0, 0};
  if (!containers || !containers.IsSequence()) return p;
  for (const auto& c : containers) {
    p.gpus += quantity_cores(request_of(c, "nvidia.com/gpu")).value_or(0);
    p.cpus += quantity_cores(request_of(c, "cpu")).value_or(0);
    p.memory_gib += quantity_gib(request_of(c, "memory")).value_or(0);
  }
  return p;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A Kubernetes quantity split into its finite, non-negative number and its suffix ("64Gi" ->
// 64, "Gi"); nullopt when it does not start with one.
std::optional<std::pair<double, std::string>> split_quantity(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!std::isfinite(v) || v < 0) return std::nullopt;
  return std::make_pair(v, text.substr(used));
}

}  // namespace

std::optional<double> quantity_gib(const std::string& text) {
  const auto q = split_quantity(text);
  if (!q) return std::nullopt;
  static const std::map<std::string, double> kUnits = {
      {"", 1.0},          {"Ki", 1024.0},   {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
      {"k", 1e3},         {"K", 1e3},       {"M", 1e6},        {"G", 1e9},           {"T", 1e12},
      {"m", 1e-3}};
  const auto unit = kUnits.find(q->second);
  if (unit == kUnits.end()) return std::nullopt;
  return q->first * unit->second / 1073741824.0;
}

std::optional<double> quantity_cores(const std::string& text) {
  const auto q = split_quantity(text);
  if (!q) return std::nullopt;
  if (q->second.empty()) return q->first;
  if (q->second == "m") return q->first / 1000.0;
  return std::nullopt;
}

core::Result<ClusterNeeds> production_stack_needs(const HelmOptions& helm) {
  const auto& release = helm.releases.front();
  auto root = load_yaml(release.values_file, "values");
  if (!root) return root.error();
  ClusterNeeds n;
  n.source = release.values_file.string();
  n.releases = helm.releases;
  n.repos = helm.repos;
  const auto specs = child(child(*root, "servingEngineSpec"), "modelSpec");
  if (specs && specs.IsSequence()) {
    for (const auto& m : specs) {
      PodNeeds p;
      p.what = "engine " + scalar(child(m, "name"));
      p.replicas = int_or(child(m, "replicaCount"), 1);
      p.gpus = quantity_cores(scalar(child(m, "requestGPU"))).value_or(0);
      p.cpus = quantity_cores(scalar(child(m, "requestCPU"))).value_or(0);
      p.memory_gib = quantity_gib(scalar(child(m, "requestMemory"))).value_or(0);
      n.pods.push_back(p);
      if (!scalar(child(m, "pvcStorage")).empty()) n.claims.push_back(scalar(child(m, "name")) + "'s claim");
    }
  }
  if (const auto router = child(*root, "routerSpec"); router && scalar(child(router, "enableRouter")) != "false") {
    PodNeeds p{"router", int_or(child(router, "replicaCount"), 1), 0, 0, 0};
    const auto requests = child(child(router, "resources"), "requests");
    p.cpus = quantity_cores(scalar(child(requests, "cpu"))).value_or(0);
    p.memory_gib = quantity_gib(scalar(child(requests, "memory"))).value_or(0);
    n.pods.push_back(p);
  }
  return n;
}

core::Result<ClusterNeeds> manifest_needs(const std::filesystem::path& manifest) {
  auto facts = read_manifest(manifest);
  if (!facts) return facts.error();
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(core::read_file(manifest));
  } catch (const std::exception& e) {
    return core::Error{"manifest", e.what()};  // read_manifest already said where
  }
  ClusterNeeds n;
  n.source = manifest.string();
  n.claims = facts->external_claims;
  for (const auto& doc : docs) {
    std::vector<YAML::Node> objects = {doc};
    if (doc.IsMap() && doc["items"] && doc["items"].IsSequence()) {
      for (const auto& item : doc["items"]) objects.push_back(item);
    }
    for (const auto& obj : objects) {
      const std::string kind = lower(scalar(child(obj, "kind")));
      const std::string name = scalar(child(child(obj, "metadata"), "name"));
      if (kind == "pod") {
        n.pods.push_back(pod_of_containers(name, 1, child(child(obj, "spec"), "containers")));
      } else if (kind == "deployment" || kind == "statefulset") {
        n.pods.push_back(pod_of_containers(name, int_or(child(child(obj, "spec"), "replicas"), 1),
                                           child(child(child(child(obj, "spec"), "template"), "spec"), "containers")));
      } else if (kind == "persistentvolumeclaim" && !child(child(obj, "spec"), "volumeName")) {
        n.claims.push_back(name);  // provisioned dynamically: needs a StorageClass
      }
    }
  }
  return n;
}

core::Result<ClusterNeeds> llmd_needs(const HelmOptions& helm) {
  const auto& ms = helm.releases.back();
  auto root = load_yaml(ms.values_file, "values");
  if (!root) return root.error();
  ClusterNeeds n;
  n.source = ms.values_file.string();
  n.releases = helm.releases;
  n.repos = helm.repos;
  for (const char* role : {"decode", "prefill"}) {
    const auto r = child(*root, role);
    if (!r || scalar(child(r, "create")) == "false") continue;
    const int replicas = int_or(child(r, "replicas"), role == std::string("decode") ? 1 : 0);
    if (replicas <= 0) continue;
    n.pods.push_back(pod_of_containers(role, replicas, child(r, "containers")));
  }
  n.crds = {"gatewayclasses.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io",
            "httproutes.gateway.networking.k8s.io", "inferencepools.inference.networking.k8s.io"};
  return n;
}

namespace {

struct Node {
  std::string name;
  std::string type;  // node.kubernetes.io/instance-type
  double gpus = 0, cpus = 0, memory_gib = 0;
};

using Status = PreflightCheck::Status;

class Runner {
 public:
  Runner(const PreflightOptions& o, const core::Clock& clock) : o_(o), clock_(clock) {}
  // The call's output, or an Error naming it (with its exit code and output) when it fails.
  core::Result<core::CommandOutput> call(std::vector<std::string> argv) {
    return run_tool({.argv = std::move(argv), .env = o_.target.env, .timeout = o_.call_timeout}, clock_);
  }
  std::vector<std::string> kubectl(std::initializer_list<std::string> rest, bool with_namespace = false) const {
    std::vector<std::string> a = {o_.target.kubectl};
    if (!o_.target.context.empty()) a.insert(a.end(), {"--context", o_.target.context});
    if (with_namespace && !o_.target.namespace_name.empty()) a.insert(a.end(), {"--namespace", o_.target.namespace_name});
    a.insert(a.end(), rest);
    return a;
  }
  std::vector<std::string> helm(std::initializer_list<std::string> rest) const {
    std::vector<std::string> a = {o_.helm};
    if (!o_.target.context.empty()) a.insert(a.end(), {"--kube-context", o_.target.context});
    if (!o_.target.namespace_name.empty()) a.insert(a.end(), {"--namespace", o_.target.namespace_name});
    a.insert(a.end(), rest);
    return a;
  }

 private:
  const PreflightOptions& o_;
  const core::Clock& clock_;
};

std::string first_line(const std::string& s) {
  const auto end = s.find('\n');
  std::string line = s.substr(0, end);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// What a failed call said, for a message: its first line, or the runner's error.
std::string failure_text(const core::Result<core::CommandOutput>& r) {
  if (!r) return r.error().message;
  const std::string line = first_line(r->output);
  return line.empty() ? fmt::format("exit code {}", r->exit_code) : line;
}

std::vector<Node> parse_nodes(const std::string& text, std::string& error) {
  std::vector<Node> out;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("items") || !j["items"].is_array()) {
    error = "kubectl get nodes -o json did not print a node list";
    return out;
  }
  for (const auto& item : j["items"]) {
    if (!item.is_object()) continue;
    if (item.contains("spec") && item["spec"].value("unschedulable", false)) continue;
    bool ready = false;
    if (auto st = item.find("status"); st != item.end() && st->contains("conditions") && (*st)["conditions"].is_array()) {
      for (const auto& c : (*st)["conditions"]) {
        if (c.value("type", "") == "Ready" && c.value("status", "") == "True") ready = true;
      }
    }
    if (!ready) continue;
    Node n;
    if (item.contains("metadata") && item["metadata"].is_object()) {
      n.name = item["metadata"].value("name", "");
      if (item["metadata"].contains("labels") && item["metadata"]["labels"].is_object()) {
        n.type = item["metadata"]["labels"].value("node.kubernetes.io/instance-type", "");
      }
    }
    const json alloc = item.contains("status") && item["status"].contains("allocatable") ? item["status"]["allocatable"] : json::object();
    const auto text_of = [&](const char* k) { return alloc.contains(k) && alloc[k].is_string() ? alloc[k].get<std::string>() : std::string(); };
    n.gpus = quantity_cores(text_of("nvidia.com/gpu")).value_or(0);
    n.cpus = quantity_cores(text_of("cpu")).value_or(0);
    n.memory_gib = quantity_gib(text_of("memory")).value_or(0);
    out.push_back(std::move(n));
  }
  return out;
}

// First fit, biggest pods first, onto what the nodes have allocatable (other pods' use is not
// known here: a fit is necessary, not sufficient). Empty when every pod fits; otherwise the
// first pod that does not.
std::optional<PodNeeds> first_unplaced(const std::vector<PodNeeds>& pods, std::vector<Node> nodes) {
  std::vector<PodNeeds> each;
  for (const auto& p : pods) {
    for (int i = 0; i < p.replicas; ++i) each.push_back(p);
  }
  std::stable_sort(each.begin(), each.end(), [](const PodNeeds& a, const PodNeeds& b) {
    return std::tie(a.gpus, a.memory_gib, a.cpus) > std::tie(b.gpus, b.memory_gib, b.cpus);
  });
  for (const auto& p : each) {
    bool placed = false;
    for (auto& n : nodes) {
      if (n.gpus + 1e-9 >= p.gpus && n.cpus + 1e-9 >= p.cpus && n.memory_gib + 1e-9 >= p.memory_gib) {
        n.gpus -= p.gpus;
        n.cpus -= p.cpus;
        n.memory_gib -= p.memory_gib;
        placed = true;
        break;
      }
    }
    if (!placed) return p;
  }
  return std::nullopt;
}

std::string describe_pods(const std::vector<PodNeeds>& pods) {
  std::string out;
  for (const auto& p : pods) {
    if (!out.empty()) out += " + ";
    out += fmt::format("{} x {} ({:g} GPU, {:g} CPU, {:.3g} GiB)", p.replicas, p.what, p.gpus, p.cpus, p.memory_gib);
  }
  return out;
}

}  // namespace

std::vector<PreflightCheck> run_preflight(const std::vector<ClusterNeeds>& baselines, const PreflightOptions& o,
                                          const core::Clock& clock) {
  std::vector<PreflightCheck> out;
  Runner run(o, clock);

  // The context answers: nothing else can be asked otherwise.
  {
    auto r = run.call(run.kubectl({"version", "-o", "json"}));
    const json j = r && r->exit_code == 0 ? json::parse(r->output.substr(std::min(r->output.find('{'), r->output.size())), nullptr, false)
                                          : json();
    if (!j.is_object() || !j.contains("serverVersion")) {
      out.push_back({Status::kFail, "context",
                     fmt::format("the kube context {} does not answer: {}", o.target.context.empty() ? "(current)" : o.target.context,
                                 failure_text(r)),
                     "check `kubectl config current-context` and that `kubectl get nodes` works (credentials, VPN)"});
      return out;
    }
    out.push_back({Status::kOk, "context",
                   fmt::format("kube context {} answers (Kubernetes {})", o.target.context.empty() ? "(current)" : o.target.context,
                               j["serverVersion"].value("gitVersion", "?")),
                   ""});
  }

  if (!o.target.namespace_name.empty()) {
    auto r = run.call(run.kubectl({"get", "namespace", o.target.namespace_name, "--ignore-not-found", "-o", "name"}));
    if (r && r->exit_code == 0 && r->output.find("namespace/" + o.target.namespace_name) != std::string::npos) {
      out.push_back({Status::kOk, "namespace", fmt::format("namespace {} exists", o.target.namespace_name), ""});
    } else if (r && r->exit_code == 0) {
      out.push_back({Status::kFail, "namespace", fmt::format("namespace {} does not exist", o.target.namespace_name),
                     fmt::format("kubectl create namespace {}", o.target.namespace_name)});
    } else {
      out.push_back({Status::kFail, "namespace", fmt::format("cannot read namespace {}: {}", o.target.namespace_name, failure_text(r)),
                     "check your RBAC permissions in that namespace"});
    }
  }

  bool any_pods = false, any_claims = false, any_crds = false, any_helm = false;
  for (const auto& b : baselines) {
    any_pods = any_pods || !b.pods.empty();
    any_claims = any_claims || !b.claims.empty();
    any_crds = any_crds || !b.crds.empty();
    any_helm = any_helm || !b.releases.empty();
  }

  if (any_pods) {
    auto r = run.call(run.kubectl({"get", "nodes", "-o", "json"}));
    std::string error;
    const std::vector<Node> nodes = r && r->exit_code == 0 ? parse_nodes(r->output, error) : std::vector<Node>{};
    if (!r || r->exit_code != 0 || !error.empty()) {
      out.push_back({Status::kFail, "nodes", fmt::format("cannot list nodes: {}", error.empty() ? failure_text(r) : error),
                     "preflight needs `kubectl get nodes` (a cluster-scoped read); ask for it or pass --skip-preflight"});
    } else {
      std::vector<const Node*> gpu_nodes;
      double total = 0;
      for (const auto& n : nodes) {
        if (n.gpus > 0) {
          gpu_nodes.push_back(&n);
          total += n.gpus;
        }
      }
      if (gpu_nodes.empty()) {
        out.push_back({Status::kFail, "nodes",
                       fmt::format("no ready, schedulable node has nvidia.com/gpu allocatable ({} node(s) in all)", nodes.size()),
                       "add a GPU node pool and the NVIDIA device plugin (GKE installs it with the pool's GPU driver)"});
      } else {
        std::string list;
        for (const auto* n : gpu_nodes) list += fmt::format("{}{} ({}{:g} GPU, {:.0f} GiB)", list.empty() ? "" : ", ", n->name,
                                                             n->type.empty() ? "" : n->type + ", ", n->gpus, n->memory_gib);
        out.push_back({Status::kOk, "nodes", fmt::format("{} GPU node(s), {:g} GPUs: {}", gpu_nodes.size(), total, list), ""});
      }
      for (const auto& b : baselines) {
        if (b.pods.empty() || gpu_nodes.empty()) continue;
        if (auto unplaced = first_unplaced(b.pods, nodes)) {
          out.push_back({Status::kFail, "fit",
                         fmt::format("{} needs {} ({}): a pod of {} ({:g} GPU, {:g} CPU, {:.3g} GiB) fits on no node's allocatable",
                                     b.key, describe_pods(b.pods), b.source, unplaced->what, unplaced->gpus, unplaced->cpus,
                                     unplaced->memory_gib),
                         "lower the requests or replicas in that file, or add a bigger node"});
        } else {
          out.push_back({Status::kOk, "fit", fmt::format("{} needs {}: fits", b.key, describe_pods(b.pods)), ""});
        }
      }
    }
  }

  if (any_claims) {
    auto r = run.call(run.kubectl({"get", "storageclass", "-o", "json"}));
    const json j = r && r->exit_code == 0 ? json::parse(r->output, nullptr, false) : json();
    std::string default_class;
    if (j.is_object() && j.contains("items") && j["items"].is_array()) {
      for (const auto& sc : j["items"]) {
        const json meta = sc.value("metadata", json::object());
        const json ann = meta.value("annotations", json::object());
        if (ann.value("storageclass.kubernetes.io/is-default-class", "") == "true") default_class = meta.value("name", "");
      }
    }
    std::set<std::string> claims;
    for (const auto& b : baselines) claims.insert(b.claims.begin(), b.claims.end());
    std::string names;
    for (const auto& c : claims) names += (names.empty() ? "" : ", ") + c;
    if (!default_class.empty()) {
      out.push_back({Status::kOk, "storage", fmt::format("default StorageClass {} (for {})", default_class, names), ""});
    } else {
      out.push_back({Status::kFail, "storage",
                     fmt::format("no default StorageClass, and {} must be provisioned: {}", names,
                                 r && r->exit_code == 0 ? "the claims would stay Pending" : failure_text(r)),
                     "mark one default: kubectl patch storageclass NAME -p "
                     "'{\"metadata\":{\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":\"true\"}}}'"});
    }
  }

  if (any_crds) {
    auto r = run.call(run.kubectl({"get", "crd", "-o", "name"}));
    std::set<std::string> present;
    if (r && r->exit_code == 0) {
      std::size_t start = 0;
      for (std::size_t end; start < r->output.size(); start = end + 1) {
        end = r->output.find('\n', start);
        if (end == std::string::npos) end = r->output.size();
        std::string line = r->output.substr(start, end - start);
        if (const auto slash = line.find('/'); slash != std::string::npos) present.insert(line.substr(slash + 1));
      }
    }
    for (const auto& b : baselines) {
      if (b.crds.empty()) continue;
      std::vector<std::string> missing;
      for (const auto& c : b.crds) {
        if (!present.contains(c)) missing.push_back(c);
      }
      if (!r || r->exit_code != 0) {
        out.push_back({Status::kFail, "crds", fmt::format("cannot list CRDs: {}", failure_text(r)), ""});
      } else if (missing.empty()) {
        out.push_back({Status::kOk, "crds", fmt::format("{}: the {} CRDs it needs are installed", b.key, b.crds.size()), ""});
      } else {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        out.push_back({Status::kFail, "crds", fmt::format("{} needs CRDs that are missing: {}", b.key, list),
                       "install the Gateway API v1.5.1 and Inference Extension v1.5.0 CRDs and Istio "
                       "(2-serving-engines/README.md, \"LLM-D prerequisites\")"});
      }
    }
  }

  if (any_helm) {
    auto v = run.call({o.helm, "version", "--short"});
    if (!v || v->exit_code != 0) {
      out.push_back({Status::kFail, "helm", fmt::format("helm does not run: {}", failure_text(v)),
                     "install Helm 3.8 or newer (https://helm.sh/docs/intro/install/), or pass --helm PATH"});
    } else {
      std::set<std::string> added;
      for (const auto& b : baselines) {
        for (const auto& repo : b.repos) {
          if (!added.insert(repo.name).second) continue;
          auto r = run.call({o.helm, "repo", "add", repo.name, repo.url, "--force-update"});
          if (!r || r->exit_code != 0) {
            out.push_back({Status::kFail, "helm", fmt::format("chart repository {} ({}) unreachable: {}", repo.name, repo.url, failure_text(r)),
                           "check the network (a proxy?) from this machine"});
          }
        }
      }
      std::set<std::string> shown;
      for (const auto& b : baselines) {
        for (const auto& rel : b.releases) {
          if (!shown.insert(rel.chart + "@" + rel.version).second) continue;
          std::vector<std::string> argv = {o.helm, "show", "chart", rel.chart};
          if (!rel.version.empty()) argv.insert(argv.end(), {"--version", rel.version});
          auto r = run.call(argv);
          if (!r || r->exit_code != 0) {
            out.push_back({Status::kFail, "helm", fmt::format("chart {} {} not reachable: {}", rel.chart, rel.version, failure_text(r)),
                           "check the chart repository and the pinned version (2-serving-engines/README.md, \"Versions\")"});
          } else {
            out.push_back({Status::kOk, "helm", fmt::format("chart {} {} reachable ({})", rel.chart, rel.version, first_line(v->output)), ""});
          }
        }
      }
      std::set<std::string> checked;
      for (const auto& b : baselines) {
        for (const auto& rel : b.releases) {
          if (!checked.insert(rel.name).second) continue;
          auto r = run.call(run.helm({"status", rel.name}));
          if (r && r->exit_code == 0) {
            out.push_back({Status::kWarn, "releases", fmt::format("release {} is left from an earlier run", rel.name),
                           "lmbench uninstalls it before installing (helm uninstall " + rel.name + " to do it now)"});
          }
        }
      }
    }
  }
  return out;
}

bool preflight_passed(const std::vector<PreflightCheck>& checks) {
  return std::none_of(checks.begin(), checks.end(), [](const PreflightCheck& c) { return c.status == Status::kFail; });
}

std::string format_preflight(const std::vector<PreflightCheck>& checks, const PreflightOptions& o) {
  std::string out = fmt::format("Preflight (context {}, namespace {}):\n", o.target.context.empty() ? "(current)" : o.target.context,
                                o.target.namespace_name.empty() ? "(the context's)" : o.target.namespace_name);
  for (const auto& c : checks) {
    const char* tag = c.status == Status::kOk ? "ok  " : c.status == Status::kWarn ? "warn" : "FAIL";
    out += fmt::format("  {}  {}\n", tag, c.detail);
    if (!c.fix.empty() && c.status != Status::kOk) out += fmt::format("        -> {}\n", c.fix);
  }
  const auto failed = std::count_if(checks.begin(), checks.end(), [](const PreflightCheck& c) { return c.status == Status::kFail; });
  out += failed == 0 ? "Preflight passed.\n" : fmt::format("Preflight failed: {} check(s). Nothing was deployed.\n", failed);
  return out;
}

}  // namespace lmbench::deploy
