#pragma once
// `lmbench worker`: one shard of one workload run, sent on behalf of a coordinator
// (fleet/coordinator.h). The worker connects to the coordinator, receives its Job, builds its
// shard of the workload, answers the coordinator's clock probes, starts at the instant the
// coordinator chose (on the worker's clock: coordinator instant + measured offset), streams every
// record as it becomes final, and ends with its own figures (CPU, memory, lag). A "stop" message
// or a lost coordinator stops sending as Ctrl-C would; what was recorded is still sent.
//
// Messages (one JSON object per line, key "t" names it):
//   worker -> coordinator: hello {index, pid, node?}; ready; error {message}; pong {seq, now};
//                          rec {r: record (metrics/record_wire.h)};
//                          done {reason, started_late, send_end, end, stats}
//   coordinator -> worker: job {job (fleet/job.h)}; ping {seq}; start {at}; stop
// Times are nanoseconds: `now` and `at` on the receiver's steady clock, the others since the
// run's start on the run's clock.

#include <chrono>
#include <cstdint>
#include <string>

namespace lmbench::fleet {

struct WorkerArgs {
  std::string host;
  std::uint16_t port = 0;
  int index = 0;
  // How long to retry the connection, and to wait for each of the coordinator's messages before
  // the start (it waits for every other worker first: in a cluster, their image pulls).
  std::chrono::milliseconds connect_timeout{60'000};
  std::string node;  // where this worker runs (a pod's node), for the run's workers block; "" = not said
};

// The environment variable that names a worker pod's node (the downward API's spec.nodeName).
inline constexpr const char* kNodeNameEnv = "LMBENCH_NODE_NAME";

// Returns the process exit code: 0 after a run (whatever its requests did), 1 when the job could
// not be run (its reason went to the coordinator and to stderr), 2 when the coordinator was
// never reached.
int run_worker(const WorkerArgs& args);

}  // namespace lmbench::fleet
