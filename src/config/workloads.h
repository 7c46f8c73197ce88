#pragma once
// Workload configs of a spec file: every Workload type of the original LMBench with its keys,
// types and defaults (LMBENCH-FORMAT.md "Workloads"). Keys marked "new" do not exist in the
// original; specs without them behave as the original did.

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/data_files.h"
#include "config/yaml_read.h"
#include "core/error.h"

namespace lmbench::config {

using Seconds = std::chrono::duration<double>;

// Multi-round chat QA (file name "synthetic").
struct LMCacheSynthetic {
  int num_users_warmup = 0;  // extra users for the warm-up
  int num_users = 0;         // users active at once
  int num_rounds = 0;        // questions per user
  int system_prompt = 0;     // shared system prompt, tokens
  int chat_history = 0;      // user-unique context, tokens
  int answer_len = 0;        // max_tokens per answer
  std::vector<Number> qps;
  bool use_sharegpt = false;
  Seconds duration{200.0};   // new (DURATION): measured time per QPS; the original always ran 200 s
  std::optional<DataFile> sharegpt_file;  // new (SHAREGPT_FILE); only when USE_SHAREGPT
};

// Users that send strictly on a period ("strict_synthetic").
struct StrictSynthetic {
  int num_concurrent_users = 0;
  int num_rounds_per_user = 0;
  std::vector<Number> time_between_requests_per_user;  // seconds; QPS = users / this
  int shared_system_prompt_len = 0;
  int first_prompt_len = 0;
  int follow_up_prompts_len = 0;
  int answer_len = 0;
  double kv_reuse_ratio = 1.0;  // in [0, 1]
};

// Conversations cycling through agents ("agentic").
struct Agentic {
  int num_users_warmup = 0;
  int num_agents = 0;
  int num_rounds = 0;
  int system_prompt = 0;
  int chat_history = 0;
  int answer_len = 0;
  std::vector<Number> new_user_intervals;  // seconds; the original's default is [2]
  Seconds duration{100.0};                 // new (DURATION): the original ran 100 s per interval
  std::vector<std::string> models;         // new (MODELS): model per agent, cycled; empty = the baseline's
};

// Random words, no shared prefix ("random").
struct Random {
  int num_users = 0;
  int num_rounds = 0;
  int prompt_len = 0;  // words
  int answer_len = 0;
  std::vector<Number> qps;
};

// Replayed ShareGPT conversations ("sharegpt").
struct ShareGpt {
  int limit = 1000;
  int min_rounds = 10;
  int start_round = 0;
  std::vector<Number> qps;
  DataFile sharegpt_file;  // new (SHAREGPT_FILE), default "sharegpt-data.json"
};

// JSONL trace replay ("trace_replayer").
struct TraceReplayer {
  DataFile trace_file;
  Seconds start_time{0.0};
  std::optional<Seconds> duration;     // nullopt: "full"
  bool preserve_timing = false;        // true: one timed run, QPS ignored
  double speed_up = 1.0;
  std::optional<Seconds> max_delay;    // cap on a gap between requests; nullopt: no cap
  std::vector<Number> qps;             // required unless preserve_timing
};

// vLLM benchmark_serving load ("vllm_<dataset>").
struct VllmBenchmark {
  std::string backend = "vllm";
  std::string dataset_name = "sharegpt";  // random | sonnet | sharegpt | custom | hf
  std::string dataset_path;               // as written; "" for none
  std::optional<DataFile> dataset_file;   // resolved when dataset_path is given
  int num_prompts = 1000;
  std::vector<Number> request_rates;      // default [1.0]
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;
  std::optional<int> max_tokens;
  double burstiness = 1.0;  // gamma shape; 1 = Poisson
  long long seed = 0;
  bool ignore_eos = false;
  int random_input_len = 1024;
  int random_output_len = 128;
  double random_range_ratio = 0.0;
  int sonnet_input_len = 550;
  int sonnet_output_len = 150;
  int sonnet_prefix_len = 200;
  std::optional<int> sharegpt_output_len;
  std::optional<int> custom_output_len;
  std::optional<int> hf_output_len;
};

using WorkloadKind =
    std::variant<LMCacheSynthetic, StrictSynthetic, Agentic, Random, ShareGpt, TraceReplayer, VllmBenchmark>;

// CAPACITY (new): instead of running the rate list, search the highest rate this workload can be
// sent at while the share of requests meeting every SLO bound stays at or above `goodput`
// (suite/capacity.h). Rates are in the workload's own unit: requests/s for QPS and REQUEST_RATES,
// users / TIME_BETWEEN_REQUESTS_PER_USER for StrictSynthetic, new users/s (1 / NEW_USER_INTERVAL)
// for Agentic, the SPEED_UP factor for a timed trace replay.
struct CapacitySpec {
  // Per request (a request is good when it succeeded and meets every bound given).
  std::optional<double> ttft_ms, tpot_ms, e2e_ms;
  // Of the run: its p99 must also stay under these (optional).
  std::optional<double> ttft_p99_ms, tpot_p99_ms;
  double goodput = 0.95;    // share of measured requests that must be good, in (0, 1]
  double min_qps = 0.1;     // the search starts here and doubles
  double max_qps = 64;      // and never probes beyond this
  double precision = 0.05;  // bisection stops when (upper - lower) / lower <= this
  core::SourceLocation where;
};

struct WorkloadConfig {
  std::string type;  // "LMCacheSynthetic", ...
  int index = 0;     // position in that type's list (0 for a single map)
  std::string path;  // in messages: "Workload.Random" (single map) or "Workload.Random[1]"
  WorkloadKind kind;
  nlohmann::ordered_json raw;  // every key as the user wrote it
  core::SourceLocation where;
  std::optional<CapacitySpec> capacity;  // CAPACITY; its rate list is then optional and not run
};

// The workload types in the order the original runs them for each baseline.
const std::vector<std::string>& workload_type_names();

}  // namespace lmbench::config
