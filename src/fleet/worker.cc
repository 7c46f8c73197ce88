#include "fleet/worker.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "core/interrupt.h"
#include "fleet/channel.h"
#include "fleet/fleet_run_json.h"
#include "fleet/job.h"
#include "http/event_loop.h"
#include "load/runner.h"
#include "metrics/percentile.h"
#include "metrics/record_wire.h"

namespace lmbench::fleet {

namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// Streams records to the coordinator from a thread of its own, so the load thread only copies a
// record into a queue.
class RecordSender {
 public:
  RecordSender(Channel& channel, core::TimePoint origin) : channel_(channel), origin_(origin), thread_([this] { loop(); }) {}
  ~RecordSender() { finish(); }

  void push(const metrics::RequestRecord& r) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(r);
    }
    cv_.notify_one();
  }

  // Sends what is queued and stops the thread.
  void finish() {
    {
      std::lock_guard lock(mutex_);
      if (done_) return;
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [&] { return done_ || !queue_.empty(); });
      std::deque<metrics::RequestRecord> batch;
      batch.swap(queue_);
      const bool last = done_;
      lock.unlock();
      for (const auto& r : batch) channel_.send(Json{{"t", "rec"}, {"r", metrics::record_to_wire(r, origin_)}});
      lock.lock();
      if (last && queue_.empty()) return;
    }
  }

  Channel& channel_;
  core::TimePoint origin_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<metrics::RequestRecord> queue_;
  bool done_ = false;
  std::thread thread_;
};

Json stats_json(const load::RunResult& run, double scale) {
  std::vector<double> lag_ms;
  std::size_t failures = 0;
  for (const auto& r : run.records) {
    lag_ms.push_back(core::to_ms(r.scheduling_lag()) / scale);  // wall time: the worker's own lateness
    if (!r.ok()) ++failures;
  }
  std::sort(lag_ms.begin(), lag_ms.end());
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  Json s;
  s["requests"] = run.records.size();
  s["failures"] = failures;
  s["scheduling_lag_p99_ms"] = lag_ms.empty() ? Json(nullptr) : Json(metrics::percentile_sorted(lag_ms, 99));
  s["cpu_s"] = secs(u.ru_utime) + secs(u.ru_stime);
  s["peak_rss_mib"] = static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
  s["loop_stall_max_ns"] = run.loop_stall_max.count();
  s["client_cpu"] = client_cpu_json(run.client_cpu);
  s["connections_opened"] = run.client_stats.connections_opened;
  s["connections_reused"] = run.client_stats.connections_reused;
  s["retries"] = run.client_stats.retries;
  return s;
}

int fail(Channel& ch, int index, const std::string& message) {
  fmt::print(stderr, "lmbench worker {}: {}\n", index, message);
  ch.send(Json{{"t", "error"}, {"message", message}});
  return 1;
}

}  // namespace

int run_worker(const WorkerArgs& args) {
  auto connected = Channel::connect(args.host, args.port, args.connect_timeout);
  if (!connected) {
    fmt::print(stderr, "lmbench worker {}: {}\n", args.index, connected.error().message);
    return 2;
  }
  Channel ch = std::move(*connected);
  Json hello{{"t", "hello"}, {"index", args.index}, {"pid", ::getpid()}};
  if (!args.node.empty()) hello["node"] = args.node;
  ch.send(hello);

  // The job.
  auto first = ch.receive(std::chrono::milliseconds(args.connect_timeout));
  if (!first || !*first || (**first).value("t", "") != "job") {
    fmt::print(stderr, "lmbench worker {}: the coordinator sent no job\n", args.index);
    return 2;
  }
  auto job = job_from_json((**first)["job"]);
  if (!job) return fail(ch, args.index, job.error().message);
  JobWorkload built;
  load::RunnerOptions ro;
  try {
    built = build_job_workload(*job);
    ro = job_runner_options(*job, built.tokenizer.get());
  } catch (const std::exception& e) {
    return fail(ch, args.index, e.what());
  }
  ch.send(Json{{"t", "ready"}});

  // Clock probes until the start instant.
  std::optional<core::TimePoint> start_at;
  while (!start_at) {
    auto m = ch.receive(std::chrono::milliseconds(args.connect_timeout));
    if (!m || !*m) {
      fmt::print(stderr, "lmbench worker {}: the coordinator went quiet before the start\n", args.index);
      return 2;
    }
    const Json& msg = **m;
    const auto t = msg.value("t", "");
    if (t == "ping") {
      ch.send(Json{{"t", "pong"}, {"seq", msg.value("seq", 0)}, {"now", steady_ns()}});
    } else if (t == "start") {
      start_at = core::TimePoint{core::Duration{msg.at("at").get<std::int64_t>()}};
    } else if (t == "stop") {
      ch.send(Json{{"t", "done"}, {"reason", "interrupted"}, {"send_end", 0}, {"end", 0}, {"stats", Json::object()}});
      return 0;
    }
  }

  // A stop from the coordinator, or losing it, stops sending as Ctrl-C would.
  std::thread watcher([&ch] {
    for (;;) {
      auto m = ch.receive(std::chrono::milliseconds(1000));
      if (!m) break;  // closed: the coordinator is gone (or we shut down at the end)
      if (*m && (**m).value("t", "") == "stop") break;
    }
    core::request_stop();
  });

  core::SteadyClock steady;
  const core::ScaledClock clock(steady, job->time_scale, *start_at);
  RecordSender sender(ch, *start_at);
  ro.start_at = *start_at;
  ro.on_record = [&sender](const metrics::RequestRecord& r) { sender.push(r); };
  http::EventLoop loop;
  load::Runner runner(loop, clock, ro);
  // Sleep to just before the instant, then spin: the start skew between workers is this wait's error.
  const auto wake = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(start_at->time_since_epoch().count()));
  // (A short spin: several workers spinning at once on few cores would delay each other.)
  std::this_thread::sleep_until(wake - 200us);
  while (std::chrono::steady_clock::now() < wake) {
  }
  load::RunResult run = runner.run(*built.workload);
  sender.finish();
  ch.send(Json{{"t", "done"},
               {"reason", load::to_string(run.reason)},
               {"started_late", run.start_late.count()},
               {"send_end", (run.send_end - *start_at).count()},
               {"end", (run.end - *start_at).count()},
               {"stats", stats_json(run, job->time_scale)}});
  ch.shutdown();
  watcher.join();
  return 0;
}

}  // namespace lmbench::fleet
