#pragma once
// The open-loop runner: drives one workloads::Workload through http::Client on ONE event loop
// thread and writes one metrics::RequestRecord per request sent (ARCHITECTURE.md).
//
// Open loop (STYLE.md "The schedule never waits for responses"): each request is sent when the
// loop reaches its intended time. Requests are taken from the workload and their bodies built
// up to RunnerOptions::prepare_ahead before that time, so sending one is only stamping it and
// handing it to the client. When the loop is behind, every request already due goes at
// once, late, with its lag (actual - intended send) recorded; nothing is ever rescheduled.
// Sending stops when the workload is finished, the time limit is reached (requests intended at
// or after start + time_limit are not sent) or core::stop_requested(). Requests still in flight
// then get `drain_timeout` to finish; the rest are cancelled and recorded as Outcome::kCancelled.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "http/url.h"
#include "load/progress.h"
#include "metrics/record.h"
#include "metrics/validity.h"
#include "text/tokenizer.h"
#include "workloads/workload.h"

namespace lmbench::load {

enum class StopReason {
  kWorkloadDone,  // the workload produced its last request
  kTimeLimit,     // RunnerOptions::time_limit reached
  kInterrupted,   // core::stop_requested() (Ctrl-C)
  kStalled,       // a closed-loop workload waits for nothing: no request due, none in flight
  kDecided,       // RunnerOptions::stop_when said the run's outcome is already certain
};
const char* to_string(StopReason reason);

struct RunnerOptions {
  http::Url base_url;          // e.g. http://127.0.0.1:8000 (a trailing /v1 is fine)
  std::string model;           // for requests whose workload leaves Request::model empty
  http::ClientOptions client;
  // Sending window from the start; nullopt: until the workload is finished.
  std::optional<core::Duration> time_limit;
  // How long in-flight requests may still run once sending stopped; 0 cancels them at once.
  core::Duration drain_timeout = std::chrono::seconds(60);
  // Counts output tokens of responses without server usage. Not owned; may be null (such
  // records then have TokenSource::kNone and 0 output tokens).
  const text::Tokenizer* tokenizer = nullptr;
  // Ask for stream_options.include_usage (servers that reject it can be run without).
  bool include_usage = true;
  // on_progress is called on the loop thread every progress_interval and once at the end.
  std::chrono::milliseconds progress_interval{1000};
  std::function<void(const Progress&)> on_progress;
  // How many times faster than real time `clock` runs (core::ScaledClock for a simulator started
  // with --time-scale). Waits for the next intended send are divided by it; everything else in
  // these options (time_limit, progress_interval) is in the clock's time, except drain_timeout
  // and the client's timeouts, which are real time.
  double time_scale = 1.0;
  // Requests sent in one turn of the loop before reads get a chance to run (when far behind).
  std::size_t max_batch = 64;
  // How far ahead of its send time (wall time) a request is taken from the workload and its body
  // built, and how many may wait so: the work of preparing a request is then done before its
  // time, not counted in its scheduling lag, and done in the loop's idle moments rather than
  // while other requests' chunks wait to be stamped. (A closed-loop round is known only when
  // the previous answer arrives: it is prepared then.)
  core::Duration prepare_ahead = std::chrono::milliseconds(20);
  std::size_t max_prepared = 64;
  // The run's start on `clock` (a worker of a fleet starts at the instant its coordinator chose,
  // fleet/): the workload's t0 and RunResult::start. The caller calls run() at or just before it;
  // how late the loop actually began is RunResult::start_late. nullopt: the moment run() begins.
  std::optional<core::TimePoint> start_at;
  // At most this many requests in flight (`vllm bench serve --max-concurrency`); 0: no limit.
  // A request due while every slot is taken waits for one: that wait is the limit's doing, so its
  // client lag counts from the moment a slot freed (metrics::RequestRecord::ready_send).
  std::size_t max_concurrency = 0;
  // Called on the loop thread with each record once it is final (the request finished, failed or
  // was cancelled), in completion order; a worker streams them to its coordinator. Keep it short.
  std::function<void(const metrics::RequestRecord&)> on_record;
  // Called on the loop thread with each final record (after on_record): true when the run's
  // outcome is already certain (a capacity probe that cannot pass, suite/capacity.h). Sending
  // stops and the requests in flight are cancelled at once (recorded as cancelled).
  std::function<bool(const metrics::RequestRecord&)> stop_when;
};

struct RunResult {
  std::vector<metrics::RequestRecord> records;  // one per request sent, in send order
  core::TimePoint start{};      // workload.start() time
  core::TimePoint send_end{};   // when sending stopped
  core::TimePoint end{};        // last request finished or cancelled
  StopReason reason = StopReason::kWorkloadDone;
  http::ClientStats client_stats;  // at the end
  // The client's own health (metrics/validity.h): its CPU over the run's wall time, and how late
  // the load thread's 5 ms (wall) watch timer fired at worst, in wall time.
  std::optional<metrics::ClientCpu> client_cpu;
  core::Duration loop_stall_max{0};
  // How much later than RunnerOptions::start_at the loop began (0 without start_at).
  core::Duration start_late{0};
  // `start` in steady (wall) time, for what is measured beside the run on the wall clock (its
  // servers' metrics, telemetry/).
  std::chrono::steady_clock::time_point start_real{};
};

// What the runner measured about its own health, for metrics::judge_validity.
metrics::ClientHealth client_health(const RunResult& run, double time_scale,
                                    std::optional<double> engine_lag_p99_ms = std::nullopt);

class Runner {
 public:
  // `loop` and `clock` must outlive the runner. The clock stamps every time in the records and
  // must tick with the loop's timers (a SteadyClock; tests of pure logic use workloads alone).
  Runner(http::EventLoop& loop, const core::Clock& clock, RunnerOptions options);

  // Runs the workload to its end on the calling thread (which runs `loop`). Call once per
  // Runner. Expected failures are in the records; throws only for unusable options.
  RunResult run(workloads::Workload& workload);

 private:
  http::EventLoop& loop_;
  const core::Clock& clock_;
  RunnerOptions options_;
};

}  // namespace lmbench::load
