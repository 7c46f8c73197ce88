#include "store/baseline_key.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "metrics/run_file.h"

namespace lmbench::store {

namespace {

// Python's str.replace (every occurrence), as the original's KEY code and src/suite/keys.cc do.
std::string drop_all(std::string s, std::string_view what) {
  for (std::size_t at = 0; (at = s.find(what, at)) != std::string::npos;) s.erase(at, what.size());
  return s;
}

std::string replace_chars(std::string s, std::string_view from, char to) {
  for (char& c : s) {
    if (from.find(c) != std::string_view::npos) c = to;
  }
  return s;
}

std::optional<std::string> string_field(const nlohmann::json& config, const char* name) {
  if (!config.is_object()) return std::nullopt;
  const auto it = config.find(name);
  if (it == config.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

std::optional<std::string> key_from_file_name(std::string_view file_name, std::string_view workload) {
  if (const auto slash = file_name.find_last_of('/'); slash != std::string_view::npos) {
    file_name.remove_prefix(slash + 1);
  }
  constexpr std::string_view kExt = ".json";
  if (!file_name.ends_with(kExt)) return std::nullopt;
  file_name.remove_suffix(kExt.size());
  return metrics::key_from_file_name(file_name, workload);
}

std::optional<std::string> key_from_serving(const nlohmann::json& serving) {
  if (!serving.is_object()) return std::nullopt;
  const auto type = string_field(serving, "baseline_type");
  if (!type) return std::nullopt;
  const auto cfg_it = serving.find("config");
  if (cfg_it == serving.end()) return std::nullopt;
  const nlohmann::json& config = *cfg_it;
  auto selection = [&](const char* field, std::string_view ext) -> std::optional<std::string> {
    auto v = string_field(config, field);
    if (!v) return std::nullopt;
    return replace_chars(drop_all(*v, ext), "/", '_');
  };
  if (*type == "Helm-ProductionStack") {
    auto s = selection("helmConfigSelection", ".yaml");
    if (s) return "helm_" + *s;
  } else if (*type == "Direct-ProductionStack") {
    return selection("kubernetesConfigSelection", ".yaml");
  } else if (*type == "SGLang") {
    if (auto s = string_field(config, "scriptName")) return "sglang_" + replace_chars(drop_all(*s, ".sh"), "-", '_');
  } else if (*type == "RayServe") {
    auto s = string_field(config, "scriptName");
    auto accel = string_field(config, "acceleratorType");
    if (s && accel) {
      std::string lower = *accel;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return "rayserve_" + replace_chars(drop_all(*s, ".py"), "-", '_') + "_" + lower;
    }
  } else if (*type == "Dynamo") {
    if (auto s = selection("configSelection", ".yaml")) return "dynamo_" + *s;
  } else if (*type == "LLM-D") {
    if (auto s = selection("configSelection", ".yaml")) return "llmd_" + *s;
  } else if (*type == "Flat") {
    if (auto s = string_field(config, "configSelection")) return "flat_" + replace_chars(drop_all(*s, ".sh"), "/-", '_');
  }
  return std::nullopt;
}

}  // namespace lmbench::store
