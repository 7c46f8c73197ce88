#pragma once
// Preflight: before anything is deployed on a cluster, one screen that says whether the cluster
// can run the suite's baselines, and what to do when it cannot. `lmbench run` runs it before its
// first cluster baseline (and stops on a failure); `lmbench validate --cluster` runs only it.
//
// Checks, each a kubectl or helm query (the exact calls are pinned by tests/deploy/preflight_test.cc):
//   context     kubectl version -o json             the kube context answers (server version)
//   namespace   kubectl get namespace -o name       the namespace exists
//   nodes       kubectl get nodes -o json           schedulable nodes with nvidia.com/gpu can hold
//                                                   each baseline's pods (GPUs, CPU, memory)
//   storage     kubectl get storageclass -o json    a default StorageClass, when a config needs a claim
//   crds        kubectl get crd -o name             the CRDs a config needs (llm-d: Gateway API and
//                                                   Inference Extension)
//   helm        helm version --short, helm show chart <chart> --version <v>
//                                                   helm runs and each pinned chart is reachable
//   releases    helm status <release>               a release left by an earlier run (a warning:
//                                                   up() uninstalls it first)

#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "deploy/helm.h"
#include "deploy/kubectl.h"

namespace lmbench::deploy {

// One kind of pod a baseline runs, from its values file or manifest.
struct PodNeeds {
  std::string what;  // "engine", "router", "decode", the Deployment's name: for messages
  int replicas = 1;
  double gpus = 0;        // nvidia.com/gpu per pod
  double cpus = 0;        // cores per pod (requests)
  double memory_gib = 0;  // per pod (requests)
};

// What one baseline needs from the cluster.
struct ClusterNeeds {
  std::string key;     // the baseline's KEY, for messages
  std::string source;  // the values file or manifest these were read from
  std::vector<PodNeeds> pods;
  std::vector<std::string> claims;  // claims the cluster must provision (a default StorageClass)
  std::vector<std::string> crds;    // "inferencepools.inference.networking.k8s.io", ...
  std::vector<HelmRelease> releases;  // charts to reach; releases that must not be left over
  std::vector<HelmRepo> repos;
};

// From a production-stack values file: servingEngineSpec.modelSpec[] (replicaCount, requestGPU,
// requestCPU, requestMemory, pvcStorage) and the router. Errors: "values" (unreadable, YAML syntax
// with file:line:column).
core::Result<ClusterNeeds> production_stack_needs(const HelmOptions& helm);
// From a manifest: each Deployment/StatefulSet/DaemonSet/Pod's containers' requests (limits when
// no request) times replicas, and the claims lmbench creates for it.
core::Result<ClusterNeeds> manifest_needs(const std::filesystem::path& manifest);
// From llm-d's model service values (decode.replicas, decode.containers[].resources), plus the
// CRDs of the gateway and inference pool releases.
core::Result<ClusterNeeds> llmd_needs(const HelmOptions& helm);

// "64Gi", "100G", "512Mi", "1Ti", "651002620Ki", "1.5e9" (bytes) -> GiB; "8", "3920m" -> cores.
// nullopt when the text is no Kubernetes quantity.
std::optional<double> quantity_gib(const std::string& text);
std::optional<double> quantity_cores(const std::string& text);

struct PreflightCheck {
  enum class Status { kOk, kWarn, kFail };
  Status status = Status::kOk;
  std::string what;    // "context", "namespace", "nodes", ...
  std::string detail;  // one line
  std::string fix;     // what to do, for a warning or failure; may be ""
};

struct PreflightOptions {
  KubeTarget target;
  std::string helm = "helm";
  core::Duration call_timeout = std::chrono::seconds(30);
};

// Runs every check for these baselines (queries shared by several are made once).
std::vector<PreflightCheck> run_preflight(const std::vector<ClusterNeeds>& baselines, const PreflightOptions& options,
                                          const core::Clock& clock);
bool preflight_passed(const std::vector<PreflightCheck>& checks);
// The one screen: "Preflight (context X, namespace Y):" then one line per check,
// "  ok    ...", "  warn  ...", "  FAIL  ...", each fix indented below its line.
std::string format_preflight(const std::vector<PreflightCheck>& checks, const PreflightOptions& options);

}  // namespace lmbench::deploy
