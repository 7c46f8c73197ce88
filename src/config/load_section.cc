#include "config/load_section.h"

#include <fmt/format.h>

#include <regex>

#include "config/map_reader.h"

namespace lmbench::config {

namespace {

const std::vector<std::string> kKubernetesKeys = {"image", "resources", "nodeSelector", "tolerations", "spread"};

// A Kubernetes quantity: "2", "500m", "1.5", "4Gi", "1e3".
bool is_quantity(const std::string& s) {
  static const std::regex re(R"(^([0-9]+(\.[0-9]*)?|\.[0-9]+)([numkMGTPE]|Ki|Mi|Gi|Ti|Pi|Ei|[eE][0-9]+)?$)");
  return std::regex_match(s, re);
}

// A map of string keys to scalar values, read as strings ("cpu: 2" is "2").
std::map<std::string, std::string> read_string_map(const YamlFile& file, const YAML::Node& node, const std::string& path,
                                                   bool quantities) {
  if (!node.IsMap()) fail_expected(file, node, path, quantities ? "a map of resource names to quantities" : "a map of labels to values");
  std::map<std::string, std::string> out;
  for (const auto& kv : node) {
    const std::string key = read_string(file, kv.first, path);
    const std::string value = read_string(file, kv.second, path + "." + key);
    if (quantities && !is_quantity(value)) {
      fail_expected(file, kv.second, path + "." + key, "a Kubernetes quantity such as 2, 500m, 4Gi");
    }
    if (!out.emplace(key, value).second) fail_at(file, kv.first, path, fmt::format("'{}' is given twice", key));
  }
  return out;
}

LoadSection::Resources read_resources(const YamlFile& file, const YAML::Node& node) {
  if (!node.IsMap()) fail_expected(file, node, "Load.resources", "a map with requests and/or limits");
  const MapReader r(file, node, "Load.resources", "Load.resources", {"requests", "limits"});
  LoadSection::Resources out;
  if (r.has("requests")) out.requests = read_string_map(file, r.node("requests"), "Load.resources.requests", true);
  if (r.has("limits")) out.limits = read_string_map(file, r.node("limits"), "Load.resources.limits", true);
  return out;
}

std::vector<LoadToleration> read_tolerations(const YamlFile& file, const YAML::Node& node) {
  if (!node.IsSequence()) fail_expected(file, node, "Load.tolerations", "a list of tolerations");
  std::vector<LoadToleration> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = fmt::format("Load.tolerations[{}]", i);
    if (!node[i].IsMap()) fail_expected(file, node[i], path, "a map with key, operator, value, effect");
    const MapReader r(file, node[i], path, "a toleration", {"key", "operator", "value", "effect", "tolerationSeconds"});
    LoadToleration t;
    t.key = r.opt_string("key", "");
    t.op = r.opt_choice("operator", {"Equal", "Exists"}, "Equal");
    t.value = r.opt_string("value", "");
    t.effect = r.opt_choice("effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"}, "");
    if (r.has("tolerationSeconds")) t.toleration_seconds = r.req_int("tolerationSeconds", 0);
    if (t.op == "Exists" && !t.value.empty()) r.fail("value", "must be empty with operator Exists");
    if (t.op == "Equal" && t.key.empty()) r.fail("key", "is required with operator Equal (an empty key tolerates every taint with Exists)");
    if (t.toleration_seconds && t.effect != "NoExecute") r.fail("tolerationSeconds", "applies to effect NoExecute only");
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

LoadSection parse_load_section(const YamlFile& file, const YAML::Node& load) {
  if (!load.IsMap()) fail_expected(file, load, "Load", "a map with workers");
  const MapReader r(file, load, "Load", "Load",
                    {"workers", "placement", "image", "resources", "nodeSelector", "tolerations", "spread"});
  LoadSection out;
  out.workers = r.opt_int("workers", 1, 1);
  out.placement = r.opt_choice("placement", {"local", "kubernetes"}, "local");
  out.where = location_of(file, load);
  if (out.placement == "local") {
    for (const auto& key : kKubernetesKeys) {
      if (r.has(key)) r.fail(key, "applies to placement: kubernetes only (this Load's placement is local)");
    }
    return out;
  }
  out.image = r.opt_string("image", "");
  if (r.has("image") && out.image.empty()) r.fail("image", "expected an image reference, found nothing");
  if (r.has("resources")) out.resources = read_resources(file, r.node("resources"));
  if (r.has("nodeSelector")) out.node_selector = read_string_map(file, r.node("nodeSelector"), "Load.nodeSelector", false);
  if (r.has("tolerations")) out.tolerations = read_tolerations(file, r.node("tolerations"));
  out.spread = r.opt_choice("spread", {"hostname", "zone", "one-per-node", "none"}, "hostname");
  return out;
}

}  // namespace lmbench::config
