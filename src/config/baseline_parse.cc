#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

#include "config/parse_context.h"
#include "config/values_file.h"

namespace lmbench::config {

namespace {

constexpr std::string_view kHfPlaceholder = "<YOUR_HF_TOKEN>";

const std::vector<std::string>& baseline_type_names() {
  static const std::vector<std::string> kNames = {"Helm-ProductionStack", "Direct-ProductionStack", "SGLang",
                                                  "RayServe",             "Dynamo",                 "LLM-D",
                                                  "Flat",                 "Endpoint",               "Simulated"};
  return kNames;
}

const std::vector<std::string>& allowed_keys(const std::string& type) {
  static const std::map<std::string, std::vector<std::string>> kKeys = {
      {"Helm-ProductionStack", {"helmConfigSelection", "hf_token", "modelURL", "apiType"}},
      {"Direct-ProductionStack", {"kubernetesConfigSelection", "hf_token", "modelURL", "apiType"}},
      {"SGLang", {"scriptName", "modelURL", "apiType"}},
      {"RayServe", {"scriptName", "acceleratorType", "modelURL", "apiType"}},
      {"Dynamo", {"configSelection", "modelURL", "apiType"}},
      {"LLM-D", {"configSelection", "modelURL", "hf_token", "apiType", "gatewayService"}},
      {"Flat", {"configSelection", "modelURL", "apiType"}},
      {"Endpoint", {"baseURL", "modelURL", "apiType", "apiKeyEnv", "name", "metricsURLs"}},
      {"Simulated",
       {"modelURL", "name", "apiType", "helmConfigSelection", "engines", "routingLogic", "sessionKey", "profile",
        "enablePrefixCaching", "maxModelLen", "lmcache", "cpuOffloadingBufferSize", "timeScale"}},
  };
  return kKeys.at(type);
}

void warn(const ParseContext& ctx, core::SourceLocation where, std::string message) {
  if (ctx.warnings) ctx.warnings->push_back({std::move(where), std::move(message)});
}

// A file a baseline names under 2-serving-engines/: a warning (not an error) when missing, since
// only deploying needs it and `validate` may run where the cluster configs are not checked out.
std::filesystem::path engine_file(const ParseContext& ctx, const MapReader& r, const std::string& key,
                                  const std::string& selection, const std::filesystem::path& folder) {
  const auto p = (ctx.root / "2-serving-engines" / folder / selection).lexically_normal();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) {
    warn(ctx, r.where(key), fmt::format("{}: file not found: {}", r.path(key), p.string()));
  }
  return p;
}

std::string read_name(const MapReader& r) {
  if (!r.has("name")) return "";
  const std::string name = r.req_string("name");
  static const std::regex kSafe(R"([A-Za-z0-9._+-]+)");
  if (!std::regex_match(name, kSafe)) {
    fail_expected(r.file(), r.node("name"), r.path("name"), "a name usable in file names (letters, digits, . _ + -)");
  }
  return name;
}

Simulated simulated(const ParseContext& ctx, const MapReader& r) {
  Simulated s;
  s.name = read_name(r);
  static const std::vector<std::string> kInline = {"engines",     "routingLogic", "sessionKey", "enablePrefixCaching",
                                                   "maxModelLen", "lmcache",      "cpuOffloadingBufferSize"};
  if (r.has("helmConfigSelection")) {
    for (const auto& k : kInline) {
      if (r.has(k)) r.fail(k, "not allowed together with helmConfigSelection (the values file gives the engine shape)");
    }
    s.helm_config_selection = r.req_string("helmConfigSelection");
    const auto p = (ctx.root / "2-serving-engines" / "helm-production-stack" / "helm_configurations" /
                    s.helm_config_selection).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) {
      r.fail("helmConfigSelection", "values file not found: " + p.string());
    }
    s.engine = load_production_stack_values(p, p.string()).engine;
  } else {
    s.engine.engines = r.opt_int("engines", 1, 1);
    s.engine.routing_logic = r.opt_choice("routingLogic", routing_logic_names(), "roundrobin");
    s.engine.session_key = r.opt_string("sessionKey", "x-user-id");
    s.engine.enable_prefix_caching = r.opt_bool("enablePrefixCaching", true);
    s.engine.max_model_len = r.opt_int("maxModelLen", 1, SimulatedEngine{}.max_model_len);
    s.engine.lmcache = r.opt_bool("lmcache", false);
    s.engine.cpu_offloading_buffer_gb = r.opt_number("cpuOffloadingBufferSize", 0.0, true, 5.0);
  }
  if (r.has("profile")) {
    s.engine.profile = r.req_string("profile");
    // A file path (not a built-in name) is relative to the project folder, like every other file.
    const std::filesystem::path p(s.engine.profile);
    if (p.is_relative() && (s.engine.profile.find('/') != std::string::npos || p.extension() == ".yaml")) {
      s.engine.profile = (ctx.root / p).lexically_normal().string();
    }
  }
  s.engine.time_scale = r.opt_number("timeScale", 0.0, true, 1.0);
  return s;
}

Endpoint endpoint(const MapReader& r) {
  Endpoint e;
  e.base_url = r.req_string("baseURL");
  if (e.base_url.rfind("http://", 0) != 0 && e.base_url.rfind("https://", 0) != 0) {
    fail_expected(r.file(), r.node("baseURL"), r.path("baseURL"), "an http:// or https:// URL");
  }
  if (r.has("apiKeyEnv")) {
    e.api_key_env = r.req_string("apiKeyEnv");
    static const std::regex kEnvName(R"([A-Za-z_][A-Za-z0-9_]*)");
    if (!std::regex_match(e.api_key_env, kEnvName)) {
      fail_expected(r.file(), r.node("apiKeyEnv"), r.path("apiKeyEnv"), "the name of an environment variable");
    }
  }
  if (r.has("metricsURLs")) {
    e.metrics_urls = read_string_list(r.file(), r.node("metricsURLs"), r.path("metricsURLs"));
    for (std::size_t i = 0; i < e.metrics_urls.size(); ++i) {
      const auto& u = e.metrics_urls[i];
      if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
        fail_expected(r.file(), r.node("metricsURLs")[i], r.path("metricsURLs") + "[" + std::to_string(i) + "]",
                      "an http:// or https:// URL");
      }
    }
  }
  e.name = read_name(r);
  return e;
}

}  // namespace

std::string_view api_type_name(ApiType api) { return api == ApiType::kChat ? "chat" : "completions"; }

bool needs_hf_token(const Baseline& b, Location location) {
  if (location == Location::kSimulated || location == Location::kNoBench) return false;
  return std::holds_alternative<HelmProductionStack>(b.kind) || std::holds_alternative<DirectProductionStack>(b.kind) ||
         std::holds_alternative<LLMD>(b.kind) || std::holds_alternative<SGLang>(b.kind) ||
         std::holds_alternative<RayServe>(b.kind);
}

Baseline parse_baseline(const ParseContext& ctx, const YAML::Node& item, int index) {
  const std::string path = fmt::format("Serving[{}]", index);
  if (!item.IsMap()) fail_expected(ctx.file, item, path, "a map with exactly one key, the baseline type");
  if (item.size() != 1) {
    fail_at(ctx.file, item, path,
            fmt::format("expected a map with exactly one key, the baseline type, found {} keys", item.size()));
  }
  const YAML::Node type_node = item.begin()->first;
  const std::string type = type_node.Scalar();
  const auto& types = baseline_type_names();
  if (std::find(types.begin(), types.end(), type) == types.end()) {
    std::string msg = fmt::format("unknown baseline type '{}'", type);
    const std::string hint = nearest_name(type, types);
    if (!hint.empty()) {
      msg += fmt::format(" (did you mean '{}'?)", hint);
    } else {
      std::string list;
      for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
      msg += " (expected one of " + list + ")";
    }
    fail_at(ctx.file, type_node, path, msg);
  }
  const YAML::Node body = item.begin()->second;
  const std::string bpath = path + "." + type;
  const MapReader r(ctx.file, body, bpath, type, allowed_keys(type), type_node);

  Baseline b{type, HelmProductionStack{}, "", ApiType::kCompletions, std::nullopt, false,
             body.IsMap() ? to_json(body) : nlohmann::ordered_json::object(), location_of(ctx.file, item)};
  if (type == "Helm-ProductionStack" || type == "Direct-ProductionStack" || type == "LLM-D") {
    if (!r.has("hf_token")) r.missing("hf_token");
  }
  if (r.has("hf_token")) {
    b.hf_token_key_present = true;
    std::string token = r.req_string("hf_token");
    if (token.find(kHfPlaceholder) != std::string::npos) {
      if (ctx.hf_token && !ctx.hf_token->empty()) {
        for (std::size_t at; (at = token.find(kHfPlaceholder)) != std::string::npos;) {
          token.replace(at, kHfPlaceholder.size(), *ctx.hf_token);
        }
        b.hf_token = token;
      }
    } else {
      b.hf_token = token;
      // The token itself is never printed; where it sits is.
      if (!token.empty()) {
        warn(ctx, r.where("hf_token"),
             r.path("hf_token") + ": a literal token is written in this file, so anyone who can read the file (or "
                                  "the repository it is committed to) can use it; write hf_token: " +
                 std::string(kHfPlaceholder) + " and export HF_TOKEN instead");
      }
    }
  } else if (type == "SGLang" || type == "RayServe" || type == "Flat" || type == "Dynamo") {
    // The original format gives script baselines no hf_token key: their scripts read HF_TOKEN
    // from the environment, so lmbench takes the exported one (validate and run then agree).
    if (ctx.hf_token && !ctx.hf_token->empty()) b.hf_token = *ctx.hf_token;
  }
  b.model_url = r.req_string("modelURL");
  b.api_type = r.opt_choice("apiType", {"completions", "chat"}, "completions") == "chat" ? ApiType::kChat
                                                                                          : ApiType::kCompletions;

  if (type == "Helm-ProductionStack") {
    HelmProductionStack h;
    h.helm_config_selection = r.req_string("helmConfigSelection");
    h.values_path = engine_file(ctx, r, "helmConfigSelection", h.helm_config_selection,
                                std::filesystem::path("helm-production-stack") / "helm_configurations");
    std::error_code ec;
    if (std::filesystem::is_regular_file(h.values_path, ec)) {
      // Only simulating this baseline needs these fields; a values file for a chart feature the
      // simulator lacks (e.g. disaggregated prefill) still deploys on a real cluster.
      try {
        h.values = load_production_stack_values(h.values_path, h.values_path.string());
      } catch (const core::ConfigError& e) {
        warn(ctx, r.where("helmConfigSelection"),
             fmt::format("{}: cannot be simulated: {}", r.path("helmConfigSelection"), e.what()));
      }
    }
    b.kind = std::move(h);
  } else if (type == "Direct-ProductionStack") {
    DirectProductionStack d;
    d.kubernetes_config_selection = r.req_string("kubernetesConfigSelection");
    d.manifest_path = engine_file(ctx, r, "kubernetesConfigSelection", d.kubernetes_config_selection,
                                  std::filesystem::path("direct-production-stack") / "kubernetes_configurations");
    b.kind = std::move(d);
  } else if (type == "SGLang") {
    SGLang s;
    s.script_name = r.req_string("scriptName");
    s.script_path = engine_file(ctx, r, "scriptName", s.script_name, "sglang");
    b.kind = std::move(s);
  } else if (type == "RayServe") {
    RayServe s;
    s.script_name = r.req_string("scriptName");
    s.accelerator_type = r.req_string("acceleratorType");
    s.script_path = engine_file(ctx, r, "scriptName", s.script_name, "rayserve");
    b.kind = std::move(s);
  } else if (type == "Dynamo") {
    Dynamo d;
    d.config_selection = r.req_string("configSelection");
    d.config_path = engine_file(ctx, r, "configSelection", d.config_selection,
                                std::filesystem::path("dynamo") / "dynamo_configurations");
    b.kind = std::move(d);
  } else if (type == "LLM-D") {
    LLMD d;
    d.config_selection = r.req_string("configSelection");
    d.config_path = engine_file(ctx, r, "configSelection", d.config_selection, "llm-d");
    // The gateway and inference-pool releases take their values from beside the model's.
    for (const char* sibling : {"infra-values.yaml", "gaie-values.yaml"}) {
      const auto p = d.config_path.parent_path() / sibling;
      std::error_code ec;
      if (std::filesystem::is_regular_file(d.config_path, ec) && !std::filesystem::is_regular_file(p, ec)) {
        warn(ctx, r.where("configSelection"),
             fmt::format("{}: LLM-D installs three releases and needs {} beside {}: file not found: {}",
                         r.path("configSelection"), sibling, d.config_path.filename().string(), p.string()));
      }
    }
    d.gateway_service = r.opt_string("gatewayService", "");
    b.kind = std::move(d);
  } else if (type == "Flat") {
    Flat f;
    f.config_selection = r.req_string("configSelection");
    f.script_path = engine_file(ctx, r, "configSelection", f.config_selection, "flat");
    b.kind = std::move(f);
  } else if (type == "Endpoint") {
    b.kind = endpoint(r);
  } else {
    b.kind = simulated(ctx, r);
  }
  return b;
}

}  // namespace lmbench::config
