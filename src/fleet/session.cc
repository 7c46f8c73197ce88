#include "fleet/session.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <thread>

#include "core/interrupt.h"
#include "fleet/fleet_run_json.h"
#include "metrics/record_wire.h"

namespace lmbench::fleet {

namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

template <typename T>
std::optional<T> opt(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  try {
    return it->template get<T>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct Member {
  int index = 0;
  std::optional<Channel> channel;
  std::int64_t offset_ns = 0;  // worker steady clock - ours
  std::int64_t uncertainty_ns = 0;
  std::vector<metrics::RequestRecord> records;
  WorkerReport report;
  bool done = false;  // it said "done" (written by its reader thread)
  std::optional<core::TimePoint> send_end, end;
  std::atomic<bool> over{false};  // its reader thread has returned: the fields above are final
};

// The next message from `m`, or an error naming the worker.
core::Result<Json> expect(Member& m, std::chrono::milliseconds timeout, const char* waiting_for) {
  auto r = m.channel->receive(timeout);
  if (!r) return core::Error{r.error().kind, fmt::format("worker {}: {} ({})", m.index, r.error().message, waiting_for)};
  if (!*r) return core::Error{"timeout", fmt::format("worker {}: no answer while waiting for {}", m.index, waiting_for)};
  return std::move(**r);
}

// Offset of the worker's clock against ours from the probe with the smallest round trip.
void measure_offset(Member& m, int probes) {
  std::int64_t best_rtt = std::numeric_limits<std::int64_t>::max();
  for (int seq = 0; seq < probes; ++seq) {
    const std::int64_t t0 = steady_ns();
    if (!m.channel->send(Json{{"t", "ping"}, {"seq", seq}})) throw core::ConfigError(fmt::format("worker {}: lost before the start", m.index));
    auto pong = expect(m, 10s, "a clock probe");
    if (!pong) throw core::ConfigError(pong.error().message);
    const std::int64_t t1 = steady_ns();
    const auto theirs = opt<std::int64_t>(*pong, "now");
    if (pong->value("t", "") != "pong" || !theirs) throw core::ConfigError(fmt::format("worker {}: expected a pong", m.index));
    if (t1 - t0 < best_rtt) {
      best_rtt = t1 - t0;
      m.offset_ns = *theirs - (t0 + (t1 - t0) / 2);
    }
  }
  m.uncertainty_ns = best_rtt / 2;
}

// Reads one worker's records until it is done or lost; runs on a thread of its own.
void read_worker(Member& m, core::TimePoint origin, std::chrono::system_clock::time_point wall_origin, double scale);

void collect(Member& m, core::TimePoint origin, std::chrono::system_clock::time_point wall_origin, double scale) {
  read_worker(m, origin, wall_origin, scale);
  m.over.store(true, std::memory_order_release);
}

void read_worker(Member& m, core::TimePoint origin, std::chrono::system_clock::time_point wall_origin, double scale) {
  for (;;) {
    auto r = m.channel->receive(1000ms);
    if (!r) {
      m.report.error = fmt::format("worker {} was lost after {} record(s): {}", m.index, m.records.size(), r.error().message);
      return;
    }
    if (!*r) continue;
    const Json& msg = **r;
    const auto t = msg.value("t", "");
    if (t == "rec") {
      auto rec = metrics::record_from_wire(msg["r"], origin, wall_origin);
      if (!rec) {
        m.report.error = fmt::format("worker {} sent a bad record: {}", m.index, rec.error().message);
        return;
      }
      m.records.push_back(std::move(*rec));
    } else if (t == "done") {
      m.done = true;
      m.report.ok = true;
      m.report.reason = msg.value("reason", "");
      const Json stats = msg.value("stats", Json::object());
      m.report.scheduling_lag_p99_ms = opt<double>(stats, "scheduling_lag_p99_ms");
      m.report.cpu_s = opt<double>(stats, "cpu_s");
      m.report.peak_rss_mib = opt<double>(stats, "peak_rss_mib");
      if (const auto late = opt<std::int64_t>(msg, "started_late")) m.report.started_late_ms = static_cast<double>(*late) / 1e6 / scale;
      if (const auto v = opt<std::int64_t>(msg, "send_end")) m.send_end = origin + core::Duration{*v};
      if (const auto v = opt<std::int64_t>(msg, "end")) m.end = origin + core::Duration{*v};
      m.report.loop_stall_max = core::Duration{opt<std::int64_t>(stats, "loop_stall_max_ns").value_or(0)};
      if (const auto it = stats.find("client_cpu"); it != stats.end()) m.report.client_cpu = client_cpu_from_json(*it);
      return;
    }
  }
}



// "0, 2": the indexes of the workers not connected yet.
std::string missing_workers(const std::vector<Member>& members) {
  std::string out;
  for (const auto& m : members) {
    if (!m.channel) out += (out.empty() ? "" : ", ") + std::to_string(m.index);
  }
  return out;
}

// The merged run of every member's records and report (their reader threads have returned).
FleetRun merge(std::vector<Member>& members, core::TimePoint origin, std::chrono::system_clock::time_point wall_origin) {
  FleetRun out;
  std::vector<std::vector<metrics::RequestRecord>> per_worker;
  out.run.start = origin;
  out.run.start_real = std::chrono::steady_clock::time_point(origin.time_since_epoch());  // the common instant
  out.run.send_end = origin;
  out.run.end = origin;
  out.wall_start = wall_origin;
  std::optional<double> earliest, latest;
  for (auto& m : members) {
    WorkerReport& r = m.report;
    r.requests = m.records.size();
    r.failures = static_cast<std::size_t>(std::count_if(m.records.begin(), m.records.end(), [](const auto& x) { return !x.ok(); }));
    if (!r.ok && r.error.empty()) r.error = fmt::format("worker {} did not finish", m.index);
    if (!r.ok && out.partial.empty()) out.partial = r.error;
    if (m.send_end) out.run.send_end = std::max(out.run.send_end, *m.send_end);
    if (m.end) out.run.end = std::max(out.run.end, *m.end);
    for (const auto& rec : m.records) out.run.end = std::max(out.run.end, rec.end);
    const auto reason = stop_reason_of(r.reason);
    if (reason == load::StopReason::kInterrupted || (r.ok && out.run.reason == load::StopReason::kWorkloadDone)) out.run.reason = reason;
    if (r.client_cpu && (!out.run.client_cpu || r.client_cpu->share() > out.run.client_cpu->share())) out.run.client_cpu = r.client_cpu;
    out.run.loop_stall_max = std::max(out.run.loop_stall_max, r.loop_stall_max);
    if (r.started_late_ms) {
      earliest = std::min(earliest.value_or(*r.started_late_ms), *r.started_late_ms);
      latest = std::max(latest.value_or(*r.started_late_ms), *r.started_late_ms);
    }
    per_worker.push_back(std::move(m.records));
    out.workers.push_back(std::move(r));
  }
  if (core::stop_requested()) out.run.reason = load::StopReason::kInterrupted;
  if (earliest) out.start_skew_ms = *latest - *earliest;
  out.run.records = metrics::merge_records(std::move(per_worker));
  return out;
}

}  // namespace

FleetRun coordinate(const Job& base_job, const FleetOptions& options, Listener& listener, WorkerProcesses* processes) {
  if (options.workers < 1) throw core::ConfigError(fmt::format("workers: expected a positive number, found {}", options.workers));
  std::vector<Member> members(static_cast<std::size_t>(options.workers));
  for (int k = 0; k < options.workers; ++k) {
    members[static_cast<std::size_t>(k)].index = k;
    members[static_cast<std::size_t>(k)].report.index = k;
  }

  // Every worker says hello (its index) and gets its job.
  const auto ready_deadline = std::chrono::steady_clock::now() + options.ready_timeout;
  int connected = 0;
  while (connected < options.workers) {
    if (core::stop_requested()) throw core::ConfigError("workers: interrupted before the start");
    if (processes) {
      for (auto& m : members) {
        if (m.channel) continue;
        if (const auto status = processes->exited(m.index)) {
          throw core::ConfigError(fmt::format("workers: worker {} exited with status {} before it connected", m.index, *status));
        }
      }
    }
    if (std::chrono::steady_clock::now() > ready_deadline) {
      throw core::ConfigError(fmt::format("workers: not every worker connected in time ({} of {}; missing: {})", connected,
                                          options.workers, missing_workers(members)));
    }
    auto accepted = listener.accept(200ms);
    if (!accepted) throw core::ConfigError("workers: " + accepted.error().message);
    if (!*accepted) continue;
    Channel ch = std::move(**accepted);
    auto hello = ch.receive(10s);
    if (!hello || !*hello || (**hello).value("t", "") != "hello") continue;  // not one of ours
    const int index = (**hello).value("index", -1);
    if (index < 0 || index >= options.workers || members[static_cast<std::size_t>(index)].channel) continue;
    Member& m = members[static_cast<std::size_t>(index)];
    m.channel.emplace(std::move(ch));
    m.report.node = (**hello).value("node", "");
    Job job = base_job;
    job.shard = {index, options.workers};
    m.channel->send(Json{{"t", "job"}, {"job", job_to_json(job)}});
    ++connected;
  }
  for (auto& m : members) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(ready_deadline - std::chrono::steady_clock::now());
    auto ready = expect(m, std::max(left, 1000ms), "its workload to be built");
    if (!ready) throw core::ConfigError("workers: " + ready.error().message);
    if (ready->value("t", "") == "error") throw core::ConfigError(ready->value("message", "a worker could not build its workload"));
    if (ready->value("t", "") != "ready") throw core::ConfigError(fmt::format("workers: worker {} sent no ready", m.index));
  }

  for (auto& m : members) measure_offset(m, options.clock_probes);
  const std::int64_t start_ns = steady_ns() + std::chrono::nanoseconds(options.start_margin).count();
  const core::TimePoint origin{core::Duration{start_ns}};
  const auto wall_origin = std::chrono::system_clock::now() + std::chrono::nanoseconds(start_ns - steady_ns());
  for (auto& m : members) {
    m.report.clock_offset_ms = static_cast<double>(m.offset_ns) / 1e6;
    m.report.offset_uncertainty_ms = static_cast<double>(m.uncertainty_ns) / 1e6;
    m.channel->send(Json{{"t", "start"}, {"at", start_ns + m.offset_ns}});
  }

  std::vector<std::thread> readers;
  for (auto& m : members) readers.emplace_back([&m, origin, wall_origin, &base_job] { collect(m, origin, wall_origin, base_job.time_scale); });
  const auto over = [&](Member& m) {
    return m.over.load(std::memory_order_acquire) || (processes && processes->exited(m.index).has_value());
  };
  // Wait for every shard; pass a Ctrl-C on to the workers, and end what does not stop in time.
  std::optional<std::chrono::steady_clock::time_point> stopped_at;
  for (;;) {
    if (std::all_of(members.begin(), members.end(), over)) break;
    if (core::stop_requested() && !stopped_at) {
      stopped_at = std::chrono::steady_clock::now();
      for (auto& m : members) m.channel->send(Json{{"t", "stop"}});
    }
    if (stopped_at && std::chrono::steady_clock::now() - *stopped_at > options.stop_grace) break;
    std::this_thread::sleep_for(20ms);
  }
  // A worker that exited has its last bytes in the socket: the reader drains them, then sees the
  // end of the stream. One that does not stop is ended (killed, or cut off when its process is
  // not ours), which ends its stream too.
  for (auto& m : members) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!m.over.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    if (m.over.load(std::memory_order_acquire)) continue;
    if (processes) {
      processes->kill(m.index);
    } else {
      m.channel->shutdown();
    }
  }
  for (auto& t : readers) t.join();
  if (processes) {
    for (auto& m : members) {
      const int status = processes->reap(m.index);
      if (!m.done) m.report.error += fmt::format(" (exit status {})", status);
    }
  }
  return merge(members, origin, wall_origin);
}

}  // namespace lmbench::fleet
