#include "fleet/coordinator.h"

#include <fmt/format.h>

#include <thread>

#include "core/process.h"
#include "fleet/kubernetes.h"
#include "fleet/session.h"

namespace lmbench::fleet {

namespace {

using namespace std::chrono_literals;

// Placement `local`: the workers are this process's children.
class ChildWorkers final : public WorkerProcesses {
 public:
  // Each ChildProcess ends its group when destroyed: no worker outlives this object.
  explicit ChildWorkers(std::vector<core::ChildProcess> children) : children_(std::move(children)) {}
  std::optional<int> exited(int index) override { return child(index).poll(); }
  void kill(int index) override { child(index).terminate(1s); }
  int reap(int index) override {
    // A worker exits right after its last message: give it a moment, then make sure it is gone.
    std::optional<int> status;
    for (int i = 0; i < 100 && !(status = child(index).poll()); ++i) std::this_thread::sleep_for(10ms);
    return status ? *status : child(index).terminate(1s);
  }

 private:
  core::ChildProcess& child(int index) { return children_.at(static_cast<std::size_t>(index)); }
  std::vector<core::ChildProcess> children_;
};

}  // namespace

FleetRun run_fleet_local(const Job& job, const FleetOptions& options) {
  if (options.workers < 1) throw core::ConfigError(fmt::format("workers: expected a positive number, found {}", options.workers));
  auto listener = Listener::listen("127.0.0.1", 0);
  if (!listener) throw core::ConfigError("workers: " + listener.error().message);
  std::vector<core::ChildProcess> children;
  for (int k = 0; k < options.workers; ++k) {
    core::ProcessSpec spec;
    spec.argv = {options.executable.string(), "worker", "--coordinator", fmt::format("127.0.0.1:{}", listener->port()),
                 "--index", std::to_string(k)};
    if (!options.api_key.empty()) spec.env.emplace_back(kApiKeyEnv, options.api_key);
    if (!options.log_dir.empty()) spec.log_file = options.log_dir / fmt::format("worker-{}.log", k);
    auto child = core::ChildProcess::spawn(spec);
    if (!child) {
      ChildWorkers started(std::move(children));  // ends those already started
      throw core::ConfigError(fmt::format("workers: cannot start worker {}: {}", k, child.error().message));
    }
    children.push_back(std::move(*child));
  }
  ChildWorkers workers(std::move(children));
  FleetRun run = coordinate(job, options, *listener, &workers);
  run.placement = "local";
  return run;
}

FleetRun run_fleet(const Job& job, const FleetOptions& options, const core::Clock& clock) {
  if (options.kubernetes) return run_fleet_kubernetes(job, options, clock);
  return run_fleet_local(job, options);
}

nlohmann::ordered_json workers_json(const FleetRun& run) {
  nlohmann::ordered_json j;
  j["count"] = run.workers.size();
  j["placement"] = run.placement;
  j["start_skew_ms"] = run.start_skew_ms ? nlohmann::ordered_json(*run.start_skew_ms) : nlohmann::ordered_json(nullptr);
  if (!run.partial.empty()) j["partial"] = run.partial;
  auto value = [](const std::optional<double>& v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr); };
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& w : run.workers) {
    nlohmann::ordered_json e;
    e["index"] = w.index;
    e["status"] = w.ok ? "ok" : "failed";
    if (!w.ok) e["error"] = w.error;
    e["requests"] = w.requests;
    e["failures"] = w.failures;
    e["scheduling_lag_p99_ms"] = value(w.scheduling_lag_p99_ms);
    e["cpu_s"] = value(w.cpu_s);
    e["peak_rss_mib"] = value(w.peak_rss_mib);
    e["clock_offset_ms"] = w.clock_offset_ms;
    e["offset_uncertainty_ms"] = w.offset_uncertainty_ms;
    e["started_late_ms"] = value(w.started_late_ms);
    if (!w.node.empty()) e["node"] = w.node;
    list.push_back(std::move(e));
  }
  j["workers"] = std::move(list);
  return j;
}

std::string format_workers(const FleetRun& run) {
  auto num = [](const std::optional<double>& v, const char* f) { return v ? fmt::format(fmt::runtime(f), *v) : std::string("-"); };
  std::string out = fmt::format("workers: {} (start skew {} ms){}\n", run.workers.size(), num(run.start_skew_ms, "{:.3f}"),
                                run.partial.empty() ? "" : " — partial: " + run.partial);
  out += fmt::format("  {:>6} {:>6} {:>9} {:>8} {:>13} {:>7} {:>9} {:>12}\n", "worker", "status", "requests", "failures",
                     "lag p99 (ms)", "cpu (s)", "rss (MiB)", "offset (ms)");
  for (const auto& w : run.workers) {
    out += fmt::format("  {:>6} {:>6} {:>9} {:>8} {:>13} {:>7} {:>9} {:>12}{}\n", w.index, w.ok ? "ok" : "failed", w.requests,
                       w.failures, num(w.scheduling_lag_p99_ms, "{:.3f}"), num(w.cpu_s, "{:.2f}"),
                       num(w.peak_rss_mib, "{:.0f}"), fmt::format("{:+.3f}±{:.3f}", w.clock_offset_ms, w.offset_uncertainty_ms),
                       w.node.empty() ? "" : "  on " + w.node);
  }
  return out;
}

}  // namespace lmbench::fleet
