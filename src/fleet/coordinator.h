#pragma once
// The coordinator of a fleet run: one workload run sent by N worker processes (fleet/worker.h),
// each with its shard (workloads/shard.h), merged exactly into the one run it stands for.
//
// Steps: listen; start the workers; give each its Job; measure each worker's clock offset (the
// probe with the smallest round trip of several; its half round trip is the offset's
// uncertainty); choose one start instant a little ahead and send it to each worker on its own
// clock; collect every record as it comes; merge the records (metrics::merge_records) onto the
// coordinator's timeline. A worker that dies or is cut off fails its shard: its records up to
// then are kept and the run says why it is partial; the other shards finish. Ctrl-C
// (core::stop_requested) stops every worker.
//
// Placements (where the workers run):
//  * `local`: child processes of this one (run_fleet_local); no worker outlives the call.
//  * `kubernetes`: pods of an Indexed Job in the baseline's cluster, with the coordinator in a
//    pod of its own (`lmbench coordinate`); this process applies the manifests, fetches the
//    merged run and deletes everything it created (fleet/kubernetes.h).
// Everything from "accept N workers" to the merge is one core (fleet/session.h) that both use.

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "fleet/job.h"
#include "fleet/kube_manifest.h"
#include "load/runner.h"

namespace lmbench::fleet {

struct FleetOptions {
  int workers = 2;
  // Placement `local`: this executable, run as `<executable> worker --coordinator ... --index K`.
  std::filesystem::path executable;
  std::filesystem::path log_dir;  // each worker's stderr goes to worker-K.log here; "": nowhere
  std::string api_key;            // given to every worker in its environment (fleet::kApiKeyEnv)
  std::chrono::milliseconds ready_timeout{120'000};  // from start to every worker ready
  int clock_probes = 8;
  std::chrono::milliseconds start_margin{100};  // between the last probe and the start instant
  // After a stop (Ctrl-C), how long workers get to send what they have before they are killed.
  std::chrono::milliseconds stop_grace{30'000};
  // Set: placement `kubernetes` (run_fleet), the workers in the baseline's cluster; the fields
  // above that concern child processes (executable, log_dir) are then unused.
  std::optional<KubernetesPlacement> kubernetes;
};

struct WorkerReport {
  int index = 0;
  bool ok = false;
  std::string error;  // when !ok: why its shard failed
  std::size_t requests = 0;
  std::size_t failures = 0;
  std::optional<double> scheduling_lag_p99_ms;  // wall time
  std::optional<double> cpu_s;
  std::optional<double> peak_rss_mib;
  double clock_offset_ms = 0;       // worker clock - coordinator clock
  double offset_uncertainty_ms = 0; // half the best probe's round trip
  std::optional<double> started_late_ms;  // how late its run began after the common instant (wall)
  std::optional<metrics::ClientCpu> client_cpu;
  core::Duration loop_stall_max{0};
  std::string reason;  // its runner's stop reason
  std::string node;    // where it ran, when it said so (a worker pod's node); "" on this machine
};

struct FleetRun {
  load::RunResult run;  // merged: records of every worker, times on the coordinator's timeline
  std::vector<WorkerReport> workers;
  std::optional<double> start_skew_ms;  // latest minus earliest actual start among workers (wall)
  std::string partial;                  // non-empty: a shard failed, and why
  std::string placement = "local";      // "local" | "kubernetes"
  // The run's start on the coordinator's wall clock: launch_wall of a record is this plus its
  // actual send since run.start.
  std::chrono::system_clock::time_point wall_start{};
  // What the placement wants the user to hear of besides the run (a teardown that failed).
  std::vector<std::string> notes;
};

// Placement `local`. Throws core::ConfigError when the workers cannot run the job (every worker
// says the same, e.g. a missing data file) or cannot be started; a worker failing mid-run is in
// the result, not thrown.
FleetRun run_fleet_local(const Job& job, const FleetOptions& options);

// The run on the placement `options` names: run_fleet_kubernetes (fleet/kubernetes.h) when
// options.kubernetes is set, run_fleet_local otherwise. `clock` measures the kubernetes
// placement's timeouts.
FleetRun run_fleet(const Job& job, const FleetOptions& options, const core::Clock& clock);

// The run JSON's "workers" block.
nlohmann::ordered_json workers_json(const FleetRun& run);
// The same for the terminal: a line per worker.
std::string format_workers(const FleetRun& run);

}  // namespace lmbench::fleet
