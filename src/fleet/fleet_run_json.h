#pragma once
// A merged fleet run as JSON: what the in-cluster coordinator (`lmbench coordinate --out`) hands
// to the `lmbench run` that started it, which rebuilds the FleetRun on its own timeline and
// writes the usual artifacts from it. Every record travels whole (metrics/record_wire.h, times
// in nanoseconds since the run's start, plus the worker that sent it), so nothing is rounded.
//
//   {"format": "lmbench-fleet-run/1", "placement", "wall_start_ns", "send_end_ns", "end_ns",
//    "reason", "loop_stall_max_ns", "start_late_ns", "client_cpu", "client_stats",
//    "start_skew_ms", "partial", "workers": [every WorkerReport field], "records": [...]}

#include <nlohmann/json.hpp>

#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "fleet/coordinator.h"

namespace lmbench::fleet {

inline constexpr const char* kFleetRunFormat = "lmbench-fleet-run/1";

nlohmann::json fleet_run_to_json(const FleetRun& run);

// The inverse, with the run starting at `start` on this process's clock (every time is placed
// relative to it); launch times come from the run's own wall-clock start. Errors (kind "format")
// name the missing or mistyped key, or the record that is not one.
core::Result<FleetRun> fleet_run_from_json(const nlohmann::json& j, core::TimePoint start);

// load::to_string's names back (workload_done for a name it does not know).
load::StopReason stop_reason_of(const std::string& name);

// A worker's client CPU figures (metrics::ClientCpu) as JSON (null when none), and back: nullopt
// when absent, null or not a complete, well-typed object. The worker's `done` message and the
// merged run both carry them this way.
nlohmann::json client_cpu_json(const std::optional<metrics::ClientCpu>& cpu);
std::optional<metrics::ClientCpu> client_cpu_from_json(const nlohmann::json& j);

}  // namespace lmbench::fleet
