// End-to-end figures of the load engine (load::Runner + http::Client + the OpenAI stream
// parser), printed one "key: value" per line for bench/load_throughput.sh:
//
//   bench_load_runner max  --url URL [--concurrency 64] [--duration 5]
//       closed loop, `concurrency` requests always in flight: the most requests/s one runner
//       thread sustains while parsing every chunk.
//   bench_load_runner open --url URL [--rate 5000] [--duration 5] [--seed 1]
//       open loop, Poisson arrivals: achieved requests/s and scheduling lag p50/p99/max.
//   bench_load_runner hold [--streams 10000] [--rate 5000]
//       starts (in a child process) a server that opens a stream per request and never ends
//       it, opens `streams` of them and prints the runner process's peak resident memory.
//
// Every response must carry the same number of content chunks (--expect-chunks, default 16):
// a run where the parser saw fewer is reported as failed, so speed is never bought by skipping
// work.

#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/process.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "http/sse.h"
#include "load/arrival.h"
#include "load/runner.h"
#include "metrics/percentile.h"
#include "workloads/workload.h"

namespace lmbench {
namespace {

using namespace std::chrono_literals;

workloads::Request make_request(std::uint64_t id) {
  workloads::Request r;
  r.id = id;
  r.user_id = std::to_string(id % 100);
  r.api = workloads::Api::kCompletions;
  r.prompt = "Say hello";
  r.prompt_tokens = 3;
  r.max_tokens = 16;
  r.headers.emplace_back("x-user-id", r.user_id);
  return r;
}

// `concurrency` users, each sending its next request as soon as its answer arrived.
class ClosedLoop final : public workloads::Workload {
 public:
  explicit ClosedLoop(int concurrency) : concurrency_(concurrency) {}
  std::string name() const override { return "closed_loop"; }
  void start(core::TimePoint t0) override { due_.assign(static_cast<std::size_t>(concurrency_), t0); }
  std::optional<core::TimePoint> next_send_time() override {
    if (due_.empty()) return std::nullopt;
    return due_.front();
  }
  workloads::Request take(core::TimePoint) override {
    workloads::Request r = make_request(next_id_++);
    r.intended_send = due_.front();
    due_.pop_front();
    return r;
  }
  void on_response(const workloads::Response&, core::TimePoint now) override { due_.push_back(now); }
  bool finished() const override { return false; }

 private:
  int concurrency_;
  std::deque<core::TimePoint> due_;
  std::uint64_t next_id_ = 0;
};

// Open loop: arrivals from an arrival process, optionally at most `limit` requests.
class OpenLoop final : public workloads::Workload {
 public:
  OpenLoop(std::unique_ptr<load::ArrivalProcess> arrivals, std::uint64_t limit)
      : arrivals_(std::move(arrivals)), limit_(limit) {}
  std::string name() const override { return "open_loop"; }
  void start(core::TimePoint t0) override { next_ = t0 + arrivals_->next_gap(); }
  std::optional<core::TimePoint> next_send_time() override {
    if (finished()) return std::nullopt;
    return next_;
  }
  workloads::Request take(core::TimePoint) override {
    workloads::Request r = make_request(taken_++);
    r.intended_send = next_;
    next_ += arrivals_->next_gap();
    return r;
  }
  void on_response(const workloads::Response&, core::TimePoint) override {}
  bool finished() const override { return limit_ > 0 && taken_ >= limit_; }

 private:
  std::unique_ptr<load::ArrivalProcess> arrivals_;
  std::uint64_t limit_;
  std::uint64_t taken_ = 0;
  core::TimePoint next_{};
};

struct Args {
  std::string mode;
  std::string url;
  int concurrency = 64;
  double duration_s = 5;
  double rate = 5000;
  int streams = 10000;
  int expect_chunks = 16;
  std::uint64_t seed = 1;
};

Args parse_args(int argc, char** argv) {
  Args a;
  if (argc < 2) throw std::runtime_error("usage: bench_load_runner max|open|hold [--url URL] [options]");
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--url") a.url = v;
    else if (k == "--concurrency") a.concurrency = std::stoi(v);
    else if (k == "--duration") a.duration_s = std::stod(v);
    else if (k == "--rate") a.rate = std::stod(v);
    else if (k == "--streams") a.streams = std::stoi(v);
    else if (k == "--expect-chunks") a.expect_chunks = std::stoi(v);
    else if (k == "--seed") a.seed = std::stoull(v);
    else throw std::runtime_error("unknown option " + k);
  }
  return a;
}

// Resident set size now and at its peak, in MiB, from /proc/self/status.
std::pair<double, double> rss_mib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  double rss = 0, hwm = 0;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::stod(line.substr(6)) / 1024.0;
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::stod(line.substr(6)) / 1024.0;
  }
  return {rss, hwm};
}

// CPU seconds (user + system) this process used so far.
double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The share of one core this process got over `wall_s`: on a machine shared with other work the
// figures above are capped by it, so it is printed beside them.
void print_cpu(double cpu_s, double wall_s, std::size_t requests) {
  fmt::print("cpu_seconds: {:.2f}\ncpu_share_of_one_core: {:.0f}%\ncpu_us_per_request: {:.1f}\n"
             "requests_per_cpu_second: {:.0f}\n",
             cpu_s, 100 * cpu_s / wall_s, 1e6 * cpu_s / static_cast<double>(std::max<std::size_t>(requests, 1)),
             static_cast<double>(requests) / cpu_s);
}

struct Counts {
  std::size_t ok = 0, failed = 0, cancelled = 0, short_streams = 0;
  std::map<std::string, std::size_t> errors;
};

Counts count(const load::RunResult& r, int expect_chunks) {
  Counts c;
  for (const auto& rec : r.records) {
    if (rec.ok()) {
      ++c.ok;
      if (static_cast<int>(rec.chunk_times.size()) != expect_chunks) ++c.short_streams;
    } else if (rec.outcome == metrics::Outcome::kCancelled) {
      ++c.cancelled;
    } else {
      ++c.failed;
      ++c.errors[rec.error_kind];
    }
  }
  return c;
}

void print_counts(const Counts& c) {
  fmt::print("ok: {}\nfailed: {}\ncancelled: {}\nwrong_chunk_count: {}\n", c.ok, c.failed, c.cancelled,
             c.short_streams);
  for (const auto& [k, n] : c.errors) fmt::print("error_{}: {}\n", k, n);
}

load::RunnerOptions runner_options(const std::string& url, double duration_s) {
  load::RunnerOptions o;
  auto parsed = http::Url::parse(url);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  o.base_url = *parsed;
  o.model = "m";
  o.time_limit = core::from_seconds(duration_s);
  o.drain_timeout = 10s;
  o.client.connect_timeout = 10s;
  return o;
}

int run_max(const Args& a) {
  core::SteadyClock clock;
  http::EventLoop loop;
  load::Runner runner(loop, clock, runner_options(a.url, a.duration_s));
  ClosedLoop w(a.concurrency);
  const double cpu0 = cpu_seconds();
  const load::RunResult r = runner.run(w);
  const double cpu = cpu_seconds() - cpu0;
  const Counts c = count(r, a.expect_chunks);
  const double secs = core::to_seconds(r.send_end - r.start);
  std::size_t done_in_window = 0;
  for (const auto& rec : r.records) done_in_window += rec.ok() && rec.end <= r.send_end;
  fmt::print("mode: max\nconcurrency: {}\nseconds: {:.2f}\nrequests_per_s: {:.0f}\nchunks_per_s: {:.0f}\n",
             a.concurrency, secs, done_in_window / secs, done_in_window * a.expect_chunks / secs);
  print_counts(c);
  fmt::print("connections_opened: {}\n", r.client_stats.connections_opened);
  print_cpu(cpu, core::to_seconds(r.end - r.start), r.records.size());
  return c.failed == 0 && c.short_streams == 0 ? 0 : 1;
}

int run_open(const Args& a) {
  core::SteadyClock clock;
  http::EventLoop loop;
  load::Runner runner(loop, clock, runner_options(a.url, a.duration_s));
  OpenLoop w(load::make_poisson(a.rate, a.seed), 0);
  const double cpu0 = cpu_seconds();
  const load::RunResult r = runner.run(w);
  const double cpu = cpu_seconds() - cpu0;
  const Counts c = count(r, a.expect_chunks);
  std::vector<double> lag;
  lag.reserve(r.records.size());
  for (const auto& rec : r.records) lag.push_back(core::to_ms(rec.actual_send - rec.intended_send));
  const auto d = metrics::describe(lag);
  const double secs = core::to_seconds(r.send_end - r.start);
  fmt::print("mode: open (poisson)\ntarget_rate: {:.0f}\nsent_per_s: {:.0f}\ncompleted_per_s: {:.0f}\n", a.rate,
             r.records.size() / secs, c.ok / core::to_seconds(r.end - r.start));
  if (d) {
    fmt::print("lag_p50_ms: {:.3f}\nlag_p99_ms: {:.3f}\nlag_p999_ms: {:.3f}\nlag_max_ms: {:.3f}\n", d->median, d->p99,
               d->p999, d->max);
  }
  print_counts(c);
  fmt::print("connections_opened: {}\n", r.client_stats.connections_opened);
  print_cpu(cpu, core::to_seconds(r.end - r.start), r.records.size());
  return c.failed == 0 && c.short_streams == 0 ? 0 : 1;
}

// The hold server: answers each POST with one SSE chunk and keeps the stream open until killed.
[[noreturn]] void hold_server(int port_pipe) {
  http::BackgroundLoop loop;
  auto writers = std::make_shared<std::vector<std::shared_ptr<http::ResponseWriter>>>();
  http::Router router;
  router.on_stream("POST", "/v1/*", [writers](const http::ServerRequest&, std::shared_ptr<http::ResponseWriter> w) {
    w->begin_stream(200, "text/event-stream");
    w->write(http::sse_event(R"({"choices":[{"index":0,"text":" hi","finish_reason":null}]})"));
    writers->push_back(std::move(w));
  });
  http::ServerOptions so;
  so.idle_timeout = std::chrono::milliseconds(600'000);
  http::Server server(loop.context(), std::move(router), so);
  const auto port = server.listen("127.0.0.1", 0);
  const std::uint16_t p = port ? *port : 0;
  (void)!::write(port_pipe, &p, sizeof p);
  ::close(port_pipe);
  for (;;) ::pause();
}

int run_hold(const Args& a) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    hold_server(fds[1]);
  }
  ::close(fds[1]);
  std::uint16_t port = 0;
  if (::read(fds[0], &port, sizeof port) != sizeof port || port == 0) throw std::runtime_error("hold server did not start");
  ::close(fds[0]);

  const auto before = rss_mib();
  core::SteadyClock clock;
  http::EventLoop loop;
  // Send every stream at --rate (however long that takes), keep them all open for a second,
  // then cancel them.
  load::RunnerOptions o = runner_options(fmt::format("http://127.0.0.1:{}", port), 600);
  o.drain_timeout = 1s;
  o.progress_interval = 100ms;
  std::size_t max_in_flight = 0;
  double rss_at_max = 0;
  o.on_progress = [&](const load::Progress& p) {
    if (p.final) return;
    if (p.in_flight >= max_in_flight) {
      max_in_flight = p.in_flight;
      rss_at_max = rss_mib().first;
    }
  };
  load::Runner runner(loop, clock, o);
  OpenLoop w(std::make_unique<load::ConstantArrivals>(a.rate), static_cast<std::uint64_t>(a.streams));
  const load::RunResult r = runner.run(w);
  const auto after = rss_mib();
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);

  const Counts c = count(r, 1);
  fmt::print("mode: hold\nstreams_requested: {}\nmax_in_flight: {}\nrss_before_mib: {:.1f}\nrss_at_max_in_flight_mib: {:.1f}\n"
             "peak_rss_mib: {:.1f}\n",
             a.streams, max_in_flight, before.first, rss_at_max, after.second);
  fmt::print("cancelled_at_end: {}\nfailed: {}\n", c.cancelled, c.failed);
  for (const auto& [k, n] : c.errors) fmt::print("error_{}: {}\n", k, n);
  return max_in_flight == static_cast<std::size_t>(a.streams) ? 0 : 1;
}

}  // namespace
}  // namespace lmbench

int main(int argc, char** argv) {
  using namespace lmbench;
  core::raise_open_file_limit();
  try {
    const Args a = parse_args(argc, argv);
    if (a.mode == "max") return run_max(a);
    if (a.mode == "open") return run_open(a);
    if (a.mode == "hold") return run_hold(a);
    fmt::print(stderr, "unknown mode {}\n", a.mode);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_load_runner: {}\n", e.what());
    return 2;
  }
}
