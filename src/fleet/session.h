#pragma once
// The coordinator's core, shared by every placement (fleet/coordinator.h): accept the N workers
// on a listener, give each the job with its shard, probe their clocks, start them at one
// instant, collect their records and merge them into one run. Where the workers run is the
// placement's business; the core only needs their connections and, when this process owns their
// processes, a way to see and end them (WorkerProcesses).

#include <optional>

#include "fleet/channel.h"
#include "fleet/coordinator.h"

namespace lmbench::fleet {

// The worker processes, when this process owns them (placement `local`: its children). Called
// from the coordinating thread only.
class WorkerProcesses {
 public:
  virtual ~WorkerProcesses() = default;
  // Worker `index`'s exit status once its process has ended; nullopt while it runs.
  virtual std::optional<int> exited(int index) = 0;
  // Ends worker `index` now (its connection closes with it).
  virtual void kill(int index) = 0;
  // After the run: gives worker `index` a moment to exit on its own, then ends it; its status.
  virtual int reap(int index) = 0;
};

// One fleet run of options.workers workers over `listener`. Each worker says its index in its
// hello; a connection that is not a worker's, or repeats an index, is dropped. `processes`:
// the workers' processes when this process owns them, so that one exiting before it connects
// fails the run at once, one that does not stop is killed, and a lost one's exit status is
// reported; nullptr when they run elsewhere (pods of a cluster), where only the connections are
// known: a worker that does not stop is cut off instead. Throws core::ConfigError as
// run_fleet_local does; the result's placement is left for the caller to name.
FleetRun coordinate(const Job& job, const FleetOptions& options, Listener& listener, WorkerProcesses* processes);

}  // namespace lmbench::fleet
