// Issue 16's figures for the local placement of workers: against a ground-truth streaming server
// (the first token a known delay after each request arrives, then one every 20 ms, 16 tokens; the
// server measures how late each write reached its socket), one open-loop run per setup at the
// same rate and seed: in-process (load::Runner on this process's thread, beside the server), and
// 1, 2 and 4 local `lmbench worker` processes. The delay is 100..200 ms, fixed per request (by its
// user id, one per request), so TTFT has a spread and the distributions can be compared. Prints,
// per setup: TTFT error against the truth (client TTFT - the request's delay) median/p99, the
// client's own lag p99, the start skew between workers and the largest clock offset uncertainty;
// then the two-sample Kolmogorov-Smirnov statistic between every pair of TTFT distributions, and
// the median TTFT difference of 1 vs 2 workers.
//
//   bench_fleet_exactness [--rate 1000] [--seconds 10] [--lmbench build/lmbench] [--workers 1,2,4]

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/paths.h"
#include "fleet/coordinator.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "http/sse.h"
#include "load/runner.h"
#include "metrics/percentile.h"

namespace lmbench {
namespace {

using namespace std::chrono_literals;
using SteadyPoint = std::chrono::steady_clock::time_point;

// The first token's delay for the request of user `user` (every request has its own user).
std::chrono::milliseconds first_delay(std::uint64_t user) { return std::chrono::milliseconds(100 + (user * 7919) % 101); }
constexpr auto kGap = 20ms;
constexpr int kTokens = 16;

// Writes each chunk at its due time from one thread (the server's thread only sends).
class Emitter {
 public:
  Emitter() : thread_([this] { loop(); }) {}
  ~Emitter() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void start(std::shared_ptr<http::ResponseWriter> w, SteadyPoint arrival, std::chrono::milliseconds first) {
    std::lock_guard lock(mu_);
    queue_.push({arrival + first, 0, std::move(w)});
    cv_.notify_one();
  }

 private:
  struct Item {
    SteadyPoint due;
    int token;
    std::shared_ptr<http::ResponseWriter> w;
    bool operator>(const Item& o) const { return due > o.due; }
  };
  void loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (stop_) return;
      if (queue_.empty()) {
        cv_.wait(lock);
        continue;
      }
      const auto due = queue_.top().due;
      if (std::chrono::steady_clock::now() < due) {
        cv_.wait_until(lock, due);
        continue;
      }
      Item it = queue_.top();
      queue_.pop();
      lock.unlock();
      std::string data = http::sse_event(
          fmt::format(R"({{"id":"c","object":"text_completion","model":"m","choices":[{{"index":0,"text":" t{}","finish_reason":null}}]}})",
                      it.token));
      const bool last = it.token + 1 == kTokens;
      if (last) {
        data += http::sse_event(
            R"({"id":"c","object":"text_completion","model":"m","choices":[{"index":0,"text":"","finish_reason":"length"}],"usage":{"prompt_tokens":8,"completion_tokens":16,"total_tokens":24}})");
        data += http::kSseDone;
      }
      const bool alive = it.w->write(std::move(data), it.due);
      if (last || !alive) {
        it.w->end();
      }
      lock.lock();
      if (!last && alive) queue_.push({it.due + kGap, it.token + 1, std::move(it.w)});
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue_;
  bool stop_ = false;
  std::thread thread_;
};

struct Setup {
  std::string name;
  int workers = 0;  // 0: in-process
};

struct Figures {
  std::vector<double> ttft_ms;  // sorted
  std::vector<double> error_ms;  // client TTFT - the server's delay, sorted
  double err_p50 = 0, err_p99 = 0, client_lag_p99 = 0;
  std::size_t ok = 0, total = 0;
  std::optional<double> skew_ms, uncertainty_ms;
};

double ks(const std::vector<double>& a, const std::vector<double>& b) {
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  return d;
}

Figures figures_of(const std::vector<metrics::RequestRecord>& records) {
  Figures f;
  std::vector<double> lag;
  for (const auto& r : records) {
    ++f.total;
    if (!r.ok() || !r.has_first_token()) continue;
    ++f.ok;
    const double ttft = core::to_ms(r.first_token - r.actual_send);
    f.ttft_ms.push_back(ttft);
    f.error_ms.push_back(ttft - static_cast<double>(first_delay(std::stoull(r.user_id)).count()));
    lag.push_back(core::to_ms(metrics::client_lag(r)));
  }
  std::sort(f.ttft_ms.begin(), f.ttft_ms.end());
  std::sort(f.error_ms.begin(), f.error_ms.end());
  std::sort(lag.begin(), lag.end());
  if (!f.ttft_ms.empty()) {
    f.err_p50 = metrics::percentile_sorted(f.error_ms, 50);
    f.err_p99 = metrics::percentile_sorted(f.error_ms, 99);
    f.client_lag_p99 = metrics::percentile_sorted(lag, 99);
  }
  return f;
}

int run(int argc, char** argv) {
  double rate = 1000, seconds = 10;
  std::string lmbench = (core::executable_path().parent_path().parent_path() / "lmbench").string();
  std::vector<int> counts = {1, 2, 4};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--rate") rate = std::stod(v);
    else if (k == "--seconds") seconds = std::stod(v);
    else if (k == "--lmbench") lmbench = v;
    else if (k == "--workers") {
      counts.clear();
      for (std::size_t p = 0; p < v.size();) {
        const auto comma = v.find(',', p);
        counts.push_back(std::stoi(v.substr(p, comma - p)));
        p = comma == std::string::npos ? v.size() : comma + 1;
      }
    } else {
      fmt::print(stderr, "unknown option {}\n", k);
      return 2;
    }
  }

  Emitter emitter;
  std::mutex lag_mu;
  std::vector<double> write_lag_ms;
  http::Router router;
  router.on_stream("POST", "/v1/completions", [&](const http::ServerRequest& req, std::shared_ptr<http::ResponseWriter> w) {
    const auto arrival = std::chrono::steady_clock::now();
    const std::string user(req.header("x-user-id"));
    w->begin_stream(200, "text/event-stream");
    emitter.start(std::move(w), arrival, first_delay(user.empty() ? 0 : std::stoull(user)));
  });
  http::ServerOptions so;
  so.on_write_lag = [&](std::chrono::nanoseconds late) {
    std::lock_guard lock(lag_mu);
    write_lag_ms.push_back(static_cast<double>(late.count()) / 1e6);
  };
  http::BackgroundLoop server_loop;
  http::Server server(server_loop.context(), std::move(router), so);
  const auto port = server.listen("127.0.0.1", 0);
  if (!port) {
    fmt::print(stderr, "listen: {}\n", port.error().message);
    return 1;
  }
  const std::string url = fmt::format("http://127.0.0.1:{}", *port);
  const int requests = static_cast<int>(rate * seconds);
  fleet::Job job;
  job.workload = {{"kind", "spec"},
                  {"type", "Random"},
                  {"keys", {{"NUM_USERS", requests}, {"NUM_ROUNDS", 1}, {"PROMPT_LEN", 8}, {"ANSWER_LEN", kTokens}, {"QPS", {rate}}}},
                  {"root", std::filesystem::current_path().string()},
                  {"rate_index", 0}};
  job.model = "m";
  job.seed = 1;
  job.salt = 1;
  job.base_url = url;
  job.drain_timeout_s = 10;

  fmt::print("ground truth: first token 100..200 ms (fixed per request) after arrival, then every {} ms, {} tokens; {} req/s "
             "for {} s ({} requests)\n",
             core::to_ms(kGap), kTokens, rate, seconds, requests);
  std::vector<Setup> setups = {{"in-process", 0}};
  for (int n : counts) setups.push_back({fmt::format("{} worker{}", n, n == 1 ? "" : "s"), n});
  std::map<std::string, Figures> all;
  for (const auto& s : setups) {
    {
      std::lock_guard lock(lag_mu);
      write_lag_ms.clear();
    }
    Figures f;
    if (s.workers == 0) {
      const auto built = fleet::build_job_workload(job);
      auto ro = fleet::job_runner_options(job, built.tokenizer.get());
      core::SteadyClock clock;
      http::EventLoop loop;
      load::Runner runner(loop, clock, ro);
      f = figures_of(runner.run(*built.workload).records);
    } else {
      fleet::FleetOptions fo;
      fo.workers = s.workers;
      fo.executable = lmbench;
      const auto fr = fleet::run_fleet_local(job, fo);
      if (!fr.partial.empty()) fmt::print("  {}: partial: {}\n", s.name, fr.partial);
      f = figures_of(fr.run.records);
      f.skew_ms = fr.start_skew_ms;
      for (const auto& w : fr.workers) f.uncertainty_ms = std::max(f.uncertainty_ms.value_or(0), w.offset_uncertainty_ms);
    }
    std::vector<double> lag;
    {
      std::lock_guard lock(lag_mu);
      lag = write_lag_ms;
    }
    std::sort(lag.begin(), lag.end());
    fmt::print(
        "{:>11}: ok {}/{}  TTFT error p50 {:+.3f} ms  p99 {:+.3f} ms  client lag p99 {:.3f} ms  server write lag p99 {:.3f} ms"
        "  start skew {}  offset uncertainty {}\n",
        s.name, f.ok, f.total, f.err_p50, f.err_p99, f.client_lag_p99,
        lag.empty() ? 0.0 : metrics::percentile_sorted(lag, 99),
        f.skew_ms ? fmt::format("{:.3f} ms", *f.skew_ms) : "-",
        f.uncertainty_ms ? fmt::format("{:.3f} ms", *f.uncertainty_ms) : "-");
    all[s.name] = std::move(f);
  }
  fmt::print("KS statistic between TTFT distributions:\n");
  for (std::size_t i = 0; i < setups.size(); ++i) {
    for (std::size_t j = i + 1; j < setups.size(); ++j) {
      fmt::print("  {} vs {}: {:.4f}\n", setups[i].name, setups[j].name, ks(all[setups[i].name].ttft_ms, all[setups[j].name].ttft_ms));
    }
  }
  if (all.count("1 worker") && all.count("2 workers")) {
    fmt::print("median TTFT, 2 workers - 1 worker: {:+.3f} ms\n",
               metrics::percentile_sorted(all["2 workers"].ttft_ms, 50) - metrics::percentile_sorted(all["1 worker"].ttft_ms, 50));
  }
  server.stop();
  return 0;
}

}  // namespace
}  // namespace lmbench

int main(int argc, char** argv) {
  try {
    return lmbench::run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_fleet_exactness: {}\n", e.what());
    return 1;
  }
}
