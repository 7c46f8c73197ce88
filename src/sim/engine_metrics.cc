#include "sim/engine_metrics.h"

#include <algorithm>

namespace lmbench::sim {
namespace {

const std::vector<double> kTtftBuckets = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,  0.25, 0.5,   0.75,
                                          1.0,   2.5,   5.0,  7.5,  10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
const std::vector<double> kTokenLatencyBuckets = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2,  0.3,  0.4, 0.5,
                                                  0.75, 1.0,   2.5,  5.0,   7.5, 10.0, 20.0, 40.0, 80.0};
const std::vector<double> kRequestLatencyBuckets = {0.3,  0.5,  0.8,  1.0,   1.5,   2.0,   2.5,   5.0,   10.0, 15.0,  20.0,
                                                    30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};
const std::vector<double> kIterationBuckets = {1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  ++counts_[static_cast<std::size_t>(it - bounds_.begin())];
  ++count_;
  sum_ += value;
}

std::vector<double> buckets_1_2_5(int max_value) {
  std::vector<double> out;
  for (long long exp = 1;; exp *= 10) {
    for (const int m : {1, 2, 5}) {
      const long long v = m * exp;
      if (v > max_value) return out;
      out.push_back(static_cast<double>(v));
    }
  }
}

EngineMetrics::EngineMetrics(int max_model_len)
    : time_to_first_token(kTtftBuckets),
      inter_token_latency(kTokenLatencyBuckets),
      e2e_request_latency(kRequestLatencyBuckets),
      request_queue_time(kRequestLatencyBuckets),
      request_inference_time(kRequestLatencyBuckets),
      request_prefill_time(kRequestLatencyBuckets),
      request_decode_time(kRequestLatencyBuckets),
      request_prompt_tokens(buckets_1_2_5(max_model_len)),
      request_generation_tokens(buckets_1_2_5(max_model_len)),
      request_params_max_tokens(buckets_1_2_5(max_model_len)),
      iteration_tokens(kIterationBuckets) {}

}  // namespace lmbench::sim
