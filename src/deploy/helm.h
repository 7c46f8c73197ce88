#pragma once
// Helm baseline: the original's Helm-ProductionStack (the vLLM production-stack chart) and
// LLM-D (the llm-d chart).
//
// up():   helm repo add <repo> <url> --force-update
//         [token Secret, LLM-D] kubectl delete secret / create secret --from-env-file=/dev/stdin
//         helm upgrade --install <release> <chart> -f <values> [-f -] --wait --timeout <t>
//           ("-f -": the values file with <YOUR_HF_TOKEN> replaced, on stdin only)
//         kubectl port-forward svc/<service> <local>:<port>, until the local port accepts
// down(): stop the port-forward, helm uninstall <release> --wait, delete the Secret.

#include <filesystem>
#include <optional>
#include <string>

#include "core/clock.h"
#include "deploy/baseline.h"
#include "deploy/kubectl.h"
#include "deploy/port_forward.h"

namespace lmbench::deploy {

struct HelmOptions {
  std::string helm = "helm";  // program: a path, or a name looked up on PATH
  std::string repo_name;
  std::string repo_url;
  std::string chart;           // "<repo>/<chart>"
  std::string chart_version;   // --version; "" = the newest
  std::string release;
  std::filesystem::path values_file;  // helmConfigSelection / configSelection, resolved
  std::string model;                  // modelURL
  KubeTarget target;  // context and namespace apply to helm (--kube-context, --namespace) too
  std::optional<Secret> hf_token;
  // Also put the token into this Secret before installing (charts that reference an existing
  // Secret, like llm-d). nullopt: the token reaches the chart only through <YOUR_HF_TOKEN>.
  std::optional<TokenSecret> token_secret;
  std::string service;
  int service_port = 80;
  int local_port = 30080;
  std::string pod_selector;  // pods whose logs are saved; "" = all in the namespace
  std::filesystem::path port_forward_log;  // empty: a temporary file, removed by down()
  core::Duration install_timeout = std::chrono::minutes(20);  // helm --wait --timeout
  core::Duration port_forward_timeout = std::chrono::seconds(30);
  core::Duration call_timeout = std::chrono::minutes(2);  // repo add, secrets, logs
  core::Duration uninstall_timeout = std::chrono::minutes(5);
};

// The vLLM production-stack chart (release "vllm", router Service vllm-router-service:80), as
// the original LMBench installs it; values files carry `hf_token: <YOUR_HF_TOKEN>`.
HelmOptions production_stack_helm_options();
// The llm-d chart (llm-d-deployer): the token goes into the Secret llm-d-hf-token (key
// HF_TOKEN) the chart's values reference; the inference gateway Service is port-forwarded.
HelmOptions llmd_helm_options();

std::vector<std::string> helm_repo_add_args(const HelmOptions& h);
std::vector<std::string> helm_upgrade_install_args(const HelmOptions& h, bool values_on_stdin);
std::vector<std::string> helm_uninstall_args(const HelmOptions& h);

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

 private:
  core::Result<std::string> run(std::vector<std::string> argv, const std::string& kind, core::Duration timeout,
                                std::string stdin_data = {}, bool interruptible = true);

  HelmOptions options_;
  const core::Clock& clock_;
  bool temporary_log_ = false;
  bool secret_created_ = false;
  bool installed_ = false;
  std::optional<PortForward> port_forward_;
};

}  // namespace lmbench::deploy
