#pragma once
// Engine profiles: every number the simulated engine uses, with the built-in calibrations of
// SIMULATOR.md (§1.1, §1.4, §1.5) and a YAML file format users write for their own hardware.
//
// Every parameter has a dotted key (e.g. `scheduler.max_num_seqs`, `step.overhead_ms`). A YAML
// profile file uses the same keys as nested maps; `--set key=value` overrides any of them. Units
// are in the key names: ms, us, GB/s (decimal, 1e9 B/s), TFLOPS (1e12 FLOP/s), GB (1e9 B).
//
//   name: my-gpu
//   base: llama-3.1-8b-a100-80gb      # optional: start from a built-in profile
//   scheduler: {max_num_seqs: 128, num_gpu_blocks: 20000}
//   step: {overhead_ms: 2.5, linear_ms: [[1, 9.7], [2048, 145.6], [16384, 1082.8]]}
//   lmcache: {enabled: true, cpu_size_gb: 60}

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lmbench::sim {

struct SchedulerConfig {
  int max_num_batched_tokens = 2048;  // token budget per step (vLLM arg_utils default on A100)
  int max_num_seqs = 256;             // max running requests
  int block_size = 16;
  int num_gpu_blocks = 27500;         // KV pool, null block included
  bool enable_prefix_caching = true;
  int max_model_len = 131072;
  std::uint64_t hash_seed = 0;        // seeds the block hash chain, like PYTHONHASHSEED
};

struct StepModelConfig {
  // T_lin(N) table: (batch tokens, ms), interpolated in log-log space, N strictly increasing.
  std::vector<std::pair<int, double>> linear_ms;
  double linear_tail_us_per_token = 67.0;  // slope above the last table point
  double overhead_ms = 2.0;                // T_ovh: scheduler, sampler, launches
  double attention_tflops = 180.0;         // P_attn: effective FlashAttention throughput
  double lm_head_tflops = 180.0;           // P for the LM head's 2*h*V*n_sampled FLOPs
  double attention_bw_gbps = 1500.0;       // BW_attn: KV reads
  double weight_bw_gbps = 1600.0;          // BW_w: LM head weight read
  double lm_head_bytes = 1.05e9;           // W_lm
  int num_layers = 32;                     // L
  int attention_width = 4096;              // H*d (query heads x head dim)
  int hidden_size = 4096;                  // h
  int vocab_size = 128256;                 // V
  double kv_bytes_per_token = 131072.0;    // 2*L*kv_heads*head_dim*2 B
  double jitter_sigma = 0.0;               // Gaussian step-time jitter as a fraction; clamped to +-70%
};

struct FrontendConfig {
  double base_ms = 3.0;        // HTTP + tokenize, paid between arrival and the waiting queue
  double per_token_us = 0.5;   // per prompt token
};

struct LmCacheConfig {
  bool enabled = false;
  double cpu_size_gb = 5.0;        // LMCache max_local_cpu_size / cpuOffloadingBufferSize
  int chunk_size = 256;            // tokens per chunk key; a multiple of the block size
  double load_gbps = 25.0;         // BW_h2d for loads (A100 PCIe4)
  double store_gbps = 25.0;        // D2H copy rate: a stored chunk becomes visible once copied
  double load_overhead_ms = 1.0;   // fixed cost per request that loads
  bool layerwise = false;          // overlap the load with the step's compute
};

struct OutputConfig {
  std::uint64_t seed = 0;            // output tokens are a function of (seed, request seed or prompt)
  double eos_probability = 0.0;      // per generated token after min_tokens; 0 = always max_tokens
  std::int32_t eos_token_id = 128009;  // Llama-3.1 <|eot_id|>
  std::int32_t token_id_min = 1000;    // generated ids are uniform in [min, max)
  std::int32_t token_id_max = 30000;
};

struct Profile {
  std::string name;
  std::string model = "meta-llama/Llama-3.1-8B-Instruct";
  std::string description;
  SchedulerConfig scheduler;
  StepModelConfig step;
  FrontendConfig frontend;
  LmCacheConfig lmcache;
  OutputConfig output;
};

// One settable parameter, for help text and listings.
struct ProfileParam {
  std::string key;
  std::string type;  // "int", "number", "bool", "string", "table"
  std::string help;
};

inline constexpr std::string_view kDefaultProfile = "llama-3.1-8b-a100-80gb";

std::vector<std::string> builtin_profile_names();
// Throws core::ConfigError naming the known profiles when `name` is not one.
Profile builtin_profile(std::string_view name);

// A YAML profile (`text` read from `file`, used in error messages). Unknown keys, wrong types and
// invalid values throw core::ConfigError with file, line, column and key.
Profile parse_profile_yaml(std::string_view text, const std::string& file);
Profile load_profile_file(const std::filesystem::path& path);
// A built-in name, or else a path to a YAML profile file.
Profile resolve_profile(std::string_view name_or_path);

// Applies "key=value" (the `--set` syntax). Tables are written "N:ms,N:ms,...".
void apply_override(Profile& profile, std::string_view assignment);

// Throws core::ConfigError when values are out of range or inconsistent.
void validate_profile(const Profile& profile, const std::string& origin);

const std::vector<ProfileParam>& profile_params();
// Current value of `key` as text (the --set syntax), for listings and round trips.
std::string profile_value(const Profile& profile, std::string_view key);

}  // namespace lmbench::sim
