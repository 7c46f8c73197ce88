#include <fmt/format.h>

#include <map>

#include "config/parse_context.h"

namespace lmbench::config {

namespace {

Seconds seconds(double s) { return Seconds{s}; }

void warn(const ParseContext& ctx, core::SourceLocation where, std::string message) {
  if (ctx.warnings) ctx.warnings->push_back({std::move(where), std::move(message)});
}

DataFile data_file(const ParseContext& ctx, const MapReader& r, const std::string& key, const std::string& as_written,
                   DataKind kind) {
  DataFile f = resolve_data_file(as_written, kind, ctx.root);
  if (!f.resolved) warn(ctx, r.where(key), r.path(key) + ": " + describe_missing(f));
  return f;
}

// A rate list: required, unless the workload has CAPACITY (then its rate is searched and a list,
// when given, is only type-checked).
std::vector<Number> rates(const ParseContext& ctx, const MapReader& r, const std::string& key) {
  if (!r.has("CAPACITY")) return r.req_rates(key);
  if (!r.has(key)) return {};
  r.req_rates(key);
  warn(ctx, r.where(key), r.path(key) + ": not run because CAPACITY searches this workload's rate");
  return {};
}

CapacitySpec capacity_spec(const MapReader& parent) {
  const YAML::Node node = parent.node("CAPACITY");
  const std::string path = parent.path("CAPACITY");
  if (!node.IsMap()) fail_expected(parent.file(), node, path, "a map with slo, goodput, min_qps, max_qps, precision");
  const MapReader r(parent.file(), node, path, "CAPACITY", {"slo", "goodput", "min_qps", "max_qps", "precision"},
                    parent.node("CAPACITY"));
  CapacitySpec c;
  c.where = r.where();
  if (!r.has("slo")) r.missing("slo");
  const YAML::Node slo_node = r.node("slo");
  if (!slo_node.IsMap()) fail_expected(r.file(), slo_node, r.path("slo"), "a map of bounds in ms (ttft_ms, tpot_ms, e2e_ms, ttft_p99_ms, tpot_p99_ms)");
  const MapReader slo(r.file(), slo_node, r.path("slo"), "CAPACITY.slo",
                      {"ttft_ms", "tpot_ms", "e2e_ms", "ttft_p99_ms", "tpot_p99_ms"});
  c.ttft_ms = slo.maybe_number("ttft_ms", 0.0, true);
  c.tpot_ms = slo.maybe_number("tpot_ms", 0.0, true);
  c.e2e_ms = slo.maybe_number("e2e_ms", 0.0, true);
  c.ttft_p99_ms = slo.maybe_number("ttft_p99_ms", 0.0, true);
  c.tpot_p99_ms = slo.maybe_number("tpot_p99_ms", 0.0, true);
  if (!c.ttft_ms && !c.tpot_ms && !c.e2e_ms && !c.ttft_p99_ms && !c.tpot_p99_ms) {
    fail_at(r.file(), slo_node, r.path("slo"), "needs at least one bound (ttft_ms, tpot_ms, e2e_ms, ttft_p99_ms, tpot_p99_ms)");
  }
  c.goodput = r.opt_number("goodput", 0.0, true, 0.95);
  if (c.goodput > 1.0) fail_expected(r.file(), r.node("goodput"), r.path("goodput"), "a share in (0, 1]");
  c.min_qps = r.opt_number("min_qps", 0.0, true, 0.1);
  c.max_qps = r.opt_number("max_qps", 0.0, true, 64.0);
  if (c.max_qps <= c.min_qps) {
    fail_at(r.file(), r.has("max_qps") ? r.node("max_qps") : node, r.path("max_qps"),
            fmt::format("must be greater than min_qps ({} <= {})", c.max_qps, c.min_qps));
  }
  c.precision = r.opt_number("precision", 0.0, true, 0.05);
  if (c.precision >= 1.0) fail_expected(r.file(), r.node("precision"), r.path("precision"), "a relative precision in (0, 1), e.g. 0.05");
  return c;
}

LMCacheSynthetic lmcache_synthetic(const ParseContext& ctx, const MapReader& r) {
  LMCacheSynthetic w;
  w.num_users_warmup = r.opt_int("NUM_USERS_WARMUP", 0, 0);
  w.num_users = r.req_int("NUM_USERS", 1);
  w.num_rounds = r.req_int("NUM_ROUNDS", 1);
  w.system_prompt = r.req_int("SYSTEM_PROMPT", 0);
  w.chat_history = r.req_int("CHAT_HISTORY", 0);
  w.answer_len = r.req_int("ANSWER_LEN", 1);
  w.qps = rates(ctx, r, "QPS");
  w.use_sharegpt = r.opt_bool("USE_SHAREGPT", false);
  w.duration = seconds(r.opt_number("DURATION", 0.0, true, 200.0));
  if (w.use_sharegpt) {
    w.sharegpt_file = data_file(ctx, r, "SHAREGPT_FILE", r.opt_string("SHAREGPT_FILE", "sharegpt-data.json"),
                                DataKind::kShareGpt);
  } else if (r.has("SHAREGPT_FILE")) {
    warn(ctx, r.where("SHAREGPT_FILE"), r.path("SHAREGPT_FILE") + ": ignored because USE_SHAREGPT is false");
  }
  return w;
}

StrictSynthetic strict_synthetic(const ParseContext& ctx, const MapReader& r) {
  StrictSynthetic w;
  w.num_concurrent_users = r.req_int("NUM_CONCURRENT_USERS", 1);
  w.num_rounds_per_user = r.req_int("NUM_ROUNDS_PER_USER", 1);
  w.time_between_requests_per_user = rates(ctx, r, "TIME_BETWEEN_REQUESTS_PER_USER");
  w.shared_system_prompt_len = r.req_int("SHARED_SYSTEM_PROMPT_LEN", 0);
  w.first_prompt_len = r.req_int("FIRST_PROMPT_LEN", 0);
  w.follow_up_prompts_len = r.req_int("FOLLOW_UP_PROMPTS_LEN", 0);
  w.answer_len = r.req_int("ANSWER_LEN", 1);
  w.kv_reuse_ratio = r.opt_number("KV_REUSE_RATIO", 0.0, false, 1.0);
  if (w.kv_reuse_ratio > 1.0) {
    fail_expected(r.file(), r.node("KV_REUSE_RATIO"), r.path("KV_REUSE_RATIO"), "a number between 0 and 1");
  }
  return w;
}

Agentic agentic(const ParseContext& ctx, const MapReader& r) {
  Agentic w;
  w.num_users_warmup = r.opt_int("NUM_USERS_WARMUP", 0, 0);
  w.num_agents = r.req_int("NUM_AGENTS", 1);
  w.num_rounds = r.req_int("NUM_ROUNDS", 1);
  w.system_prompt = r.req_int("SYSTEM_PROMPT", 0);
  w.chat_history = r.req_int("CHAT_HISTORY", 0);
  w.answer_len = r.req_int("ANSWER_LEN", 1);
  if (r.has("NEW_USER_INTERVALS") || r.has("CAPACITY")) {
    w.new_user_intervals = rates(ctx, r, "NEW_USER_INTERVALS");
  } else {
    w.new_user_intervals = {Number{2.0, "2", r.where()}};  // run_agentic.sh's default
  }
  w.duration = seconds(r.opt_number("DURATION", 0.0, true, 100.0));
  if (r.has("MODELS")) w.models = read_string_list(r.file(), r.node("MODELS"), r.path("MODELS"));
  return w;
}

Random random(const ParseContext& ctx, const MapReader& r) {
  Random w;
  w.num_users = r.req_int("NUM_USERS", 1);
  w.num_rounds = r.req_int("NUM_ROUNDS", 1);
  w.prompt_len = r.req_int("PROMPT_LEN", 1);
  w.answer_len = r.req_int("ANSWER_LEN", 1);
  w.qps = rates(ctx, r, "QPS");
  return w;
}

ShareGpt sharegpt(const ParseContext& ctx, const MapReader& r) {
  ShareGpt w;
  w.limit = r.opt_int("LIMIT", 1, 1000);
  w.min_rounds = r.opt_int("MIN_ROUNDS", 1, 10);
  w.start_round = r.opt_int("START_ROUND", 0, 0);
  w.qps = rates(ctx, r, "QPS");
  w.sharegpt_file =
      data_file(ctx, r, "SHAREGPT_FILE", r.opt_string("SHAREGPT_FILE", "sharegpt-data.json"), DataKind::kShareGpt);
  return w;
}

TraceReplayer trace_replayer(const ParseContext& ctx, const MapReader& r) {
  TraceReplayer w;
  w.trace_file = data_file(ctx, r, "TRACE_FILE", r.req_string("TRACE_FILE"), DataKind::kTrace);
  w.start_time = seconds(r.opt_number("START_TIME", 0.0, false, 0.0));
  if (r.has("DURATION")) {
    const YAML::Node d = r.node("DURATION");
    if (!(d.IsScalar() && d.Scalar() == "full")) {
      if (!d.IsScalar()) fail_expected(r.file(), d, r.path("DURATION"), "a positive number of seconds or 'full'");
      try {
        w.duration = seconds(read_number(r.file(), d, r.path("DURATION"), 0.0, true));
      } catch (const core::ConfigError&) {
        fail_expected(r.file(), d, r.path("DURATION"), "a positive number of seconds or 'full'");
      }
    }
  }
  w.preserve_timing = r.opt_bool("PRESERVE_TIMING", false);
  w.speed_up = r.opt_number("SPEED_UP", 0.0, true, 1.0);
  if (const auto m = r.maybe_number("MAX_DELAY", 0.0, true)) w.max_delay = seconds(*m);
  if (w.preserve_timing) {
    if (r.has("QPS")) {
      r.req_rates("QPS");  // still type-checked
      warn(ctx, r.where("QPS"), r.path("QPS") + ": ignored because PRESERVE_TIMING is true (one timed run)");
    }
  } else {
    if (!r.has("QPS") && !r.has("CAPACITY")) {
      fail_at(r.file(), r.map(), r.map_path(), "missing required key 'QPS' (needed unless PRESERVE_TIMING is true)");
    }
    w.qps = rates(ctx, r, "QPS");
  }
  return w;
}

VllmBenchmark vllm_benchmark(const ParseContext& ctx, const MapReader& r) {
  VllmBenchmark w;
  w.backend = r.opt_string("BACKEND", "vllm");
  w.dataset_name = r.opt_choice("DATASET_NAME", {"random", "sonnet", "sharegpt", "custom", "hf"}, "sharegpt");
  w.dataset_path = r.opt_string("DATASET_PATH", "");
  w.num_prompts = r.opt_int("NUM_PROMPTS", 1, 1000);
  if (r.has("REQUEST_RATES") || r.has("CAPACITY")) {
    w.request_rates = rates(ctx, r, "REQUEST_RATES");
  } else {
    w.request_rates = {Number{1.0, "1.0", r.where()}};  // the original's default
  }
  w.temperature = r.maybe_number("TEMPERATURE", 0.0, false);
  w.top_p = r.maybe_number("TOP_P", 0.0, true);
  w.top_k = r.maybe_int("TOP_K", -1);
  w.max_tokens = r.maybe_int("MAX_TOKENS", 1);
  w.burstiness = r.opt_number("BURSTINESS", 0.0, true, 1.0);
  w.seed = r.opt_int("SEED", 0, 0);
  w.ignore_eos = r.opt_bool("IGNORE_EOS", false);
  r.opt_bool("DISABLE_TQDM", true);  // accepted for compatibility; lmbench prints its own progress
  w.random_input_len = r.opt_int("RANDOM_INPUT_LEN", 1, 1024);
  w.random_output_len = r.opt_int("RANDOM_OUTPUT_LEN", 1, 128);
  w.random_range_ratio = r.opt_number("RANDOM_RANGE_RATIO", 0.0, false, 0.0);
  if (w.random_range_ratio >= 1.0) {
    fail_expected(r.file(), r.node("RANDOM_RANGE_RATIO"), r.path("RANDOM_RANGE_RATIO"), "a number in [0, 1)");
  }
  w.sonnet_input_len = r.opt_int("SONNET_INPUT_LEN", 1, 550);
  w.sonnet_output_len = r.opt_int("SONNET_OUTPUT_LEN", 1, 150);
  w.sonnet_prefix_len = r.opt_int("SONNET_PREFIX_LEN", 0, 200);
  w.sharegpt_output_len = r.maybe_int("SHAREGPT_OUTPUT_LEN", 1);
  w.custom_output_len = r.maybe_int("CUSTOM_OUTPUT_LEN", 1);
  w.hf_output_len = r.maybe_int("HF_OUTPUT_LEN", 1);
  if (!w.dataset_path.empty()) {
    w.dataset_file = data_file(ctx, r, "DATASET_PATH", w.dataset_path, DataKind::kDataset);
  } else if (w.dataset_name != "random") {
    fail_at(r.file(), r.map(), r.map_path(),
            fmt::format("missing required key 'DATASET_PATH' (DATASET_NAME {} reads a local file)", w.dataset_name));
  }
  return w;
}

const std::vector<std::string>& allowed_keys(const std::string& type) {
  static const std::map<std::string, std::vector<std::string>> kKeys = {
      {"LMCacheSynthetic",
       {"NUM_USERS_WARMUP", "NUM_USERS", "NUM_ROUNDS", "SYSTEM_PROMPT", "CHAT_HISTORY", "ANSWER_LEN", "QPS",
        "USE_SHAREGPT", "DURATION", "SHAREGPT_FILE"}},
      {"StrictSynthetic",
       {"NUM_CONCURRENT_USERS", "NUM_ROUNDS_PER_USER", "TIME_BETWEEN_REQUESTS_PER_USER", "SHARED_SYSTEM_PROMPT_LEN",
        "FIRST_PROMPT_LEN", "FOLLOW_UP_PROMPTS_LEN", "ANSWER_LEN", "KV_REUSE_RATIO"}},
      {"Agentic",
       {"NUM_USERS_WARMUP", "NUM_AGENTS", "NUM_ROUNDS", "SYSTEM_PROMPT", "CHAT_HISTORY", "ANSWER_LEN",
        "NEW_USER_INTERVALS", "DURATION", "MODELS"}},
      {"Random", {"NUM_USERS", "NUM_ROUNDS", "PROMPT_LEN", "ANSWER_LEN", "QPS"}},
      {"ShareGPT", {"LIMIT", "MIN_ROUNDS", "START_ROUND", "QPS", "SHAREGPT_FILE"}},
      {"TraceReplayer",
       {"TRACE_FILE", "START_TIME", "DURATION", "PRESERVE_TIMING", "SPEED_UP", "MAX_DELAY", "QPS"}},
      {"VLLMBenchmark",
       {"BACKEND", "DATASET_NAME", "DATASET_PATH", "NUM_PROMPTS", "REQUEST_RATES", "TEMPERATURE", "TOP_P", "TOP_K",
        "MAX_TOKENS", "BURSTINESS", "SEED", "DISABLE_TQDM", "IGNORE_EOS", "RANDOM_INPUT_LEN", "RANDOM_OUTPUT_LEN",
        "RANDOM_RANGE_RATIO", "SONNET_INPUT_LEN", "SONNET_OUTPUT_LEN", "SONNET_PREFIX_LEN", "SHAREGPT_OUTPUT_LEN",
        "CUSTOM_OUTPUT_LEN", "HF_OUTPUT_LEN"}},
  };
  static const std::map<std::string, std::vector<std::string>> kWithCapacity = [] {
    auto out = kKeys;
    for (auto& [type, keys] : out) keys.push_back("CAPACITY");  // new: every type's rate can be searched
    return out;
  }();
  return kWithCapacity.at(type);
}

}  // namespace

const std::vector<std::string>& workload_type_names() {
  // The original's run_workload() order: ShareGPT, LMCacheSynthetic, (StrictSynthetic), Agentic,
  // TraceReplayer, Random, VLLMBenchmark. Not the order of the spec file.
  static const std::vector<std::string> kNames = {"ShareGPT",      "LMCacheSynthetic", "StrictSynthetic", "Agentic",
                                                  "TraceReplayer", "Random",           "VLLMBenchmark"};
  return kNames;
}

WorkloadConfig parse_workload(const ParseContext& ctx, const std::string& type, int index, const YAML::Node& node,
                              const std::string& path) {
  if (!node.IsMap()) fail_expected(ctx.file, node, path, fmt::format("a map of {} keys", type));
  const MapReader r(ctx.file, node, path, type, allowed_keys(type));
  WorkloadConfig w{type, index, path, LMCacheSynthetic{}, to_json(node), location_of(ctx.file, node)};
  if (type == "LMCacheSynthetic") {
    w.kind = lmcache_synthetic(ctx, r);
  } else if (type == "StrictSynthetic") {
    w.kind = strict_synthetic(ctx, r);
  } else if (type == "Agentic") {
    w.kind = agentic(ctx, r);
  } else if (type == "Random") {
    w.kind = random(ctx, r);
  } else if (type == "ShareGPT") {
    w.kind = sharegpt(ctx, r);
  } else if (type == "TraceReplayer") {
    w.kind = trace_replayer(ctx, r);
  } else {
    w.kind = vllm_benchmark(ctx, r);
  }
  if (r.has("CAPACITY")) w.capacity = capacity_spec(r);
  return w;
}

}  // namespace lmbench::config
