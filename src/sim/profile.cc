#include "sim/profile.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "core/error.h"
#include "core/files.h"

namespace lmbench::sim {
namespace {

// ---- Built-in profiles (numbers and their sources: SIMULATOR.md §1.1, §1.4, §1.5) ----

Profile a100_80gb() {
  Profile p;
  p.name = "llama-3.1-8b-a100-80gb";
  p.description = "Llama-3.1-8B on one A100-80GB SXM, vLLM V1 defaults (2048 batched tokens, 256 seqs)";
  p.scheduler.max_num_batched_tokens = 2048;
  p.scheduler.max_num_seqs = 256;
  p.scheduler.num_gpu_blocks = 27500;  // ~440k tokens at gpu_memory_utilization 0.9
  // Vidur kernel medians x 32 layers (Llama-3-8B, A100).
  p.step.linear_ms = {{1, 9.70},     {16, 10.13},   {64, 11.23},   {128, 13.18},
                      {256, 19.49},  {512, 34.64},  {1024, 75.14}, {2048, 145.6},
                      {4096, 273.6}, {8192, 545.2}, {16384, 1082.8}};
  p.step.linear_tail_us_per_token = 67.0;
  p.step.overhead_ms = 2.0;
  p.step.attention_tflops = 180.0;
  p.step.lm_head_tflops = 180.0;
  p.step.attention_bw_gbps = 1500.0;
  p.step.weight_bw_gbps = 1600.0;
  // PCIe4 host-to-device; 25 GB/s reproduces the table's 0.16 s LMCache-hit TTFT.
  p.lmcache.load_gbps = 25.0;
  p.lmcache.store_gbps = 25.0;
  return p;
}

Profile a100_40gb() {
  Profile p = a100_80gb();
  p.name = "llama-3.1-8b-a100-40gb";
  p.description = "Llama-3.1-8B on one A100-40GB SXM (HBM2 1.555 TB/s), vLLM V1 defaults";
  // [derived/assume] 0.9 x 39.5 GiB - 15 GiB weights - ~2.5 GiB activations - ~0.6 GiB non-torch
  // = ~17.4 GiB of KV = ~8.9k blocks of 2 MiB (~142k tokens).
  p.scheduler.num_gpu_blocks = 8900;
  // [assume] the same ~77% of peak bandwidth as the 80 GB part.
  p.step.attention_bw_gbps = 1200.0;
  p.step.weight_bw_gbps = 1250.0;
  p.lmcache.load_gbps = 20.0;
  return p;
}

// The calibration before issue 24, kept by name: Vidur-derived T_lin, 1.5 ms exposed CPU overhead,
// P_attn 400 TFLOPS, 2.5 TB/s KV reads. Against the published vLLM 0.6.0 H100 sweep
// (bench/fidelity, S1) it is close at moderate rates and optimistic at saturation (docs/SIMULATOR.md).
Profile h100_vllm06() {
  Profile p;
  p.name = "llama-3.1-8b-h100-vllm0.6";
  p.description = "Llama-3.1-8B on one H100-80GB SXM, older vLLM (0.6-era overheads), 8192 tokens, 1024 seqs";
  p.scheduler.max_num_batched_tokens = 8192;
  p.scheduler.max_num_seqs = 1024;
  p.scheduler.num_gpu_blocks = 26560;  // ~425k tokens
  // Vidur H100 Llama-2-7B x (A100 L3-8B / A100 L2-7B).
  p.step.linear_ms = {{1, 5.85},    {16, 6.39},    {64, 6.78},   {128, 6.86}, {256, 10.02},
                      {512, 12.44}, {1024, 23.25}, {2048, 44.0}, {4096, 88.4}};
  p.step.linear_tail_us_per_token = 21.5;
  p.step.overhead_ms = 1.5;
  p.step.attention_tflops = 400.0;
  p.step.lm_head_tflops = 400.0;
  p.step.attention_bw_gbps = 2500.0;
  p.step.weight_bw_gbps = 2600.0;
  p.lmcache.load_gbps = 50.0;  // vLLM offload blog: DMA up to ~50 GB/s one way
  p.lmcache.store_gbps = 50.0;
  return p;
}

// The newest calibration (issue 24), fitted to published vLLM 0.19.1 and 2026 measurements on
// H100 (bench/fidelity: S2 cold TTFT 10k-100k, S3 concurrency-1 ITL 8k-131k). Same T_lin table;
// what changed, and why:
//  * attention_bw_gbps 2500 -> 3000: S3's fit ITL = 6.44 ms + 4.37e-5 ms x context gives
//    131,072 B / 4.37e-5 ms = 3.0 TB/s of KV reads (90% of the 3.35 TB/s peak);
//  * overhead_ms 1.5 -> 0.25: the same fit's 6.44 ms intercept = T_lin(1) 5.85 + LM head 0.35 +
//    0.25; vLLM's async scheduling hides the CPU work behind the GPU step;
//  * attention_tflops 400 -> 600: S2's TTFT(N) fits 22.2 us x N + 4.4e-7 ms x N^2, i.e.
//    4*L*H*d*N^2/2 FLOPs at ~600 TFLOPS (FlashAttention-3 reaches 600-740 on H100);
//  * weight_bw_gbps 2600 -> 3000, like the KV reads.
Profile h100() {
  Profile p = h100_vllm06();
  p.name = "llama-3.1-8b-h100";
  p.description = "Llama-3.1-8B on one H100-80GB SXM, recent vLLM V1 (0.19-era), 8192 tokens, 1024 seqs";
  p.step.overhead_ms = 0.25;
  p.step.attention_tflops = 600.0;
  p.step.attention_bw_gbps = 3000.0;
  p.step.weight_bw_gbps = 3000.0;
  return p;
}

// ---- Parameter table ----

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

template <typename T>
bool parse_integer(std::string_view s, T& out) {
  const std::string t = trim(s);
  const char* b = t.data();
  const char* e = b + t.size();
  if (b != e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && ptr == e && b != e;
}

bool parse_number(std::string_view s, double& out) {
  const std::string t = trim(s);
  if (t.empty()) return false;
  char* end = nullptr;
  out = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() && std::isfinite(out);
}

bool parse_bool(std::string_view s, bool& out) {
  const std::string t = trim(s);
  if (t == "true" || t == "yes" || t == "on" || t == "1") {
    out = true;
    return true;
  }
  if (t == "false" || t == "no" || t == "off" || t == "0") {
    out = false;
    return true;
  }
  return false;
}

bool parse_table(std::string_view s, std::vector<std::pair<int, double>>& out) {
  std::vector<std::pair<int, double>> rows;
  std::string text(s);
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) return false;
    int n = 0;
    double ms = 0;
    if (!parse_integer(std::string_view(item).substr(0, colon), n)) return false;
    if (!parse_number(std::string_view(item).substr(colon + 1), ms)) return false;
    rows.emplace_back(n, ms);
  }
  if (rows.empty()) return false;
  out = std::move(rows);
  return true;
}

std::string format_number(double v) {
  std::ostringstream os;
  os.precision(12);
  os << v;
  return os.str();
}

struct ParamDef {
  ProfileParam info;
  // Returns "" on success, else what was expected (e.g. "an integer").
  std::function<std::string(Profile&, std::string_view)> set;
  std::function<std::string(const Profile&)> get;
};

template <typename T>
ParamDef scalar(std::string key, std::string help, std::function<T&(Profile&)> field) {
  ParamDef d;
  d.info.key = std::move(key);
  d.info.help = std::move(help);
  if constexpr (std::is_same_v<T, bool>) {
    d.info.type = "bool";
  } else if constexpr (std::is_same_v<T, double>) {
    d.info.type = "number";
  } else if constexpr (std::is_same_v<T, std::string>) {
    d.info.type = "string";
  } else {
    d.info.type = "int";
  }
  d.set = [field](Profile& p, std::string_view text) -> std::string {
    T& ref = field(p);
    if constexpr (std::is_same_v<T, bool>) {
      return parse_bool(text, ref) ? "" : "true or false";
    } else if constexpr (std::is_same_v<T, double>) {
      return parse_number(text, ref) ? "" : "a number";
    } else if constexpr (std::is_same_v<T, std::string>) {
      ref = std::string(text);
      return "";
    } else {
      return parse_integer(text, ref) ? "" : "an integer";
    }
  };
  d.get = [field](const Profile& p) -> std::string {
    const T& ref = field(const_cast<Profile&>(p));
    if constexpr (std::is_same_v<T, bool>) {
      return ref ? "true" : "false";
    } else if constexpr (std::is_same_v<T, double>) {
      return format_number(ref);
    } else if constexpr (std::is_same_v<T, std::string>) {
      return ref;
    } else {
      return std::to_string(ref);
    }
  };
  return d;
}

const std::vector<ParamDef>& param_defs() {
  static const std::vector<ParamDef> defs = [] {
    std::vector<ParamDef> v;
    v.push_back(scalar<std::string>("name", "profile name", [](Profile& p) -> std::string& { return p.name; }));
    v.push_back(scalar<std::string>("model", "served model id (/v1/models)",
                                    [](Profile& p) -> std::string& { return p.model; }));
    v.push_back(scalar<std::string>("description", "one line for listings",
                                    [](Profile& p) -> std::string& { return p.description; }));
    v.push_back(scalar<int>("scheduler.max_num_batched_tokens", "token budget per step",
                            [](Profile& p) -> int& { return p.scheduler.max_num_batched_tokens; }));
    v.push_back(scalar<int>("scheduler.max_num_seqs", "max running requests",
                            [](Profile& p) -> int& { return p.scheduler.max_num_seqs; }));
    v.push_back(scalar<int>("scheduler.block_size", "tokens per KV block",
                            [](Profile& p) -> int& { return p.scheduler.block_size; }));
    v.push_back(scalar<int>("scheduler.num_gpu_blocks", "KV blocks in the GPU pool (null block included)",
                            [](Profile& p) -> int& { return p.scheduler.num_gpu_blocks; }));
    v.push_back(scalar<bool>("scheduler.enable_prefix_caching", "hash-chained prefix cache",
                             [](Profile& p) -> bool& { return p.scheduler.enable_prefix_caching; }));
    v.push_back(scalar<int>("scheduler.max_model_len", "max prompt + output tokens",
                            [](Profile& p) -> int& { return p.scheduler.max_model_len; }));
    v.push_back(scalar<std::uint64_t>("scheduler.hash_seed", "seed of the block hash chain",
                                      [](Profile& p) -> std::uint64_t& { return p.scheduler.hash_seed; }));
    {
      ParamDef d;
      d.info = {"step.linear_ms", "table", "T_lin: batch tokens -> ms, log-log interpolated (N:ms,N:ms,...)"};
      d.set = [](Profile& p, std::string_view text) -> std::string {
        return parse_table(text, p.step.linear_ms) ? "" : "a table N:ms,N:ms,...";
      };
      d.get = [](const Profile& p) {
        std::string s;
        for (const auto& [n, ms] : p.step.linear_ms) {
          if (!s.empty()) s += ',';
          s += std::to_string(n) + ':' + format_number(ms);
        }
        return s;
      };
      v.push_back(std::move(d));
    }
    v.push_back(scalar<double>("step.linear_tail_us_per_token", "T_lin slope above the table",
                               [](Profile& p) -> double& { return p.step.linear_tail_us_per_token; }));
    v.push_back(scalar<double>("step.overhead_ms", "T_ovh per step",
                               [](Profile& p) -> double& { return p.step.overhead_ms; }));
    v.push_back(scalar<double>("step.attention_tflops", "P_attn for prefill attention",
                               [](Profile& p) -> double& { return p.step.attention_tflops; }));
    v.push_back(scalar<double>("step.lm_head_tflops", "P for the LM head FLOPs",
                               [](Profile& p) -> double& { return p.step.lm_head_tflops; }));
    v.push_back(scalar<double>("step.attention_bw_gbps", "BW_attn for KV reads, GB/s",
                               [](Profile& p) -> double& { return p.step.attention_bw_gbps; }));
    v.push_back(scalar<double>("step.weight_bw_gbps", "BW_w for the LM head weights, GB/s",
                               [](Profile& p) -> double& { return p.step.weight_bw_gbps; }));
    v.push_back(scalar<double>("step.lm_head_bytes", "W_lm, bytes",
                               [](Profile& p) -> double& { return p.step.lm_head_bytes; }));
    v.push_back(scalar<int>("step.num_layers", "L", [](Profile& p) -> int& { return p.step.num_layers; }));
    v.push_back(scalar<int>("step.attention_width", "H*d",
                            [](Profile& p) -> int& { return p.step.attention_width; }));
    v.push_back(scalar<int>("step.hidden_size", "h", [](Profile& p) -> int& { return p.step.hidden_size; }));
    v.push_back(scalar<int>("step.vocab_size", "V", [](Profile& p) -> int& { return p.step.vocab_size; }));
    v.push_back(scalar<double>("step.kv_bytes_per_token", "KV bytes per token",
                               [](Profile& p) -> double& { return p.step.kv_bytes_per_token; }));
    v.push_back(scalar<double>("step.jitter_sigma", "Gaussian step jitter as a fraction of the mean",
                               [](Profile& p) -> double& { return p.step.jitter_sigma; }));
    v.push_back(scalar<double>("frontend.base_ms", "HTTP + tokenize before queueing",
                               [](Profile& p) -> double& { return p.frontend.base_ms; }));
    v.push_back(scalar<double>("frontend.per_token_us", "frontend cost per prompt token",
                               [](Profile& p) -> double& { return p.frontend.per_token_us; }));
    v.push_back(scalar<bool>("lmcache.enabled", "LMCache CPU tier",
                             [](Profile& p) -> bool& { return p.lmcache.enabled; }));
    v.push_back(scalar<double>("lmcache.cpu_size_gb", "CPU buffer size, GB",
                               [](Profile& p) -> double& { return p.lmcache.cpu_size_gb; }));
    v.push_back(scalar<int>("lmcache.chunk_size", "tokens per chunk key",
                            [](Profile& p) -> int& { return p.lmcache.chunk_size; }));
    v.push_back(scalar<double>("lmcache.load_gbps", "host-to-device load bandwidth, GB/s",
                               [](Profile& p) -> double& { return p.lmcache.load_gbps; }));
    v.push_back(scalar<double>("lmcache.store_gbps", "device-to-host store bandwidth, GB/s",
                               [](Profile& p) -> double& { return p.lmcache.store_gbps; }));
    v.push_back(scalar<double>("lmcache.load_overhead_ms", "fixed cost per loading request",
                               [](Profile& p) -> double& { return p.lmcache.load_overhead_ms; }));
    v.push_back(scalar<bool>("lmcache.layerwise", "overlap loads with compute",
                             [](Profile& p) -> bool& { return p.lmcache.layerwise; }));
    v.push_back(scalar<std::uint64_t>("output.seed", "seed of generated tokens",
                                      [](Profile& p) -> std::uint64_t& { return p.output.seed; }));
    v.push_back(scalar<double>("output.eos_probability", "EOS chance per token after min_tokens",
                               [](Profile& p) -> double& { return p.output.eos_probability; }));
    v.push_back(scalar<std::int32_t>("output.eos_token_id", "EOS token id",
                                     [](Profile& p) -> std::int32_t& { return p.output.eos_token_id; }));
    v.push_back(scalar<std::int32_t>("output.token_id_min", "smallest generated token id",
                                     [](Profile& p) -> std::int32_t& { return p.output.token_id_min; }));
    v.push_back(scalar<std::int32_t>("output.token_id_max", "generated ids are below this",
                                     [](Profile& p) -> std::int32_t& { return p.output.token_id_max; }));
    return v;
  }();
  return defs;
}

const ParamDef* find_param(std::string_view key) {
  for (const auto& d : param_defs()) {
    if (d.info.key == key) return &d;
  }
  return nullptr;
}

bool is_section(std::string_view key) {
  return key == "scheduler" || key == "step" || key == "frontend" || key == "lmcache" || key == "output";
}

std::string known_keys_under(std::string_view prefix) {
  std::string s;
  for (const auto& d : param_defs()) {
    const std::string& k = d.info.key;
    const bool nested = k.find('.') != std::string::npos;
    if (prefix.empty() ? nested : k.rfind(std::string(prefix) + ".", 0) != 0) continue;
    if (!s.empty()) s += ", ";
    s += prefix.empty() ? k : k.substr(prefix.size() + 1);
  }
  if (prefix.empty()) s += ", base, scheduler, step, frontend, lmcache, output";
  return s;
}

core::SourceLocation where(const std::string& file, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  return {file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
}

std::string found_text(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

void apply_table_node(Profile& p, const YAML::Node& node, const std::string& file) {
  const std::string expected = "a list of [tokens, ms] pairs";
  if (!node.IsSequence() || node.size() == 0) {
    throw core::ConfigError(where(file, node), "step.linear_ms: expected " + expected + ", found " + found_text(node));
  }
  std::vector<std::pair<int, double>> rows;
  for (const auto& row : node) {
    int n = 0;
    double ms = 0;
    if (!row.IsSequence() || row.size() != 2 || !row[0].IsScalar() || !row[1].IsScalar() ||
        !parse_integer(row[0].Scalar(), n) || !parse_number(row[1].Scalar(), ms)) {
      throw core::ConfigError(where(file, row), "step.linear_ms: expected a [tokens, ms] pair, found " +
                                                    (row.IsSequence() ? std::string("a list of ") + std::to_string(row.size()) : found_text(row)));
    }
    rows.emplace_back(n, ms);
  }
  p.step.linear_ms = std::move(rows);
}

void apply_map(Profile& p, const YAML::Node& map, const std::string& prefix, const std::string& file) {
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    const YAML::Node& value = kv.second;
    if (prefix.empty() && key == "base") continue;  // handled first
    if (prefix.empty() && is_section(key)) {
      if (!value.IsMap()) {
        throw core::ConfigError(where(file, value), path + ": expected a map, found " + found_text(value));
      }
      apply_map(p, value, path, file);
      continue;
    }
    const ParamDef* def = find_param(path);
    if (def == nullptr) {
      throw core::ConfigError(where(file, kv.first),
                              "unknown key '" + path + "' (known: " + known_keys_under(prefix) + ")");
    }
    if (def->info.type == "table") {
      apply_table_node(p, value, file);
      continue;
    }
    if (!value.IsScalar()) {
      throw core::ConfigError(where(file, value), path + ": expected " +
                                                      (def->info.type == "int" ? "an integer" : def->info.type == "bool" ? "true or false" : "a " + def->info.type) +
                                                      ", found " + found_text(value));
    }
    const std::string expected = def->set(p, value.Scalar());
    if (!expected.empty()) {
      throw core::ConfigError(where(file, value), path + ": expected " + expected + ", found " + found_text(value));
    }
  }
}

void require(bool ok, const std::string& origin, const std::string& key, const std::string& expected,
             const std::string& found) {
  if (!ok) throw core::ConfigError(origin + ": " + key + ": expected " + expected + ", found " + found);
}

}  // namespace

std::vector<std::string> builtin_profile_names() {
  return {"llama-3.1-8b-a100-80gb", "llama-3.1-8b-a100-40gb", "llama-3.1-8b-h100", "llama-3.1-8b-h100-vllm0.6"};
}

Profile builtin_profile(std::string_view name) {
  if (name == "llama-3.1-8b-a100-80gb") return a100_80gb();
  if (name == "llama-3.1-8b-a100-40gb") return a100_40gb();
  if (name == "llama-3.1-8b-h100") return h100();
  if (name == "llama-3.1-8b-h100-vllm0.6") return h100_vllm06();
  std::string known;
  for (const auto& n : builtin_profile_names()) known += (known.empty() ? "" : ", ") + n;
  throw core::ConfigError("unknown simulator profile '" + std::string(name) + "' (built-in: " + known +
                          "; or a path to a .yaml profile file)");
}

Profile parse_profile_yaml(std::string_view text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw core::ConfigError({file, e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
  if (!root.IsMap()) {
    throw core::ConfigError(where(file, root), "a profile file: expected a map of keys, found " + found_text(root));
  }
  Profile p;
  if (const YAML::Node base = root["base"]; base) {
    if (!base.IsScalar()) {
      throw core::ConfigError(where(file, base), "base: expected a built-in profile name, found " + found_text(base));
    }
    try {
      p = builtin_profile(base.Scalar());
    } catch (const core::ConfigError& e) {
      throw core::ConfigError(where(file, base), std::string("base: ") + e.what());
    }
  } else {
    p = builtin_profile(kDefaultProfile);
  }
  p.name = std::filesystem::path(file).stem().string();
  apply_map(p, root, "", file);
  validate_profile(p, file);
  return p;
}

Profile load_profile_file(const std::filesystem::path& path) {
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const std::runtime_error& e) {
    throw core::ConfigError(e.what());
  }
  return parse_profile_yaml(text, path.string());
}

Profile resolve_profile(std::string_view name_or_path) {
  for (const auto& n : builtin_profile_names()) {
    if (n == name_or_path) return builtin_profile(n);
  }
  const std::filesystem::path path(name_or_path);
  if (path.extension() == ".yaml" || path.extension() == ".yml" || std::filesystem::exists(path)) {
    return load_profile_file(path);
  }
  return builtin_profile(name_or_path);  // throws with the list of names
}

void apply_override(Profile& profile, std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    throw core::ConfigError("--set " + std::string(assignment) + ": expected key=value");
  }
  const std::string key = trim(assignment.substr(0, eq));
  const std::string value = trim(assignment.substr(eq + 1));
  const ParamDef* def = find_param(key);
  if (def == nullptr) {
    std::string known;
    for (const auto& d : param_defs()) known += (known.empty() ? "" : ", ") + d.info.key;
    throw core::ConfigError("--set " + std::string(assignment) + ": unknown key '" + key + "' (known: " + known + ")");
  }
  Profile changed = profile;  // the caller's profile stays valid when the value is rejected
  const std::string expected = def->set(changed, value);
  if (!expected.empty()) {
    throw core::ConfigError("--set " + std::string(assignment) + ": " + key + ": expected " + expected +
                            ", found '" + value + "'");
  }
  validate_profile(changed, "--set " + std::string(assignment));
  profile = std::move(changed);
}

void validate_profile(const Profile& p, const std::string& origin) {
  const auto& s = p.scheduler;
  auto num = [](double v) { return format_number(v); };
  require(s.block_size >= 1, origin, "scheduler.block_size", "a positive integer", std::to_string(s.block_size));
  require(s.max_num_batched_tokens >= 1, origin, "scheduler.max_num_batched_tokens", "a positive integer",
          std::to_string(s.max_num_batched_tokens));
  require(s.max_num_seqs >= 1, origin, "scheduler.max_num_seqs", "a positive integer", std::to_string(s.max_num_seqs));
  require(s.num_gpu_blocks >= 2, origin, "scheduler.num_gpu_blocks", "at least 2", std::to_string(s.num_gpu_blocks));
  require(s.max_model_len >= 2, origin, "scheduler.max_model_len", "at least 2", std::to_string(s.max_model_len));
  const auto& t = p.step;
  require(!t.linear_ms.empty(), origin, "step.linear_ms", "at least one row", "an empty table");
  for (std::size_t i = 0; i < t.linear_ms.size(); ++i) {
    const auto& [n, ms] = t.linear_ms[i];
    require(n >= 1 && ms > 0, origin, "step.linear_ms", "rows with tokens >= 1 and ms > 0",
            std::to_string(n) + ":" + num(ms));
    if (i > 0) {
      require(n > t.linear_ms[i - 1].first, origin, "step.linear_ms", "strictly increasing token counts",
              std::to_string(t.linear_ms[i - 1].first) + " then " + std::to_string(n));
    }
  }
  require(t.linear_tail_us_per_token >= 0, origin, "step.linear_tail_us_per_token", "a number >= 0",
          num(t.linear_tail_us_per_token));
  require(t.overhead_ms >= 0, origin, "step.overhead_ms", "a number >= 0", num(t.overhead_ms));
  require(t.attention_tflops > 0, origin, "step.attention_tflops", "a positive number", num(t.attention_tflops));
  require(t.lm_head_tflops > 0, origin, "step.lm_head_tflops", "a positive number", num(t.lm_head_tflops));
  require(t.attention_bw_gbps > 0, origin, "step.attention_bw_gbps", "a positive number", num(t.attention_bw_gbps));
  require(t.weight_bw_gbps > 0, origin, "step.weight_bw_gbps", "a positive number", num(t.weight_bw_gbps));
  require(t.lm_head_bytes >= 0, origin, "step.lm_head_bytes", "a number >= 0", num(t.lm_head_bytes));
  require(t.num_layers >= 1, origin, "step.num_layers", "a positive integer", std::to_string(t.num_layers));
  require(t.attention_width >= 1, origin, "step.attention_width", "a positive integer", std::to_string(t.attention_width));
  require(t.hidden_size >= 1, origin, "step.hidden_size", "a positive integer", std::to_string(t.hidden_size));
  require(t.vocab_size >= 1, origin, "step.vocab_size", "a positive integer", std::to_string(t.vocab_size));
  require(t.kv_bytes_per_token > 0, origin, "step.kv_bytes_per_token", "a positive number", num(t.kv_bytes_per_token));
  require(t.jitter_sigma >= 0 && t.jitter_sigma <= 1, origin, "step.jitter_sigma", "a fraction in [0, 1]",
          num(t.jitter_sigma));
  require(p.frontend.base_ms >= 0, origin, "frontend.base_ms", "a number >= 0", num(p.frontend.base_ms));
  require(p.frontend.per_token_us >= 0, origin, "frontend.per_token_us", "a number >= 0", num(p.frontend.per_token_us));
  const auto& l = p.lmcache;
  require(l.cpu_size_gb >= 0, origin, "lmcache.cpu_size_gb", "a number >= 0", num(l.cpu_size_gb));
  require(l.chunk_size >= s.block_size && l.chunk_size % s.block_size == 0, origin, "lmcache.chunk_size",
          "a multiple of scheduler.block_size (" + std::to_string(s.block_size) + ")", std::to_string(l.chunk_size));
  require(l.load_gbps > 0, origin, "lmcache.load_gbps", "a positive number", num(l.load_gbps));
  require(l.store_gbps > 0, origin, "lmcache.store_gbps", "a positive number", num(l.store_gbps));
  require(l.load_overhead_ms >= 0, origin, "lmcache.load_overhead_ms", "a number >= 0", num(l.load_overhead_ms));
  const auto& o = p.output;
  require(o.eos_probability >= 0 && o.eos_probability <= 1, origin, "output.eos_probability",
          "a probability in [0, 1]", num(o.eos_probability));
  require(o.token_id_min >= 0 && o.token_id_min < o.token_id_max, origin, "output.token_id_min/max",
          "0 <= min < max", std::to_string(o.token_id_min) + ", " + std::to_string(o.token_id_max));
}

const std::vector<ProfileParam>& profile_params() {
  static const std::vector<ProfileParam> params = [] {
    std::vector<ProfileParam> v;
    for (const auto& d : param_defs()) v.push_back(d.info);
    return v;
  }();
  return params;
}

std::string profile_value(const Profile& profile, std::string_view key) {
  const ParamDef* def = find_param(key);
  if (def == nullptr) throw core::ConfigError("unknown profile key '" + std::string(key) + "'");
  return def->get(profile);
}

}  // namespace lmbench::sim
