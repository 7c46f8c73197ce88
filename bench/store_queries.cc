// Fills a results store with 100,000 runs (through the real ingest path: run JSON text ->
// validation -> SQLite file) and times the queries the dashboard's workload page makes: the
// sessions list, the baselines and QPS values, metric-vs-QPS for the newest session and the
// metric over time at one QPS. Target: one page's queries under 100 ms.
//
//   bench_store_queries [--runs N] [--db PATH] [--pages N]
// Shape: 4 suites x 5 workloads x 4 baselines x 5 QPS = 400 runs per session round, so 100,000
// runs are 250 sessions per suite and the over-time series has 4 x 250 points.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "store/run_json.h"
#include "store/store.h"
#include "synthetic_runs.h"

namespace {

using namespace lmbench;
using Clock = std::chrono::steady_clock;

using namespace lmbench::bench;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

template <typename T>
T must(core::Result<T> r) {
  if (!r) {
    fmt::print(stderr, "bench_store_queries: {}\n", r.error().message);
    std::exit(1);
  }
  return std::move(*r);
}

}  // namespace

int main(int argc, char** argv) {
  int total_runs = 100000;
  int pages = 40;
  std::string db_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) total_runs = std::stoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--pages") == 0) pages = std::stoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--db") == 0) db_path = argv[i + 1];
  }
  const bool temporary = db_path.empty();
  if (temporary) {
    db_path = (std::filesystem::temp_directory_path() / fmt::format("lmbench-bench-store-{}.db", ::getpid())).string();
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);

  auto store = must(store::Store::open(db_path));
  // Fill: parse + validate every document, then insert in batches of one transaction each.
  const FillStats filled = fill_synthetic_runs(*store, total_runs, "bench_store_queries");
  const int stored = filled.stored, sessions = filled.sessions;
  const double parse_ms = filled.parse_ms;
  const double fill_ms = filled.total_ms;
  fmt::print("filled {} runs ({} sessions per suite) in {:.1f} s: {:.0f} runs/s ({:.1f} s of it JSON validation)\n",
             stored, sessions, fill_ms / 1000, stored / (fill_ms / 1000), parse_ms / 1000);
  fmt::print("database: {} ({:.1f} MB)\n", db_path,
             static_cast<double>(std::filesystem::file_size(db_path) +
                                 (std::filesystem::exists(db_path + "-wal") ? std::filesystem::file_size(db_path + "-wal") : 0)) /
                 1e6);
  store.reset();

  // A fresh connection, as the dashboard would have: the first page also pays for preparing.
  store = must(store::Store::open(db_path));
  struct Timing {
    std::vector<double> sessions, keys_qps, vs_qps, over_time, page;
  } t;
  std::size_t points_over_time = 0, points_vs_qps = 0, session_rows = 0;
  for (int page = 0; page < pages; ++page) {
    const std::string suite = fmt::format("suite-{}", page % kSuites);
    const std::string workload = kWorkloadNames[(page / kSuites) % kWorkloads];
    const auto metric = page % 2 == 0 ? store::Metric::kTtftP99 : store::Metric::kOutputThroughput;
    const auto p0 = Clock::now();
    auto t0 = Clock::now();
    const auto list = must(store->sessions(suite, workload));
    t.sessions.push_back(ms_since(t0));
    t0 = Clock::now();
    const auto keys = must(store->keys(suite, workload));
    const auto qps = must(store->qps_values(suite, workload));
    t.keys_qps.push_back(ms_since(t0));
    t0 = Clock::now();
    const auto vs = must(store->metric_vs_qps(suite, workload, list.front().session_id, metric));
    t.vs_qps.push_back(ms_since(t0));
    t0 = Clock::now();
    const auto over = must(store->metric_over_time(suite, workload, qps[page % qps.size()], metric));
    t.over_time.push_back(ms_since(t0));
    t.page.push_back(ms_since(p0));
    session_rows = list.size();
    points_vs_qps = vs.size();
    points_over_time = over.size();
    (void)keys;
  }
  auto report = [](const char* name, std::vector<double> v) {
    const double first = v.front();
    std::sort(v.begin(), v.end());
    fmt::print("  {:<28} median {:7.2f} ms   max {:7.2f} ms   first (cold) {:7.2f} ms\n", name, v[v.size() / 2],
               v.back(), first);
  };
  fmt::print("workload page over {} pages ({} sessions listed, {} points vs QPS, {} points over time):\n", pages,
             session_rows, points_vs_qps, points_over_time);
  const double first_page = t.page.front();
  {
    const auto t0 = Clock::now();
    const auto suites = must(store->suites());
    const double suites_ms = ms_since(t0);
    const auto t1 = Clock::now();
    const auto workloads = must(store->workloads(suites.front().suite));
    fmt::print("  {:<28} {:7.2f} ms ({} suites); workloads of a suite {:.2f} ms ({} workloads)\n", "suites list",
               suites_ms, suites.size(), ms_since(t1), workloads.size());
  }
  report("sessions list", t.sessions);
  report("baselines + QPS values", t.keys_qps);
  report("metric vs QPS (1 session)", t.vs_qps);
  report("metric over time (1 QPS)", t.over_time);
  report("whole page", t.page);
  std::vector<double> sorted = t.page;
  std::sort(sorted.begin(), sorted.end());
  fmt::print("first page (statements prepared, cache cold): {:.2f} ms; slowest page {:.2f} ms; target < 100 ms "
             "per page: {}\n",
             first_page, sorted.back(), sorted.back() < 100 ? "met" : "NOT met");
  store.reset();
  if (temporary) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
  }
  return sorted.back() < 100 ? 0 : 1;
}
