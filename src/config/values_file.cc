#include "config/values_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <regex>

#include "config/yaml_read.h"

namespace lmbench::config {

const std::vector<std::string>& routing_logic_names() {
  static const std::vector<std::string> kNames = {"roundrobin", "session", "prefixaware", "kvaware", "leastloaded"};
  return kNames;
}

namespace {

// The chart quotes the buffer size ("60"); a plain number is accepted too.
double buffer_gb(const YamlFile& file, const YAML::Node& n, const std::string& path) {
  static const std::regex kNum(R"([0-9]+(\.[0-9]*)?|\.[0-9]+)");
  if (!n.IsScalar() || !std::regex_match(n.Scalar(), kNum) || std::strtod(n.Scalar().c_str(), nullptr) <= 0.0) {
    fail_expected(file, n, path, "a positive number of GB (e.g. \"60\")");
  }
  return std::strtod(n.Scalar().c_str(), nullptr);
}

}  // namespace

ProductionStackValues load_production_stack_values(const std::filesystem::path& path, const std::string& display) {
  const YamlFile file{display};
  const YAML::Node root = load_yaml_file(path, display);
  if (!root.IsMap()) fail_expected(file, root, "values file", "a map (a Helm values file)");
  const YAML::Node serving = child(root, "servingEngineSpec");
  if (!serving.IsMap()) fail_expected(file, serving.IsDefined() ? serving : root, "servingEngineSpec", "a map");
  const YAML::Node specs = child(serving, "modelSpec");
  if (!specs.IsSequence() || specs.size() == 0) {
    fail_expected(file, specs.IsDefined() ? specs : serving, "servingEngineSpec.modelSpec", "a non-empty list");
  }

  ProductionStackValues v;
  v.file = display;
  v.engine.engines = 0;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const YAML::Node m = specs[i];
    const std::string p = fmt::format("servingEngineSpec.modelSpec[{}]", i);
    if (!m.IsMap()) fail_expected(file, m, p, "a map");
    if (!has(m, "modelURL")) fail_at(file, m, p, "missing required key 'modelURL'");
    const std::string model_url = read_string(file, child(m, "modelURL"), p + ".modelURL");
    const long long replicas = has(m, "replicaCount") ? read_int(file, child(m, "replicaCount"), p + ".replicaCount", 0) : 1;
    v.engine.engines += static_cast<int>(replicas);
    if (i != 0) continue;
    // Per-engine settings come from the first entry; production-stack values files in practice
    // give every entry the same engine flags.
    v.model_url = model_url;
    if (const YAML::Node vc = child(m, "vllmConfig"); vc.IsDefined() && !vc.IsNull()) {
      if (!vc.IsMap()) fail_expected(file, vc, p + ".vllmConfig", "a map");
      if (has(vc, "enablePrefixCaching")) {
        v.engine.enable_prefix_caching = read_bool(file, child(vc, "enablePrefixCaching"), p + ".vllmConfig.enablePrefixCaching");
      }
      if (has(vc, "maxModelLen")) {
        v.engine.max_model_len = static_cast<int>(read_int(file, child(vc, "maxModelLen"), p + ".vllmConfig.maxModelLen", 1));
      }
    }
    if (const YAML::Node lc = child(m, "lmcacheConfig"); lc.IsDefined() && !lc.IsNull()) {
      if (!lc.IsMap()) fail_expected(file, lc, p + ".lmcacheConfig", "a map");
      if (has(lc, "enabled")) v.engine.lmcache = read_bool(file, child(lc, "enabled"), p + ".lmcacheConfig.enabled");
      if (has(lc, "cpuOffloadingBufferSize")) {
        v.engine.cpu_offloading_buffer_gb =
            buffer_gb(file, child(lc, "cpuOffloadingBufferSize"), p + ".lmcacheConfig.cpuOffloadingBufferSize");
      }
    }
  }
  if (v.engine.engines < 1) fail_at(file, specs, "servingEngineSpec.modelSpec", "replicaCount adds up to 0 engines");

  if (const YAML::Node router = child(root, "routerSpec"); router.IsDefined() && !router.IsNull()) {
    if (!router.IsMap()) fail_expected(file, router, "routerSpec", "a map");
    if (const YAML::Node logic = child(router, "routingLogic"); logic.IsDefined()) {
      const std::string s = read_string(file, logic, "routerSpec.routingLogic");
      const auto& names = routing_logic_names();
      if (std::find(names.begin(), names.end(), s) == names.end()) {
        fail_expected(file, logic, "routerSpec.routingLogic", "one of roundrobin, session, prefixaware, kvaware, leastloaded");
      }
      v.engine.routing_logic = s;
    }
    if (has(router, "sessionKey")) v.engine.session_key = read_string(file, child(router, "sessionKey"), "routerSpec.sessionKey");
  }
  return v;
}

}  // namespace lmbench::config
