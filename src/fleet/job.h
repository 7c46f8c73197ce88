#pragma once
// What a fleet worker is asked to send: one shard of one workload run, and how to send it.
// The coordinator writes it, the worker rebuilds from it the very Workload and RunnerOptions
// one process would have built, restricted to its shard (workloads/shard.h).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "load/runner.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"
#include "workloads/shard.h"
#include "workloads/workload.h"

namespace lmbench::fleet {

// The environment variable that carries the API key to a worker (never its command line or
// the job, which could be logged).
inline constexpr const char* kApiKeyEnv = "LMBENCH_WORKER_API_KEY";

struct Job {
  // The workload, one of:
  //  {"kind": "spec", "type": "Random", "keys": {...as in a spec...}, "root": "/abs/dir",
  //   "rate_index": 0}  -- a spec entry (data files found from root, as the suite found them)
  //  {"kind": "random", "num_users", "num_rounds", "prompt_len", "answer_len", "qps",
  //   "arrival": "constant"|"poisson", "burstiness", "ignore_eos"}  -- `lmbench bench random`
  nlohmann::json workload;
  std::string api = "completions";  // or "chat"
  std::string model;
  std::uint64_t seed = 0;
  std::uint64_t salt = 0;
  std::optional<double> duration_s;  // WorkloadContext::duration, in the run's clock
  std::string tokenizer;             // tokenizer.json; "": the default one

  std::string base_url;
  std::optional<double> time_limit_s;  // RunnerOptions::time_limit
  double drain_timeout_s = 60;
  double first_byte_timeout_s = 600;
  double idle_timeout_s = 600;
  double total_timeout_s = 0;  // ClientOptions::total_timeout; 0: none
  bool verify_tls = true;
  bool include_usage = true;
  double time_scale = 1;

  workloads::Shard shard;
};

nlohmann::json job_to_json(const Job& job);
// Errors name the missing or mistyped key.
core::Result<Job> job_from_json(const nlohmann::json& j);

// What a worker builds from a job. The tokenizer and synth outlive the workload.
struct JobWorkload {
  std::unique_ptr<text::Tokenizer> tokenizer;
  std::unique_ptr<text::PromptSynth> synth;
  std::unique_ptr<workloads::Workload> workload;  // restricted to job.shard
};

// Throws core::ConfigError as the factories do.
JobWorkload build_job_workload(const Job& job);

// The runner's options for the job (without start_at, on_record, on_progress); the API key
// from kApiKeyEnv when set.
load::RunnerOptions job_runner_options(const Job& job, const text::Tokenizer* tokenizer);

}  // namespace lmbench::fleet
