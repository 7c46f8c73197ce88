#pragma once
// What a /metrics endpoint needs from one engine (SIMULATOR.md §2.6): cumulative counters and
// histograms with vLLM's bucket bounds (vllm/v1/metrics/loggers.py), observed on virtual time.
// Gauges (running, waiting, KV usage) are read from the Engine directly. Observing is O(buckets)
// with no allocation.

#include <array>
#include <cstdint>
#include <vector>

namespace lmbench::sim {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  // Upper bounds (le), ascending, without +Inf.
  const std::vector<double>& bounds() const { return bounds_; }
  // counts()[i] = observations <= bounds()[i] and > bounds()[i-1]; the last entry is the +Inf
  // bucket. Cumulative sums are the exposition format's job.
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
};

// vLLM's build_1_2_5_buckets: 1, 2, 5, 10, 20, 50, ... up to `max_value`.
std::vector<double> buckets_1_2_5(int max_value);

struct EngineMetrics {
  explicit EngineMetrics(int max_model_len);

  // Counters (a Prometheus exporter adds `_total`).
  std::uint64_t prompt_tokens = 0;      // vllm:prompt_tokens, counted when a prefill completes
  std::uint64_t generation_tokens = 0;  // vllm:generation_tokens
  std::uint64_t prefix_cache_queries = 0;  // also the deprecated vllm:gpu_prefix_cache_queries
  std::uint64_t prefix_cache_hits = 0;     // also the deprecated vllm:gpu_prefix_cache_hits
  std::uint64_t external_prefix_cache_queries = 0;
  std::uint64_t external_prefix_cache_hits = 0;
  std::uint64_t num_preemptions = 0;
  // vllm:request_success{finished_reason}, indexed by FinishReason (stop=1, length=2, abort=3).
  std::array<std::uint64_t, 4> request_success{};

  // Histograms, seconds unless named tokens.
  Histogram time_to_first_token;
  Histogram inter_token_latency;     // every gap between a request's tokens; vLLM's deprecated
                                     // time_per_output_token_seconds reports the same observations
  Histogram e2e_request_latency;
  Histogram request_queue_time;      // queued -> first scheduled
  Histogram request_inference_time;  // first scheduled -> finished
  Histogram request_prefill_time;    // first scheduled -> first token
  Histogram request_decode_time;     // first token -> finished
  Histogram request_prompt_tokens;
  Histogram request_generation_tokens;
  Histogram request_params_max_tokens;
  Histogram iteration_tokens;        // tokens per step
};

}  // namespace lmbench::sim
