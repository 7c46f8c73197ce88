#include "load/runner.h"

#include <sched.h>
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>

#include <algorithm>
#include <deque>
#include <memory>
#include <stdexcept>
#include <utility>

#include "core/interrupt.h"
#include "load/recorder.h"
#include "openai/request.h"

namespace lmbench::load {

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kWorkloadDone: return "workload finished";
    case StopReason::kTimeLimit: return "time limit";
    case StopReason::kInterrupted: return "interrupted";
    case StopReason::kStalled: return "stalled";
    case StopReason::kDecided: return "outcome decided";
  }
  return "?";
}

namespace {

// How often the loop looks at core::stop_requested(), at whether a progress line is due, and
// at its own lateness (RunResult::loop_stall_max).
constexpr std::chrono::milliseconds kWatchInterval{5};
// A heartbeat this late is a stall worth charging to the requests in flight (RequestRecord::loop_stall).
constexpr std::chrono::milliseconds kStallNoted{1};
// After cancelling, how long cancelled requests get to report back before the run gives up on
// them (they are then recorded as cancelled all the same).
constexpr std::chrono::seconds kCancelGrace{5};

}  // namespace

// Everything a run shares with its timers and response handlers. Owned through shared_ptr so a
// callback that fires after run() returned finds `closed` set instead of freed memory.
struct RunState final : RecorderSink, std::enable_shared_from_this<RunState> {
  RunState(http::EventLoop& loop_in, const core::Clock& clock_in, const RunnerOptions& options_in,
           workloads::Workload& workload_in)
      : loop(loop_in), clock(clock_in), options(options_in), workload(workload_in),
        client(loop_in.context(), clock_in, options_in.client) {}

  http::EventLoop& loop;
  const core::Clock& clock;
  const RunnerOptions& options;
  workloads::Workload& workload;
  http::Client client;
  const http::Url completions_url =
      openai::api_url(options.base_url, openai::api_path(openai::Api::kCompletions));
  const http::Url chat_url = openai::api_url(options.base_url, openai::api_path(openai::Api::kChat));

  RunResult result;
  std::vector<http::RequestId> client_ids;  // per record, to cancel what is in flight
  std::vector<bool> pending;                // per record: still in flight
  std::size_t in_flight = 0;
  ProgressTracker progress;
  core::TimePoint last_progress{};
  std::optional<core::TimePoint> deadline;
  // The wall-clock time of result.start. Launch times are this plus the run's own clock since
  // then, so on a time-scaled run (a simulator 10x faster) launch and finish times share the
  // scale of the latencies (CSV launch_time/finish_time, the report's requests in flight).
  std::chrono::system_clock::time_point wall_start{};

  // Taken from the workload ahead of their time with their bodies built, by intended send time.
  struct Prepared {
    workloads::Request req;  // prompt and messages moved into `http`
    http::Request http;
  };
  std::deque<Prepared> prepared;

  bool sending = true;     // false once sending stopped
  // max_concurrency: a due request found every slot taken; when one frees, requests due before
  // then count their client lag from that moment.
  bool at_limit = false;
  core::TimePoint slot_freed{};
  bool cancelling = false;
  bool closed = false;     // the run is over: late callbacks do nothing
  bool pump_posted = false;
  std::optional<core::TimePoint> timer_at;  // earliest pump timer pending
  std::uint64_t drain_generation = 0;
  std::optional<std::chrono::steady_clock::time_point> watch_due;  // when watch() should run next
  std::size_t oldest_pending = 0;  // no record before it is in flight

  void start() {
    const core::TimePoint now = clock.now();
    result.start = options.start_at.value_or(now);
    result.start_late = std::max(core::Duration{0}, now - result.start);
    // Launch times are the wall clock at the start plus the run's own clock since (start_late
    // is in the run's clock: wall time x time_scale).
    wall_start = std::chrono::system_clock::now() -
                 std::chrono::duration_cast<std::chrono::system_clock::duration>(result.start_late / options.time_scale);
    result.start_real = std::chrono::steady_clock::now() -
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(result.start_late / options.time_scale);
    last_progress = result.start;
    if (options.time_limit) deadline = result.start + *options.time_limit;
    workload.start(result.start);
    watch();
    pump();
  }

  // Sends every request that is due, prepares the ones due within prepare_ahead, then sleeps
  // until the next one (or until a response or the deadline changes things).
  void pump() {
    if (!sending) return;
    std::size_t batch = 0;
    const core::Duration ahead = scaled(options.prepare_ahead);
    for (;;) {
      const core::TimePoint now = clock.now();
      if (deadline && now >= *deadline) return stop_sending(StopReason::kTimeLimit);
      if (!prepared.empty() && prepared.front().req.intended_send <= now) {
        if (options.max_concurrency > 0 && in_flight >= options.max_concurrency) {
          at_limit = true;  // on_finished pumps again when a slot frees
          return;
        }
        if (batch == options.max_batch) {
          // Far behind: let the reads of responses run before sending more.
          if (!pump_posted) {
            pump_posted = true;
            loop.post([self = shared_from_this()] {
              self->pump_posted = false;
              if (!self->closed) self->pump();
            });
          }
          return;
        }
        Prepared p = std::move(prepared.front());
        prepared.pop_front();
        launch(std::move(p));
        ++batch;
        continue;
      }
      const std::optional<core::TimePoint> next = workload.next_send_time();
      const bool can_prepare = next && (!deadline || *next < *deadline) && prepared.size() < options.max_prepared &&
                               *next <= now + ahead;
      if (can_prepare) {
        prepare(workload.take(now));
        continue;
      }
      // Nothing due and nothing to prepare now: sleep until the first of the earliest prepared
      // request, the moment the next one enters the horizon, and the deadline.
      std::optional<core::TimePoint> wake;
      if (!prepared.empty()) wake = prepared.front().req.intended_send;
      if (next && (!deadline || *next < *deadline) && prepared.size() < options.max_prepared) {
        const core::TimePoint enter = *next - ahead;
        if (!wake || enter < *wake) wake = enter;
      }
      if (wake) {
        if (deadline && *deadline < *wake) wake = deadline;
        arm(*wake);
        return;
      }
      if (!next) {
        if (workload.finished()) return stop_sending(StopReason::kWorkloadDone);
        if (in_flight == 0) return stop_sending(StopReason::kStalled);
        if (deadline) arm(*deadline);
        return;  // a response will make the next request known
      }
      // The next request is meant for after the window: wake at the deadline to stop.
      arm(*deadline);
      return;
    }
  }

  // A wall-time duration in the run clock's time (modelled time on a time-scaled run).
  core::Duration scaled(core::Duration wall) const {
    if (options.time_scale == 1.0) return wall;
    return core::Duration{static_cast<core::Duration::rep>(static_cast<double>(wall.count()) * options.time_scale)};
  }

  void arm(core::TimePoint t) {
    if (timer_at && *timer_at <= t) return;  // an earlier wake-up is pending; it re-checks
    timer_at = t;
    const core::Duration wait = std::max(core::Duration{0}, t - clock.now());
    const auto real_wait = options.time_scale == 1.0
                               ? wait
                               : core::Duration{static_cast<core::Duration::rep>(static_cast<double>(wait.count()) /
                                                                                 options.time_scale)};
    loop.call_after(real_wait, [self = shared_from_this(), t] {
      if (self->timer_at == t) self->timer_at.reset();
      if (!self->closed) self->pump();
    });
  }

  // Builds the request's body and queues it by its intended send time.
  void prepare(workloads::Request req) {
    openai::RequestParams params;
    params.api = req.api;
    params.model = req.model.empty() ? options.model : req.model;
    params.prompt = std::move(req.prompt);
    params.messages = std::move(req.messages);
    params.max_tokens = req.max_tokens;
    params.temperature = req.temperature;
    params.top_p = req.top_p;
    params.top_k = req.top_k;
    params.ignore_eos = req.ignore_eos;
    params.include_usage = options.include_usage;
    // The same as openai::make_request, with the endpoint URL computed once per API.
    Prepared p;
    p.http.method = "POST";
    p.http.url = params.api == workloads::Api::kChat ? chat_url : completions_url;
    p.http.headers = std::move(req.headers);
    p.http.body = openai::build_request_body(params);
    p.http.content_type = "application/json";
    p.req = std::move(req);
    // Mostly appended (takes come in time order); a closed-loop round can be earlier than what
    // was prepared before it.
    auto at = std::upper_bound(prepared.begin(), prepared.end(), p.req.intended_send,
                               [](core::TimePoint t, const Prepared& x) { return t < x.req.intended_send; });
    prepared.insert(at, std::move(p));
  }

  // Stamps the prepared request sent and hands it to the client.
  void launch(Prepared p) {
    const std::size_t index = result.records.size();
    metrics::RequestRecord& rec = result.records.emplace_back();
    rec.request_id = p.req.id;
    rec.user_id = p.req.user_id;
    rec.round = p.req.round;
    rec.warmup = p.req.warmup;
    rec.intended_send = p.req.intended_send;
    rec.ready_send = std::max(p.req.intended_send, p.req.available);
    if (slot_freed > rec.ready_send) rec.ready_send = slot_freed;  // it waited for a slot
    rec.prompt_tokens = p.req.prompt_tokens;
    auto handler = std::make_shared<Recorder>(shared_from_this(), index, p.req.max_tokens);
    rec.actual_send = clock.now();
    rec.launch_wall = wall_start + std::chrono::duration_cast<std::chrono::system_clock::duration>(rec.actual_send - result.start);
    progress.on_sent(rec.actual_send - rec.intended_send);
    pending.push_back(true);
    client_ids.push_back(0);
    ++in_flight;
    client_ids[index] = client.start(std::move(p.http), std::move(handler));
  }

  void on_finished(std::size_t index, openai::StreamResult& r, std::string backend) override {
    if (closed || !pending[index]) return;
    pending[index] = false;
    --in_flight;
    metrics::RequestRecord& rec = result.records[index];
    fill_record(rec, r, std::move(backend), options.tokenizer);
    if (options.on_record) options.on_record(rec);
    if (sending && options.stop_when && options.stop_when(rec)) {
      stop_sending(StopReason::kDecided);
      if (!closed) cancel_all();
    }
    std::optional<core::Duration> ttft;
    if (rec.has_first_token()) ttft = rec.first_token - rec.actual_send;
    progress.on_finished(rec.ok(), rec.outcome == metrics::Outcome::kCancelled, ttft);

    workloads::Response resp;
    resp.request_id = rec.request_id;
    resp.ok = rec.ok();
    resp.text = std::move(r.text);
    resp.output_tokens = rec.output_tokens;
    if (!rec.ok()) resp.error = rec.error_kind + ": " + rec.error_message;
    workload.on_response(resp, clock.now());
    if (at_limit) {
      at_limit = false;
      slot_freed = clock.now();
    }

    if (sending) {
      pump();  // a closed-loop workload may know its next request now
    } else if (in_flight == 0) {
      finish();
    }
  }

  void stop_sending(StopReason reason) {
    if (!sending) return;
    sending = false;
    result.reason = reason;
    result.send_end = clock.now();
    if (in_flight == 0) return finish();
    if (options.drain_timeout <= core::Duration{0}) return cancel_all();
    loop.call_after(options.drain_timeout, [self = shared_from_this()] {
      if (!self->closed) self->cancel_all();
    });
  }

  void cancel_all() {
    if (cancelling) return;
    cancelling = true;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (pending[i]) client.cancel(client_ids[i]);
    }
    if (in_flight == 0) return finish();
    // Cancelled requests report back through on_finished; if some never do, record them anyway.
    loop.call_after(kCancelGrace, [self = shared_from_this()] {
      if (!self->closed) self->abandon_pending();
    });
  }

  void abandon_pending() {
    const core::TimePoint now = clock.now();
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (!pending[i]) continue;
      pending[i] = false;
      metrics::RequestRecord& rec = result.records[i];
      rec.outcome = metrics::Outcome::kCancelled;
      rec.error_kind = "cancelled";
      rec.error_message = "still in flight when the run ended; did not report back after cancellation";
      rec.end = now;
      if (options.on_record) options.on_record(rec);
      progress.on_finished(false, true, std::nullopt);
    }
    in_flight = 0;
    finish();
  }

  // Checks for Ctrl-C and emits progress lines.
  // Every kWatchInterval of wall time: the interrupt check, progress, and the loop's own health
  // (how late this timer fired: a stall delays every timestamp taken meanwhile).
  void watch() {
    if (closed) return;
    const auto wall_now = std::chrono::steady_clock::now();
    if (watch_due) {
      const auto late = std::chrono::duration_cast<core::Duration>(wall_now - *watch_due);
      result.loop_stall_max = std::max(result.loop_stall_max, late);
      // Every request in flight meanwhile may have a timestamp (send, a chunk) late by as much.
      if (late > kStallNoted) {
        // Requests finish roughly in order: skip the finished prefix once, not at every stall.
        while (oldest_pending < pending.size() && !pending[oldest_pending]) ++oldest_pending;
        for (std::size_t i = oldest_pending; i < pending.size(); ++i) {
          if (pending[i]) result.records[i].loop_stall = std::max(result.records[i].loop_stall, late);
        }
      }
    }
    watch_due = wall_now + kWatchInterval;
    const core::TimePoint now = clock.now();
    if (sending && core::stop_requested()) stop_sending(StopReason::kInterrupted);
    if (closed) return;
    if (options.on_progress && now - last_progress >= options.progress_interval) {
      last_progress = now;
      options.on_progress(progress.snapshot(now - result.start, false));
    }
    loop.call_after(kWatchInterval, [self = shared_from_this()] { self->watch(); });
  }

  void finish() {
    if (closed) return;
    closed = true;
    result.end = clock.now();
    result.client_stats = client.stats();
    if (options.on_progress) options.on_progress(progress.snapshot(result.end - result.start, true));
    client.close_idle();
    loop.stop();
  }
};

Runner::Runner(http::EventLoop& loop, const core::Clock& clock, RunnerOptions options)
    : loop_(loop), clock_(clock), options_(std::move(options)) {
  if (options_.max_batch == 0) throw std::invalid_argument("RunnerOptions::max_batch must be positive");
}

namespace {

double seconds_of(const timeval& user, const timeval& sys) {
  return static_cast<double>(user.tv_sec + sys.tv_sec) + static_cast<double>(user.tv_usec + sys.tv_usec) / 1e6;
}

// What the client's CPU did while a run lasted: this (the load) thread's time on a CPU and
// waiting for one, and the whole process's CPU time.
struct CpuSample {
  double thread_cpu_s = 0;
  std::optional<double> thread_wait_s;  // run-queue wait (/proc/thread-self/schedstat), when readable
  double process_cpu_s = 0;
  std::optional<double> process_wait_s;  // run-queue wait summed over the process's threads

  static CpuSample now() {
    CpuSample c;
    rusage u{};
    if (::getrusage(RUSAGE_THREAD, &u) == 0) c.thread_cpu_s = seconds_of(u.ru_utime, u.ru_stime);
    if (::getrusage(RUSAGE_SELF, &u) == 0) c.process_cpu_s = seconds_of(u.ru_utime, u.ru_stime);
    // "<ns on a cpu> <ns runnable but waiting> <timeslices>": a thread starved by others is
    // slow though its own CPU time is small.
    if (std::FILE* f = std::fopen("/proc/thread-self/schedstat", "r")) {
      unsigned long long run_ns = 0, wait_ns = 0;
      if (std::fscanf(f, "%llu %llu", &run_ns, &wait_ns) == 2) c.thread_wait_s = static_cast<double>(wait_ns) / 1e9;
      std::fclose(f);
    }
    // Every thread of the process: one that spins (or many that want a CPU) waits for its turn.
    std::error_code ec;
    double wait = 0;
    bool any = false;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
      if (std::FILE* f = std::fopen((task.path() / "schedstat").c_str(), "r")) {
        unsigned long long run_ns = 0, wait_ns = 0;
        if (std::fscanf(f, "%llu %llu", &run_ns, &wait_ns) == 2) {
          wait += static_cast<double>(wait_ns) / 1e9;
          any = true;
        }
        std::fclose(f);
      }
    }
    if (any) c.process_wait_s = wait;
    return c;
  }
};

// CPUs this process may run on (its affinity mask), at least 1.
int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace

metrics::ClientHealth client_health(const RunResult& run, double time_scale, std::optional<double> engine_lag_p99_ms) {
  return {.cpu = run.client_cpu,
          .loop_stall_ms = core::to_ms(run.loop_stall_max),
          .time_scale = time_scale,
          .engine_lag_p99_ms = engine_lag_p99_ms};
}

RunResult Runner::run(workloads::Workload& workload) {
  auto state = std::make_shared<RunState>(loop_, clock_, options_, workload);
  const CpuSample cpu0 = CpuSample::now();
  const auto wall0 = std::chrono::steady_clock::now();
  loop_.post([state] { state->start(); });
  while (!state->closed) loop_.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const CpuSample cpu1 = CpuSample::now();
  if (wall > 0) {
    metrics::ClientCpu c;
    c.thread_busy = (cpu1.thread_cpu_s - cpu0.thread_cpu_s) / wall;
    if (cpu0.thread_wait_s && cpu1.thread_wait_s) c.thread_waiting = (*cpu1.thread_wait_s - *cpu0.thread_wait_s) / wall;
    c.cpus = usable_cpus();
    c.process_busy = (cpu1.process_cpu_s - cpu0.process_cpu_s) / (wall * c.cpus);
    if (cpu0.process_wait_s && cpu1.process_wait_s) {
      c.process_waiting = std::max(0.0, *cpu1.process_wait_s - *cpu0.process_wait_s) / (wall * c.cpus);
    }
    state->result.client_cpu = c;
  }
  return std::move(state->result);
}

}  // namespace lmbench::load
