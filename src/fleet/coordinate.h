#pragma once
// `lmbench coordinate`: the coordinator of placement `kubernetes`, run in a pod of its own
// (fleet/kube_manifest.h). It starts nothing: the workers are pods of an Indexed Job that
// connect to it, each with its index (JOB_COMPLETION_INDEX). It reads its Job from a file (the
// run's ConfigMap), listens, waits for every worker, runs the core every placement shares
// (fleet/session.h), and writes the merged run (fleet/fleet_run_json.h) for the `lmbench run`
// that fetches it. Then it waits to be deleted: the file lives in the pod.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lmbench::fleet {

struct CoordinateArgs {
  std::filesystem::path job_file;  // a Job as job_to_json writes it (its shard is ignored)
  int workers = 1;
  std::string host = "0.0.0.0";    // an IPv4 address to listen on
  std::uint16_t port = 7070;       // 0: any free one (the "listening on" line says which)
  std::string out = "-";           // the merged run: a file (written whole, then renamed), or "-" for stdout
  // Once this file exists, the run stops as on Ctrl-C: the workers are told to stop and what they
  // sent is written (how `lmbench run` passes its Ctrl-C on into the cluster).
  std::filesystem::path stop_file;
  std::chrono::milliseconds ready_timeout{600'000};  // for every worker to connect and be ready
  // After writing `out` to a file: how long to wait for SIGTERM (the pod's deletion) before
  // exiting; nullopt: until then.
  std::optional<std::chrono::milliseconds> linger;
};

// The exit code: 0 once the run is written (failed shards are in it), 1 when it could not be run
// (the reason on stderr, where `kubectl logs` finds it).
int run_coordinate(const CoordinateArgs& args);

}  // namespace lmbench::fleet
