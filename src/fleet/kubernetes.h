#pragma once
// Placement `kubernetes`: the workers are pods of an Indexed Job in the baseline's namespace and
// context, sending to the baseline's Service by its in-cluster DNS name (no port-forward on the
// data path), and the coordinator runs in a pod of its own (`lmbench coordinate`). This process
// only applies the objects (fleet/kube_manifest.h), waits, fetches the merged run and deletes
// everything. The calls, in order (kubectl with the target's --context/--namespace):
//
//   kubectl apply -f -            every object of the run, one v1 List on stdin
//   kubectl get pod <run>-coordinator -o jsonpath={.status.phase}/{.status.containerStatuses[0].ready}
//                                 every poll_interval, until the pod is Ready (it has written the
//                                 merged run: its readiness probe is that file), has ended
//                                 without it, or stayed Pending past start_timeout
//   kubectl exec <run>-coordinator -c coordinator -- cat /results/run.json
//                                 the merged run (fleet/fleet_run_json.h); `exec`, not `logs`: a
//                                 kubelet rotates container logs at 10 MiB, a long run's records
//                                 are more
//   kubectl delete job,pod,service,configmap,secret -l lmbench.io/fleet-run=<run>
//       --ignore-not-found --wait=true --timeout=<delete_timeout>
//
// A coordinator pod that fails, or ends without the run: `kubectl logs <run>-coordinator
// --all-containers` (its last lines say why) before the delete, and a core::ConfigError naming
// them. Ctrl-C (core::stop_requested) during the wait: `kubectl exec <run>-coordinator -c
// coordinator -- touch /results/stop` asks the coordinator to stop the workers; it writes what
// they sent and becomes Ready within stop_grace, and the run is fetched as above and marked
// interrupted. Ctrl-C before the coordinator runs, or one it does not answer in time, is a
// core::ConfigError. The delete runs on every path (it is not interruptible); if it fails, a
// fetched run still returns, with a note saying what is left.

#include "core/clock.h"
#include "fleet/coordinator.h"

namespace lmbench::fleet {

// options.kubernetes must be set. Throws core::ConfigError: no in-cluster Service to send to
// (the baseline is not a Kubernetes or Helm one), a kubectl call that fails, a coordinator that
// fails (with its last log lines), a run it could not hand over.
FleetRun run_fleet_kubernetes(const Job& job, const FleetOptions& options, const core::Clock& clock);

// The run name `run_fleet_kubernetes` uses when the placement names none: "lmbench-fleet-<8 hex>".
std::string new_fleet_run_name();

}  // namespace lmbench::fleet
