// The dashboard's workload page through real HTTP: a store of 100,000 runs (same shape as
// bench_store_queries: 4 suites x 5 workloads x 4 baselines x 5 QPS per session round, 250
// sessions), a live dashboard on a loopback port, and the GET /api/... calls the UI makes for one
// workload page (metrics, sessions, QPS values, metric vs QPS for the newest session, metric over
// time at one QPS with regression flags), each on a new connection as http::fetch makes them.
// Target: the whole page's calls under 100 ms. bench_store_queries measures the store alone.
//
//   bench_dashboard_api [--runs N] [--pages N] [--db PATH (kept; reused when it exists)]

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

#include "core/clock.h"
#include "dashboard/dashboard.h"
#include "dashboard/query.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "store/run_json.h"
#include "store/store.h"
#include "synthetic_runs.h"

namespace {

using namespace lmbench;
using Clock = std::chrono::steady_clock;

using namespace lmbench::bench;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

template <typename T>
T must(core::Result<T> r, const char* what) {
  if (!r) {
    fmt::print(stderr, "bench_dashboard_api: {}: {}\n", what, r.error().message);
    std::exit(1);
  }
  return std::move(*r);
}

void fill(store::Store& store, int total_runs) {
  const FillStats st = fill_synthetic_runs(store, total_runs, "bench_dashboard_api");
  fmt::print("filled {} runs ({} sessions per suite) in {:.1f} s\n", st.stored, st.sessions, st.total_ms / 1000);
}

struct Stats {
  std::vector<double> ms;
  void report(const std::string& name) const {
    std::vector<double> v = ms;
    std::sort(v.begin(), v.end());
    fmt::print("  {:<34} median {:7.2f} ms   p90 {:7.2f} ms   max {:7.2f} ms\n", name, v[v.size() / 2],
               v[v.size() * 9 / 10], v.back());
  }
};

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
    db_path = (std::filesystem::temp_directory_path() / fmt::format("lmbench-bench-dashboard-{}.db", ::getpid())).string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
  }
  const bool reuse = std::filesystem::exists(db_path);
  auto store = must(store::Store::open(db_path), "open");
  if (reuse) {
    fmt::print("reusing {}\n", db_path);
  } else {
    fill(*store, total_runs);
  }
  const auto suites_now = must(store->suites(), "suites");
  std::int64_t runs = 0;
  for (const auto& s : suites_now) runs += s.runs;
  fmt::print("store: {} runs in {} suites\n", runs, suites_now.size());

  http::BackgroundLoop loop;
  dashboard::DashboardOptions options;
  http::Server server(loop.context(), dashboard::make_router(*store, options), dashboard::server_options(options));
  const std::uint16_t port = must(server.listen("127.0.0.1", 0), "listen");
  const std::string base = fmt::format("http://127.0.0.1:{}", port);
  core::SteadyClock clock;
  std::size_t bytes = 0;
  auto get = [&](const std::string& target) {
    http::Request req;
    req.url = *http::Url::parse(base + target);
    const auto t0 = Clock::now();
    const auto res = must(http::fetch(req, clock), "GET");
    const double ms = ms_since(t0);
    if (res.status != 200) {
      fmt::print(stderr, "bench_dashboard_api: GET {}: HTTP {}: {}\n", target, res.status, res.body);
      std::exit(1);
    }
    bytes += res.body.size();
    return std::pair{ms, nlohmann::json::parse(res.body)};
  };

  Stats store_over_time_s, metrics_s, sessions_s, qps_s, vs_qps_s, over_time_s, page_s, suites_s, workloads_s;
  std::size_t points_vs = 0, points_time = 0;
  for (int page = 0; page < pages; ++page) {
    const std::string suite = fmt::format("suite-{}", page % kSuites);
    const std::string workload = kWorkloadNames[(page / kSuites) % kWorkloads];
    const std::string sw = "suite=" + dashboard::url_encode(suite) + "&workload=" + workload;
    const char* metric = page % 2 == 0 ? "ttft_p99" : "output_throughput";
    bytes = 0;
    // The suites and workload lists are the pages before; timed, not part of the workload page.
    suites_s.ms.push_back(get("/api/suites").first);
    workloads_s.ms.push_back(get("/api/workloads?suite=" + dashboard::url_encode(suite)).first);
    const auto p0 = Clock::now();
    metrics_s.ms.push_back(get("/api/metrics").first);
    auto [sessions_ms, sessions] = get("/api/sessions?" + sw);
    sessions_s.ms.push_back(sessions_ms);
    auto [qps_ms, qps] = get("/api/qps?" + sw);
    qps_s.ms.push_back(qps_ms);
    auto [vs_ms, vs] = get(fmt::format("/api/series/qps?{}&metric={}&session={}", sw, metric,
                                       dashboard::url_encode(sessions[0]["session_id"].get<std::string>())));
    vs_qps_s.ms.push_back(vs_ms);
    auto [time_ms, over] = get(fmt::format("/api/series/time?{}&metric={}&qps={}", sw, metric,
                                           qps[page % qps.size()].get<double>()));
    over_time_s.ms.push_back(time_ms);
    // The same query on the store directly (on this thread, between requests): what HTTP, JSON
    // and the regression flags add on top of SQLite.
    loop.run_sync([&] {
      const auto t0 = Clock::now();
      must(store->metric_over_time(suite, workload, qps[page % qps.size()].get<double>(),
                                   *store::parse_metric(metric)),
           "metric_over_time");
      store_over_time_s.ms.push_back(ms_since(t0));
    });
    page_s.ms.push_back(ms_since(p0));
    points_vs = 0;
    for (const auto& l : vs["lines"]) points_vs += l["points"].size();
    points_time = 0;
    for (const auto& l : over["lines"]) points_time += l["points"].size();
  }
  fmt::print("workload page through HTTP over {} pages ({} points vs QPS, {} points over time, last page {} KB):\n",
             pages, points_vs, points_time, bytes / 1024);
  suites_s.report("GET /api/suites (suites page)");
  workloads_s.report("GET /api/workloads (suite page)");
  metrics_s.report("GET /api/metrics");
  sessions_s.report("GET /api/sessions");
  qps_s.report("GET /api/qps");
  vs_qps_s.report("GET /api/series/qps");
  over_time_s.report("GET /api/series/time (+ regression)");
  store_over_time_s.report("  same query, store only");
  page_s.report("workload page, calls in sequence");
  std::vector<double> sorted = page_s.ms;
  std::sort(sorted.begin(), sorted.end());
  fmt::print("slowest workload page {:.2f} ms; target < 100 ms: {}\n", sorted.back(),
             sorted.back() < 100 ? "met" : "NOT met");
  server.stop();
  loop.run_sync([] {});
  store.reset();
  if (temporary) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
  }
  return sorted.back() < 100 ? 0 : 1;
}
