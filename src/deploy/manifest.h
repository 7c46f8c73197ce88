#pragma once
// What lmbench reads from a Kubernetes manifest before applying it: which workloads to wait for,
// and whether the file inlines the HF token placeholder (it must reference the Secret instead).

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace lmbench::deploy {

// The placeholder of the original LMBench configs; replaced by the HF token only on stdin.
inline constexpr std::string_view kTokenPlaceholder = "<YOUR_HF_TOKEN>";

// "deployment/<name>", "statefulset/<name>" and "daemonset/<name>" for every such object of the
// (multi-document) manifest, in file order: what `kubectl rollout status` waits for. Errors:
// "manifest" (unreadable file, YAML syntax error with file:line:column).
core::Result<std::vector<std::string>> rollout_targets(const std::filesystem::path& manifest);

// What up() needs from a manifest besides the rollout targets.
struct ManifestFacts {
  std::vector<std::string> rollout_targets;  // as rollout_targets()
  // PersistentVolumeClaims the pods mount (volumes[].persistentVolumeClaim.claimName) that the
  // manifest does not itself define, sorted and unique: lmbench creates the missing ones and keeps
  // them after teardown (a model cache that `kubectl delete -f` would otherwise throw away).
  std::vector<std::string> external_claims;
  // One label selector per workload ("app=vllm,model=llama3", from spec.selector.matchLabels),
  // in file order: the pods whose logs are saved.
  std::vector<std::string> pod_selectors;
  // Each Service's spec.selector (name -> labels): which pods the port-forwarded Service reaches,
  // its router's or, for a plain Deployment behind a Service, the engines themselves.
  std::map<std::string, std::map<std::string, std::string>> service_selectors;
};
core::Result<ManifestFacts> read_manifest(const std::filesystem::path& manifest);

// A PersistentVolumeClaim of `size` (e.g. "50Gi"), ReadWriteOnce, on the default StorageClass,
// labelled app.kubernetes.io/managed-by=lmbench: the stdin of `kubectl apply -f -`.
std::string claim_manifest(const std::string& name, const std::string& size);

}  // namespace lmbench::deploy
