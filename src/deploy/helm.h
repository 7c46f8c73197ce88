#pragma once
// Helm baseline: the original's Helm-ProductionStack (the vLLM production-stack chart, one
// release) and LLM-D (llm-d's inference-scheduling path: three releases, gateway, inference
// pool and model service).
//
// up():   helm repo add <repo> <url> --force-update                         (each repo)
//         helm status <release>: a release left by an earlier run is uninstalled first (a new
//           install onto it would surge pods that cannot get GPUs), with a notice
//         [token Secret, LLM-D] kubectl delete secret / create secret --from-env-file=/dev/stdin
//         helm upgrade --install <release> <chart> -f <values> [-f -] --version <v> --wait
//           --timeout <t>                                                   (each release, in order)
//           ("-f -": the values file with <YOUR_HF_TOKEN> replaced, on stdin only)
//         kubectl port-forward svc/<service> <local>:<port>, until the local port accepts
//         [server metrics, deploy/engine_pods.h] kubectl get pods -l <engine_selector> -o json and
//           kubectl port-forward pod/<pod> <free port>:<API port> per Running engine pod; the
//           router is read through the base URL. A failure here is a notice, never a failed up().
// down(): stop the port-forwards, helm uninstall <release> --wait (each, in reverse order),
//         delete the Secret.

#include <filesystem>
#include <optional>
#include <string>

#include "core/clock.h"
#include "deploy/baseline.h"
#include "deploy/engine_pods.h"
#include "deploy/kubectl.h"
#include "deploy/port_forward.h"

namespace lmbench::deploy {

struct HelmRepo {
  std::string name;
  std::string url;
};

struct HelmRelease {
  std::string name;
  std::string chart;    // "<repo>/<chart>", or an oci:// reference
  std::string version;  // --version: pinned (2-serving-engines/README.md, "Versions"); "" = the newest
  std::filesystem::path values_file;
};

struct HelmOptions {
  std::string helm = "helm";  // program: a path, or a name looked up on PATH
  std::vector<HelmRepo> repos;
  std::vector<HelmRelease> releases;  // installed in this order, uninstalled in reverse
  std::string model;                  // modelURL
  KubeTarget target;  // context and namespace apply to helm (--kube-context, --namespace) too
  std::optional<Secret> hf_token;
  // Also put the token into this Secret before installing (charts that reference an existing
  // Secret, like llm-d). nullopt: the token reaches the chart only through <YOUR_HF_TOKEN>.
  std::optional<TokenSecret> token_secret;
  std::string service;
  int service_port = 80;
  int local_port = 30080;
  // Label selectors of the pods whose logs are saved (a pod matching several is saved once);
  // empty = every pod in the namespace.
  std::vector<std::string> pod_selectors;
  // The engine pods whose /metrics are read during each run (the chart's serving-engine label,
  // which its router's pods do not carry); "" = none, only the router's page behind the base URL.
  std::string engine_selector;
  std::filesystem::path port_forward_log;  // empty: a temporary file, removed by down()
  core::Duration install_timeout = std::chrono::minutes(20);  // helm --wait --timeout, per release
  core::Duration port_forward_timeout = std::chrono::seconds(30);
  core::Duration call_timeout = std::chrono::minutes(2);  // repo add, status, secrets, logs
  core::Duration uninstall_timeout = std::chrono::minutes(5);
};

// The vLLM production-stack chart vllm-stack 0.1.12, release "vllm" (router Service
// vllm-router-service:80), as the original LMBench installs it; values files carry
// `hf_token: <YOUR_HF_TOKEN>`. Pods: app.kubernetes.io/instance=vllm; the engines among them also
// app.kubernetes.io/component=serving-engine (the router's: component=router).
HelmOptions production_stack_helm_options(const std::filesystem::path& values_file);
// llm-d's inference-scheduling path: releases infra-lmbench (llm-d-infra v1.4.0, values
// infra-values.yaml beside `model_values`), gaie-lmbench (the inferencepool chart v1.5.0,
// gaie-values.yaml) and ms-lmbench (llm-d-modelservice v0.4.12, `model_values`). The token goes
// into the Secret llm-d-hf-token (key HF_TOKEN); the gateway's Istio Service
// infra-lmbench-inference-gateway-istio:80 is port-forwarded. Engines: the model service's pods,
// app.kubernetes.io/instance=ms-lmbench (the values file labels them).
HelmOptions llmd_helm_options(const std::filesystem::path& model_values);

std::vector<std::string> helm_repo_add_args(const HelmOptions& h, const HelmRepo& repo);
std::vector<std::string> helm_status_args(const HelmOptions& h, const HelmRelease& release);
std::vector<std::string> helm_upgrade_install_args(const HelmOptions& h, const HelmRelease& release, bool values_on_stdin);
std::vector<std::string> helm_uninstall_args(const HelmOptions& h, const HelmRelease& release);

// The values file with every <YOUR_HF_TOKEN> replaced by the token, for helm's stdin; nullopt
// when the file has no placeholder. Errors: the file asks for a token and none was given
// ("missing_token"); the token holds characters that are unsafe in a plain YAML scalar
// ("bad_token": anything but letters, digits, '_', '-', '.').
core::Result<std::optional<std::string>> values_with_token(const std::string& values_text, const std::string& file,
                                                           const std::optional<Secret>& token);

class HelmBaseline final : public Baseline {
 public:
  // `clock` measures every timeout; it must outlive this object.
  HelmBaseline(HelmOptions options, const core::Clock& clock);
  ~HelmBaseline() override;
  HelmBaseline(const HelmBaseline&) = delete;
  HelmBaseline& operator=(const HelmBaseline&) = delete;

  std::string_view kind() const override { return "Helm"; }
  core::Result<ServingEndpoint> up() override;
  std::optional<core::Error> failure() override;
  core::Result<std::vector<std::filesystem::path>> logs(const std::filesystem::path& dir, std::string_view tag) override;
  std::optional<core::Error> down() override;

  std::optional<pid_t> port_forward_pid() const;
  std::vector<pid_t> engine_port_forward_pids() const { return engine_metrics_.pids(); }

 private:
  core::Result<std::string> run(std::vector<std::string> argv, const std::string& kind, core::Duration timeout,
                                std::string stdin_data = {}, bool interruptible = true);

  HelmOptions options_;
  const core::Clock& clock_;
  bool temporary_log_ = false;
  bool secret_created_ = false;
  std::size_t installed_ = 0;  // releases up() started to install, in order
  std::optional<PortForward> port_forward_;
  EngineMetrics engine_metrics_;
};

}  // namespace lmbench::deploy
