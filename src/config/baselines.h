#pragma once
// Serving baselines of a spec file: every type of the original LMBench plus the new Endpoint and
// Simulated (LMBENCH-FORMAT.md "Serving baselines"). One struct per kind, held in a variant.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>
#include <variant>

#include <nlohmann/json.hpp>

#include "config/infrastructure.h"
#include "core/error.h"

namespace lmbench::config {

enum class ApiType { kCompletions, kChat };
std::string_view api_type_name(ApiType api);

// The shape of a simulated deployment: what the simulator and its router honour. Filled from a
// production-stack values file (helmConfigSelection) or from a Simulated baseline's inline keys.
struct SimulatedEngine {
  int engines = 1;                          // vLLM instances behind the router
  std::string routing_logic = "roundrobin"; // roundrobin | session | prefixaware | kvaware | leastloaded
  std::string session_key = "x-user-id";    // header (or body field) that session routing hashes
  // The simulator's latency profile: a built-in name (llama-3.1-8b-a100-80gb, llama-3.1-8b-a100-40gb,
  // llama-3.1-8b-h100) or a path to a profile YAML file, resolved against the project folder.
  // src/sim checks it; `validate` reports an unknown one.
  std::string profile = "llama-3.1-8b-a100-80gb";
  bool enable_prefix_caching = true;        // vLLM V1 enables it by default
  // Tokens; a longer prompt + max_tokens is rejected with 400. Llama 3.1's 131,072, what vLLM
  // serves by default and `lmbench sim` assumes.
  int max_model_len = 131072;
  bool lmcache = false;                     // an LMCache CPU tier per engine
  double cpu_offloading_buffer_gb = 5.0;    // LMCache CPU buffer per engine (LMCache's default 5 GB)
  double time_scale = 1.0;                  // simulated time runs this many times faster than real time
};

// What lmbench reads from a vLLM production-stack Helm values file (LMBENCH-FORMAT.md).
struct ProductionStackValues {
  std::string file;            // as shown in messages
  std::string model_url;       // servingEngineSpec.modelSpec[0].modelURL
  SimulatedEngine engine;      // engines = replicaCount summed over modelSpec entries
};

struct HelmProductionStack {
  std::string helm_config_selection;        // relative to 2-serving-engines/helm-production-stack/helm_configurations/
  std::filesystem::path values_path;
  std::optional<ProductionStackValues> values;  // nullopt when the values file is missing (a warning)
};

struct DirectProductionStack {
  std::string kubernetes_config_selection;  // under 2-serving-engines/direct-production-stack/kubernetes_configurations/
  std::filesystem::path manifest_path;
};

struct SGLang {
  std::string script_name;  // under 2-serving-engines/sglang/
  std::filesystem::path script_path;
};

struct RayServe {
  std::string script_name;       // under 2-serving-engines/rayserve/
  std::string accelerator_type;  // e.g. H100; passed to the script
  std::filesystem::path script_path;
};

struct Dynamo {
  std::string config_selection;  // under 2-serving-engines/dynamo/dynamo_configurations/
  std::filesystem::path config_path;
};

struct LLMD {
  std::string config_selection;  // under 2-serving-engines/llm-d/: the model service's values;
  std::filesystem::path config_path;  // infra-values.yaml and gaie-values.yaml sit beside it
  std::string gateway_service;   // gatewayService (new): the Service to port-forward; "" = the default
};

struct Flat {
  std::string config_selection;  // a launch script under 2-serving-engines/flat/
  std::filesystem::path script_path;
};

// New: an OpenAI-compatible server that is already running; nothing is deployed.
struct Endpoint {
  std::string base_url;     // e.g. http://127.0.0.1:8000 (no /v1)
  std::string api_key_env;  // name of the environment variable holding the API key; "" for none
  std::string name;         // "" when not given
  // metricsURLs: Prometheus pages scraped during each run (telemetry/); empty: <baseURL>/metrics.
  std::vector<std::string> metrics_urls;
};

// New: the built-in simulator (plus the router when engines > 1).
struct Simulated {
  std::string name;                   // "" when not given
  std::string helm_config_selection;  // "" when the shape is given inline
  SimulatedEngine engine;
};

using BaselineKind =
    std::variant<HelmProductionStack, DirectProductionStack, SGLang, RayServe, Dynamo, LLMD, Flat, Endpoint, Simulated>;

struct Baseline {
  std::string type;  // the type key as written, e.g. "Helm-ProductionStack"
  BaselineKind kind;
  std::string model_url;
  ApiType api_type = ApiType::kCompletions;
  // The token after <YOUR_HF_TOKEN> substitution; for script kinds (SGLang, RayServe, Flat,
  // Dynamo), which have no hf_token key in the original format, HF_TOKEN itself. nullopt when
  // the spec names none (or the placeholder) and HF_TOKEN is unset. Never printed.
  std::optional<std::string> hf_token;
  bool hf_token_key_present = false;  // the spec has an hf_token key
  // The baseline's map exactly as written (placeholders NOT substituted): serving.config of the
  // result JSON, after secrets are removed (suite::strip_secrets).
  nlohmann::ordered_json raw;
  core::SourceLocation where;
};

// Whether deploying `b` needs a Hugging Face token (the original required it for Helm, Direct
// and LLM-D baselines and read HF_TOKEN from the environment for SGLang and RayServe). Simulated
// and Endpoint baselines never do, nor does anything under Location Simulated or NoBench. A
// missing token fails that baseline in `run`; `validate` only reports it.
bool needs_hf_token(const Baseline& b, Location location);

}  // namespace lmbench::config
