#pragma once
// Kubernetes baseline (the original's Direct-ProductionStack; Location Kubernetes, LocalMinikube
// or LMCacheGKE): plain manifests applied with kubectl to the current (or a given) context.
//
// up():   [HF token] kubectl delete secret --ignore-not-found, kubectl create secret generic
//         --from-env-file=/dev/stdin (the token on stdin only)
//         for each PersistentVolumeClaim the pods mount that the manifest does not define:
//           kubectl get persistentvolumeclaim <name> --ignore-not-found -o name, and when it
//           is missing, kubectl apply -f - (a claim of claim_size on the default StorageClass)
//         kubectl apply -f <manifest>
//         kubectl rollout status <each Deployment/StatefulSet/DaemonSet of the manifest>
//         (kubectl wait --for=condition=Ready pod when the manifest has none)
//         kubectl port-forward svc/<service> <local>:<port>, until the local port accepts
//         [server metrics, deploy/engine_pods.h] kubectl get pods -l <selector> -o json (each
//           pod selector) and kubectl port-forward pod/<pod> <free port>:<API port> per Running
//           engine pod; pods the Service selects are its router (read through the base URL),
//           unless it selects every pod found. A failure here is a notice, never a failed up().
// down(): stop the port-forwards, kubectl delete -f <manifest>, delete the Secret. Claims created
//         by up() are kept: they hold the downloaded weights for the next run.

#include <filesystem>
#include <optional>
#include <string>

#include "core/clock.h"
#include "deploy/baseline.h"
#include "deploy/engine_pods.h"
#include "deploy/kubectl.h"
#include "deploy/port_forward.h"

namespace lmbench::deploy {

struct KubernetesOptions {
  std::filesystem::path manifest;  // kubernetesConfigSelection, resolved
  std::string model;               // modelURL
  KubeTarget target;
  std::optional<Secret> hf_token;  // becomes the Secret below; the manifest references it
  TokenSecret token_secret;
  std::string service = "vllm-router-service";  // what the port-forward reaches
  int service_port = 80;
  int local_port = 30080;
  // Pods whose logs are saved (and waited for when the manifest has no workloads), and among
  // which the engines whose /metrics are read are found; "" = those its workloads select (their
  // spec.selector.matchLabels), or every pod when it has none.
  std::string pod_selector;
  std::string claim_size = "50Gi";  // of a claim up() creates (Llama 3.1 8B's weights are 16 GB)
  std::filesystem::path port_forward_log;  // empty: a temporary file, removed by down()
  core::Duration ready_timeout = std::chrono::minutes(20);  // all rollouts together
  core::Duration port_forward_timeout = std::chrono::seconds(30);
  core::Duration call_timeout = std::chrono::minutes(2);    // apply, secret, logs, one call each
  core::Duration delete_timeout = std::chrono::minutes(5);
};

class KubernetesBaseline final : public Baseline {
 public:
  // `clock` measures every timeout; it must outlive this object.
  KubernetesBaseline(KubernetesOptions options, const core::Clock& clock);
  ~KubernetesBaseline() override;
  KubernetesBaseline(const KubernetesBaseline&) = delete;
  KubernetesBaseline& operator=(const KubernetesBaseline&) = delete;

  std::string_view kind() const override { return "Kubernetes"; }
  core::Result<ServingEndpoint> up() override;
  std::optional<core::Error> failure() override;
  core::Result<std::vector<std::filesystem::path>> logs(const std::filesystem::path& dir, std::string_view tag) override;
  std::optional<core::Error> down() override;

  // The port-forward's pid while it runs; for diagnostics and tests.
  std::optional<pid_t> port_forward_pid() const;
  // The engine pods' port-forwards' pids while they run (server metrics).
  std::vector<pid_t> engine_port_forward_pids() const { return engine_metrics_.pids(); }

 private:
  // Teardown calls pass interruptible = false (see ToolCall).
  core::Result<std::string> kubectl(std::vector<std::string> argv, core::Duration timeout, bool interruptible = true);

  KubernetesOptions options_;
  const core::Clock& clock_;
  bool temporary_log_ = false;
  // What up() got as far as creating, so down() removes exactly that.
  bool secret_created_ = false;
  bool applied_ = false;
  std::vector<std::string> log_selectors_;  // from the manifest, once up() has read it
  std::optional<PortForward> port_forward_;
  EngineMetrics engine_metrics_;
};

}  // namespace lmbench::deploy
