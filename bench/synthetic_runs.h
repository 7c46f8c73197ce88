#pragma once
// The 100,000-run database both store benches fill (bench_store_queries, bench_dashboard_api):
// 4 suites x 5 workloads x 4 baselines x 5 QPS per session, with noisy but plausible metrics,
// each document going the real way in (JSON text -> validation -> one transaction per session).

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "store/run_json.h"
#include "store/store.h"

namespace lmbench::bench {

inline constexpr int kSuites = 4, kWorkloads = 5, kKeys = 4, kQps = 5;
inline const char* const kWorkloadNames[kWorkloads] = {"synthetic", "trace_replayer", "vllm_random", "agentic",
                                                       "sharegpt"};
inline const double kQpsValues[kQps] = {0.5, 1, 2, 4, 8};

inline std::string synthetic_run_json(int suite, int session, int workload, int key, int qps, std::mt19937& rng) {
  std::normal_distribution<double> noise(1.0, 0.05);
  const double base = 50 + 30 * kQpsValues[qps] + 10 * key;
  const long secs = 1700000000L + session * 3600L;
  const nlohmann::json doc = {
      {"name", fmt::format("suite-{}", suite)},
      {"lmbench-session-id", fmt::format("lmbench-{}-{:08x}", secs, session)},
      {"timestamp", fmt::format("2023{:02}{:02}-{:02}00", 1 + session / 720 % 12, 1 + session / 24 % 28, session % 24)},
      {"key", fmt::format("baseline_{}", key)},
      {"results",
       {{"successful_requests", 500},
        {"benchmark_duration_s", 200.0},
        {"total_input_tokens", 500000},
        {"total_generated_tokens", 50000},
        {"request_throughput_req_per_s", kQpsValues[qps] * noise(rng)},
        {"output_token_throughput_tok_per_s", 100 * kQpsValues[qps] * noise(rng)},
        {"input_token_throughput_tok_per_s", 1000 * kQpsValues[qps] * noise(rng)},
        {"total_token_throughput_tok_per_s", 1100 * kQpsValues[qps] * noise(rng)},
        {"ttft_ms", {{"mean", base * noise(rng)}, {"median", base * noise(rng)}, {"p99", 3 * base * noise(rng)}}},
        {"tpot_ms", {{"mean", 12 * noise(rng)}, {"median", 11 * noise(rng)}, {"p99", 30 * noise(rng)}}},
        {"itl_ms", {{"mean", 12 * noise(rng)}, {"median", 11 * noise(rng)}, {"p99", 40 * noise(rng)}}}}},
      {"infra", {{"Location", "Simulated"}}},
      {"serving", {{"baseline_type", "Simulated"}, {"config", {{"replicas", key + 1}}}}},
      {"workload", {{"WORKLOAD", kWorkloadNames[workload]}, {"QPS", kQpsValues[qps]}, {"NUM_USERS", 20}}},
  };
  return doc.dump();
}

struct FillStats {
  int stored = 0;
  int sessions = 0;    // per suite
  double total_ms = 0;
  double parse_ms = 0;  // of which JSON validation
};

// Fills `store` with `total_runs` runs; exits the process with a message on any failure (a bench
// with a half-filled database would print meaningless figures).
inline FillStats fill_synthetic_runs(store::Store& store, int total_runs, const char* program) {
  using Clock = std::chrono::steady_clock;
  const auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  std::mt19937 rng(42);
  const int per_round = kSuites * kWorkloads * kKeys * kQps;
  FillStats st;
  st.sessions = (total_runs + per_round - 1) / per_round;
  const auto start = Clock::now();
  for (int session = 0; session < st.sessions && st.stored < total_runs; ++session) {
    std::vector<store::Run> batch;
    for (int s = 0; s < kSuites; ++s)
      for (int w = 0; w < kWorkloads; ++w)
        for (int k = 0; k < kKeys; ++k)
          for (int q = 0; q < kQps && st.stored + static_cast<int>(batch.size()) < total_runs; ++q) {
            const std::string text = synthetic_run_json(s, session, w, k, q, rng);
            const auto t0 = Clock::now();
            auto run = store::parse_run_json(text);
            st.parse_ms += ms(t0, Clock::now());
            if (!run) {
              fmt::print(stderr, "{}: parse: {}\n", program, run.error().message);
              std::exit(1);
            }
            batch.push_back(std::move(*run));
          }
    for (const auto& r : store.ingest_many(batch)) {
      if (!r) {
        fmt::print(stderr, "{}: ingest: {}\n", program, r.error().message);
        std::exit(1);
      }
    }
    st.stored += static_cast<int>(batch.size());
  }
  st.total_ms = ms(start, Clock::now());
  return st;
}

}  // namespace lmbench::bench
