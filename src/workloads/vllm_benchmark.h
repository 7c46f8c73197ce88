#pragma once
// VLLMBenchmark (LMBENCH-FORMAT.md, file name "vllm_<dataset>"): vLLM benchmark_serving's load —
// independent single-turn requests from a prompt set (vllm_datasets.h) with gamma arrivals.
//
// Schedule (open loop): request 0 at t0, then gaps drawn from a gamma distribution with shape =
// BURSTINESS and scale = 1 / (REQUEST_RATE * BURSTINESS) (mean 1/rate; 1 = Poisson), from
// mt19937_64(SEED): vLLM's definition. An infinite rate sends every request at t0.
// Requests: prompt i of the set (completions: the text bare; chat: one user message);
// max_tokens = MAX_TOKENS when given, else the prompt's output_len; TEMPERATURE, TOP_P, TOP_K
// and IGNORE_EOS passed through. No user: no x-user-id header.
// Sharding: by arrival order (shard.h); skip() draws the gap as take() does, so every shard's
// arrivals are the whole run's.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "workloads/vllm_datasets.h"
#include "workloads/workload.h"

namespace lmbench::workloads {

struct VllmBenchmarkOptions {
  std::string dataset = "random";  // names the workload: "vllm_" + dataset
  double request_rate = 1.0;       // requests/s; +infinity allowed
  double burstiness = 1.0;
  std::uint64_t seed = 0;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;
  std::optional<int> max_tokens;
  bool ignore_eos = false;
  std::optional<core::Duration> duration;  // nothing is scheduled at or after t0 + duration
  Api api = Api::kCompletions;
};

class VllmBenchmarkWorkload final : public Workload {
 public:
  // Throws core::ConfigError for invalid options or an empty prompt set.
  VllmBenchmarkWorkload(std::vector<VllmPrompt> prompts, VllmBenchmarkOptions options);

  std::string name() const override { return "vllm_" + o_.dataset; }
  void start(core::TimePoint t0) override;
  std::optional<core::TimePoint> next_send_time() override;
  Request take(core::TimePoint now) override;
  void on_response(const Response& response, core::TimePoint now) override;
  bool finished() const override;
  void skip(core::TimePoint now) override;

  const std::vector<VllmPrompt>& prompts() const { return prompts_; }

 private:
  void advance();  // past request taken_: what take() and skip() both do to the schedule

  std::vector<VllmPrompt> prompts_;
  VllmBenchmarkOptions o_;
  std::mt19937_64 rng_;
  std::gamma_distribution<double> gamma_;
  core::TimePoint t0_{};
  double next_s_ = 0;  // intended time of request taken_, seconds since t0
  std::size_t taken_ = 0;
};

}  // namespace lmbench::workloads
