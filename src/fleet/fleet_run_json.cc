#include "fleet/fleet_run_json.h"

#include <fmt/format.h>

#include "metrics/record_wire.h"

namespace lmbench::fleet {

namespace {

using Json = nlohmann::json;

constexpr load::StopReason kReasons[] = {load::StopReason::kWorkloadDone, load::StopReason::kTimeLimit,
                                         load::StopReason::kInterrupted, load::StopReason::kStalled,
                                         load::StopReason::kDecided};

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }


// Reads typed keys of one object; the first key that is missing or mistyped is the error.
class Reader {
 public:
  Reader(const Json& j, std::string where) : j_(j), where_(std::move(where)) {}

  template <typename T>
  T get(const char* key) {
    const auto it = j_.find(key);
    if (it == j_.end()) return fail<T>(key, "is missing");
    try {
      return it->template get<T>();
    } catch (const std::exception&) {
      return fail<T>(key, "has the wrong type");
    }
  }
  template <typename T>
  std::optional<T> maybe(const char* key) {
    const auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    return get<T>(key);
  }
  std::optional<metrics::ClientCpu> client_cpu(const char* key) {
    const auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    auto c = client_cpu_from_json(*it);
    if (!c) return fail<std::optional<metrics::ClientCpu>>(key, "has the wrong type");
    return c;
  }

  std::optional<core::Error> error;

 private:
  template <typename T>
  T fail(const char* key, const char* what) {
    if (!error) error = core::Error{"format", fmt::format("fleet run: {}{}'{}' {}", where_, where_.empty() ? "" : ".", key, what)};
    return T{};
  }

  const Json& j_;
  std::string where_;
};

}  // namespace

load::StopReason stop_reason_of(const std::string& name) {
  for (const auto r : kReasons) {
    if (name == load::to_string(r)) return r;
  }
  return load::StopReason::kWorkloadDone;
}

Json fleet_run_to_json(const FleetRun& run) {
  const core::TimePoint origin = run.run.start;
  Json j;
  j["format"] = kFleetRunFormat;
  j["placement"] = run.placement;
  j["wall_start_ns"] = std::chrono::duration_cast<std::chrono::nanoseconds>(run.wall_start.time_since_epoch()).count();
  j["send_end_ns"] = (run.run.send_end - origin).count();
  j["end_ns"] = (run.run.end - origin).count();
  j["reason"] = load::to_string(run.run.reason);
  j["loop_stall_max_ns"] = run.run.loop_stall_max.count();
  j["start_late_ns"] = run.run.start_late.count();
  j["client_cpu"] = client_cpu_json(run.run.client_cpu);
  j["client_stats"] = {{"connections_opened", run.run.client_stats.connections_opened},
                       {"connections_reused", run.run.client_stats.connections_reused},
                       {"retries", run.run.client_stats.retries}};
  j["start_skew_ms"] = optional_json(run.start_skew_ms);
  j["partial"] = run.partial;
  Json workers = Json::array();
  for (const auto& w : run.workers) {
    workers.push_back(Json{{"index", w.index},
                           {"ok", w.ok},
                           {"error", w.error},
                           {"requests", w.requests},
                           {"failures", w.failures},
                           {"scheduling_lag_p99_ms", optional_json(w.scheduling_lag_p99_ms)},
                           {"cpu_s", optional_json(w.cpu_s)},
                           {"peak_rss_mib", optional_json(w.peak_rss_mib)},
                           {"clock_offset_ms", w.clock_offset_ms},
                           {"offset_uncertainty_ms", w.offset_uncertainty_ms},
                           {"started_late_ms", optional_json(w.started_late_ms)},
                           {"client_cpu", client_cpu_json(w.client_cpu)},
                           {"loop_stall_max_ns", w.loop_stall_max.count()},
                           {"reason", w.reason},
                           {"node", w.node}});
  }
  j["workers"] = std::move(workers);
  Json records = Json::array();
  for (const auto& r : run.run.records) {
    Json wire = metrics::record_to_wire(r, origin);
    wire["worker"] = r.worker ? Json(*r.worker) : Json(nullptr);
    records.push_back(std::move(wire));
  }
  j["records"] = std::move(records);
  return j;
}

core::Result<FleetRun> fleet_run_from_json(const Json& j, core::TimePoint start) {
  if (!j.is_object()) return core::Error{"format", "fleet run: expected a JSON object"};
  if (j.value("format", "") != kFleetRunFormat) {
    return core::Error{"format", fmt::format("fleet run: 'format' must be \"{}\", found {}", kFleetRunFormat,
                                             j.contains("format") ? j["format"].dump() : "none")};
  }
  Reader in(j, "");
  FleetRun out;
  out.placement = in.get<std::string>("placement");
  out.wall_start = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(in.get<std::int64_t>("wall_start_ns"))));
  out.run.start = start;
  out.run.send_end = start + core::Duration{in.get<std::int64_t>("send_end_ns")};
  out.run.end = start + core::Duration{in.get<std::int64_t>("end_ns")};
  const auto reason = in.get<std::string>("reason");
  out.run.loop_stall_max = core::Duration{in.get<std::int64_t>("loop_stall_max_ns")};
  out.run.start_late = core::Duration{in.get<std::int64_t>("start_late_ns")};
  out.run.client_cpu = in.client_cpu("client_cpu");
  if (const auto it = j.find("client_stats"); it != j.end() && it->is_object()) {
    Reader s(*it, "client_stats");
    out.run.client_stats.connections_opened = s.get<std::uint64_t>("connections_opened");
    out.run.client_stats.connections_reused = s.get<std::uint64_t>("connections_reused");
    out.run.client_stats.retries = s.get<std::uint64_t>("retries");
    if (s.error) return *s.error;
  }
  out.start_skew_ms = in.maybe<double>("start_skew_ms");
  out.partial = in.get<std::string>("partial");
  const auto workers = in.get<Json>("workers");
  const auto records = in.get<Json>("records");
  if (in.error) return *in.error;
  bool known = false;
  for (const auto r : kReasons) {
    if (reason == load::to_string(r)) {
      out.run.reason = r;
      known = true;
    }
  }
  if (!known) return core::Error{"format", fmt::format("fleet run: 'reason' \"{}\" is not a runner's stop reason", reason)};
  if (!workers.is_array() || !records.is_array()) return core::Error{"format", "fleet run: 'workers' and 'records' must be arrays"};

  for (std::size_t i = 0; i < workers.size(); ++i) {
    Reader w(workers[i], fmt::format("workers[{}]", i));
    WorkerReport r;
    r.index = w.get<int>("index");
    r.ok = w.get<bool>("ok");
    r.error = w.get<std::string>("error");
    r.requests = w.get<std::size_t>("requests");
    r.failures = w.get<std::size_t>("failures");
    r.scheduling_lag_p99_ms = w.maybe<double>("scheduling_lag_p99_ms");
    r.cpu_s = w.maybe<double>("cpu_s");
    r.peak_rss_mib = w.maybe<double>("peak_rss_mib");
    r.clock_offset_ms = w.get<double>("clock_offset_ms");
    r.offset_uncertainty_ms = w.get<double>("offset_uncertainty_ms");
    r.started_late_ms = w.maybe<double>("started_late_ms");
    r.client_cpu = w.client_cpu("client_cpu");
    r.loop_stall_max = core::Duration{w.get<std::int64_t>("loop_stall_max_ns")};
    r.reason = w.get<std::string>("reason");
    r.node = w.get<std::string>("node");
    if (w.error) return *w.error;
    out.workers.push_back(std::move(r));
  }
  out.run.records.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto r = metrics::record_from_wire(records[i], start, out.wall_start);
    if (!r) return core::Error{"format", fmt::format("fleet run: records[{}]: {}", i, r.error().message)};
    if (const auto it = records[i].find("worker"); it != records[i].end() && it->is_number_integer()) r->worker = it->get<int>();
    out.run.records.push_back(std::move(*r));
  }
  return out;
}

Json client_cpu_json(const std::optional<metrics::ClientCpu>& c) {
  if (!c) return nullptr;
  return Json{{"thread_busy", c->thread_busy},
              {"thread_waiting", optional_json(c->thread_waiting)},
              {"process_busy", c->process_busy},
              {"process_waiting", optional_json(c->process_waiting)},
              {"cpus", c->cpus}};
}

std::optional<metrics::ClientCpu> client_cpu_from_json(const Json& j) {
  if (!j.is_object()) return std::nullopt;
  Reader r(j, "client_cpu");
  metrics::ClientCpu c;
  c.thread_busy = r.get<double>("thread_busy");
  c.thread_waiting = r.maybe<double>("thread_waiting");
  c.process_busy = r.get<double>("process_busy");
  c.process_waiting = r.maybe<double>("process_waiting");
  c.cpus = r.get<int>("cpus");
  if (r.error) return std::nullopt;
  return c;
}

}  // namespace lmbench::fleet
