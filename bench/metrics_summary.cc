// Cost of the metrics path at the end of a run: summarizing, writing the per-request CSV, and the
// log histogram's record() for live progress. Records are synthetic with fixed seeds.
//   build/bench/bench_metrics_summary
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "metrics/csv.h"
#include "metrics/histogram.h"
#include "metrics/summary.h"
#include "metrics/summary_json.h"

namespace {

using namespace lmbench;

// `n` successful records with `chunks` content chunks each, ~20 ms apart, one request per ms.
std::vector<metrics::RequestRecord> make_records(int n, int chunks) {
  std::mt19937_64 rng(42);
  std::exponential_distribution<double> gap_ms(1.0 / 20);
  std::vector<metrics::RequestRecord> v(n);
  const core::TimePoint t0 = core::TimePoint{} + std::chrono::seconds(100);
  for (int i = 0; i < n; ++i) {
    auto& r = v[i];
    r.request_id = i;
    r.user_id = "user-" + std::to_string(i % 100);
    r.intended_send = t0 + std::chrono::milliseconds(i);
    r.actual_send = r.intended_send + std::chrono::microseconds(rng() % 300);
    core::TimePoint t = r.actual_send + std::chrono::milliseconds(50 + rng() % 200);
    r.chunk_times.reserve(chunks);
    for (int c = 0; c < chunks; ++c) {
      r.chunk_times.push_back(t);
      t += core::from_seconds(gap_ms(rng) / 1000);
    }
    r.first_token = r.chunk_times.front();
    r.end = r.chunk_times.back();
    r.launch_wall = std::chrono::system_clock::time_point{} + std::chrono::seconds(1700000000) + std::chrono::milliseconds(i);
    r.prompt_tokens = 1000;
    r.output_tokens = chunks;
    r.output_token_source = metrics::TokenSource::kServerUsage;
  }
  return v;
}

void BM_Summarize(benchmark::State& state) {
  const auto records = make_records(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto json = metrics::results_json(metrics::summarize(records));
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["gaps"] = static_cast<double>(state.range(0) * (state.range(1) - 1));
}
BENCHMARK(BM_Summarize)->Args({10000, 64})->Args({100000, 64})->Unit(benchmark::kMillisecond);

void BM_ToCsv(benchmark::State& state) {
  const auto records = make_records(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string csv = metrics::to_csv(records);
    bytes = csv.size();
    benchmark::DoNotOptimize(csv.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_ToCsv)->Args({10000, 64})->Unit(benchmark::kMillisecond);

void BM_LogHistogramRecord(benchmark::State& state) {
  metrics::LogHistogram h(0.001, 3.6e6, 0.01);
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> ms(3, 1);
  std::vector<double> values(4096);
  for (auto& v : values) v = ms(rng);
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LogHistogramRecord);

}  // namespace

BENCHMARK_MAIN();
