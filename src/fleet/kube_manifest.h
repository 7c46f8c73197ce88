#pragma once
// The Kubernetes objects of a fleet run on placement `kubernetes`, as pure functions: the exact
// manifests are the contract the tests pin down (tests/fleet/k8s_manifest_test.cc). Nothing here
// runs kubectl (fleet/kubernetes.h does).
//
// One run <run> creates, in this order, every object labelled lmbench.io/fleet-run=<run> (so one
// `kubectl delete -l` removes them all) and app.kubernetes.io/managed-by=lmbench:
//   ConfigMap <run>-job       the Job (fleet/job.h) as job.json, mounted by the coordinator
//   Secret <run>-api-key      only when the baseline has an API key: the workers' kApiKeyEnv
//   Service <run>             headless (clusterIP None), not-ready addresses published: the
//                             workers reach the coordinator at <run>[.<ns>.svc.cluster.local]:<port>
//                             before its pod is Ready
//   Pod <run>-coordinator     `lmbench coordinate`: waits for the N workers, runs, writes the
//                             merged run to /results/run.json, and only then is Ready (its
//                             readiness probe is that file); it waits to be deleted
//   Job <run>-workers         Indexed, completions = parallelism = N, backoffLimit 0, restartPolicy
//                             Never: `lmbench worker --index-from-env JOB_COMPLETION_INDEX`,
//                             spread over nodes (Spread), its node in LMBENCH_NODE_NAME
// Both containers run as user 10001 without privileges (Pod Security "restricted").

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "deploy/kubectl.h"
#include "fleet/job.h"

namespace lmbench::fleet {

// The version `lmbench --version` prints (cli/main.cc; a test holds the two together): the tag of
// the default worker image.
inline constexpr std::string_view kVersion = "0.1.0";
// "ghcr.io/lmbench/lmbench:<kVersion>", built by the Dockerfile at the repository's root.
std::string default_worker_image();

// Kubernetes quantities by resource name: {"cpu": "1", "memory": "1Gi"}.
struct PodResources {
  std::map<std::string, std::string> requests;
  std::map<std::string, std::string> limits;
};

struct Toleration {
  std::string key;               // "" with operator Exists: every taint
  std::string op = "Equal";      // Equal | Exists
  std::string value;
  std::string effect;            // NoSchedule | PreferNoSchedule | NoExecute | "" (all)
  std::optional<std::int64_t> seconds;  // tolerationSeconds (NoExecute)
};

// How the workers are spread over the cluster's nodes.
enum class Spread {
  kHostname,   // topologySpreadConstraints over kubernetes.io/hostname, maxSkew 1, ScheduleAnyway
  kZone,       // the same over topology.kubernetes.io/zone
  kOnePerNode, // required pod anti-affinity on kubernetes.io/hostname: never two on a node
  kNone,
};
// "hostname", "zone", "one-per-node", "none".
std::string_view spread_name(Spread s);
std::optional<Spread> spread_from_name(std::string_view name);
inline constexpr const char* kSpreadNames = "hostname, zone, one-per-node, none";

// Where and how the workers run. The defaults are those of `lmbench run --placement kubernetes`.
struct KubernetesPlacement {
  deploy::KubeTarget target;  // the baseline's kubectl, context and namespace
  // Where the workers send: the baseline's Service by its in-cluster DNS name
  // (ServingEndpoint::in_cluster_url). "": no Kubernetes or Helm baseline, an error.
  std::string base_url;
  std::string image;     // "": default_worker_image()
  std::string run_name;  // the objects' name and label; "": "lmbench-fleet-<8 hex>"
  // A worker needs a CPU of its own to keep its schedule; no CPU limit, since throttling
  // would show up as the client's lag, not the server's.
  PodResources worker_resources{{{"cpu", "1"}, {"memory", "1Gi"}}, {{"memory", "4Gi"}}};
  // The coordinator holds every record of the run until it is fetched.
  PodResources coordinator_resources{{{"cpu", "500m"}, {"memory", "1Gi"}}, {{"memory", "8Gi"}}};
  std::map<std::string, std::string> node_selector;  // coordinator and workers
  std::vector<Toleration> tolerations;               // coordinator and workers
  Spread spread = Spread::kHostname;                 // workers
  int port = 7070;                                   // the coordinator's
  // The image's project folder (LMBENCH_HOME): a spec workload's data files are looked up under
  // its 3-workloads/, as they are next to run-bench.yaml on this machine.
  std::string image_root = "/opt/lmbench";
  // The coordinator's wait for every worker to connect and build its shard (image pulls,
  // scheduling); the workers wait as long for the coordinator.
  core::Duration ready_timeout = std::chrono::minutes(10);
  core::Duration start_timeout = std::chrono::minutes(10);  // the coordinator pod's Pending
  core::Duration poll_interval = std::chrono::seconds(2);   // of the coordinator pod's status
  // After Ctrl-C: how long the coordinator gets to stop the workers and write what was sent.
  core::Duration stop_grace = std::chrono::seconds(60);
  core::Duration call_timeout = std::chrono::minutes(2);   // apply, status, logs, one call each
  core::Duration fetch_timeout = std::chrono::minutes(10); // copying the merged run out
  core::Duration delete_timeout = std::chrono::minutes(2);
};

// Object names of run `run`.
std::string coordinator_pod_name(const std::string& run);  // "<run>-coordinator"
std::string workers_job_name(const std::string& run);      // "<run>-workers"
std::string job_config_map_name(const std::string& run);   // "<run>-job"
std::string api_key_secret_name(const std::string& run);   // "<run>-api-key"
// "lmbench.io/fleet-run=<run>": every object of the run.
std::string fleet_run_selector(const std::string& run);
// Where the coordinator writes the merged run in its pod, and the file that asks it to stop.
inline constexpr const char* kResultPath = "/results/run.json";
inline constexpr const char* kStopPath = "/results/stop";

// An Error (kind "config") unless `run` can name every object: a DNS-1035 label (lower-case
// letters, digits, '-'; starts with a letter) of at most 40 characters, so "<run>-coordinator"
// and the Job's pod names stay within Kubernetes' limits.
std::optional<core::Error> check_run_name(const std::string& run);

// The job as the workers in the cluster run it: they send to p.base_url, find data files under
// p.image_root and use the image's tokenizer (this machine's paths mean nothing there).
Job cluster_job(const Job& job, const KubernetesPlacement& p);

// Every object of the run (see the top of this file) as one v1 List for `kubectl apply -f -`.
// `job` as cluster_job made it; `api_key` "" = none (no Secret).
nlohmann::ordered_json fleet_manifests(const KubernetesPlacement& p, const std::string& run, const Job& job, int workers,
                                       const std::string& api_key);

}  // namespace lmbench::fleet
