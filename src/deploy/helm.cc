#include "deploy/helm.h"

#include "core/files.h"
#include "deploy/cluster.h"
#include "deploy/in_cluster.h"
#include "deploy/manifest.h"
#include "deploy/net.h"
#include "deploy/pod_logs.h"
#include "deploy/tool_runner.h"

namespace lmbench::deploy {

namespace {
constexpr auto kStopGrace = std::chrono::seconds(2);

std::vector<std::string> helm_base_args(const HelmOptions& h) {
  std::vector<std::string> a = {h.helm};
  if (!h.target.context.empty()) a.insert(a.end(), {"--kube-context", h.target.context});
  if (!h.target.namespace_name.empty()) a.insert(a.end(), {"--namespace", h.target.namespace_name});
  return a;
}

bool yaml_plain_safe(const std::string& token) {
  if (token.empty()) return false;
  for (const char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

HelmOptions production_stack_helm_options(const std::filesystem::path& values_file) {
  return HelmOptions{.repos = {{"vllm", "https://vllm-project.github.io/production-stack"}},
                     .releases = {{.name = "vllm", .chart = "vllm/vllm-stack", .version = "0.1.12", .values_file = values_file}},
                     .service = "vllm-router-service",
                     .service_port = 80,
                     .pod_selectors = {"app.kubernetes.io/instance=vllm"},
                     .engine_selector = "app.kubernetes.io/component=serving-engine,app.kubernetes.io/instance=vllm"};
}

HelmOptions llmd_helm_options(const std::filesystem::path& model_values) {
  const auto dir = model_values.parent_path();
  return HelmOptions{
      .repos = {{"llm-d-infra", "https://llm-d-incubation.github.io/llm-d-infra/"},
                {"llm-d-modelservice", "https://llm-d-incubation.github.io/llm-d-modelservice/"}},
      .releases = {{.name = "infra-lmbench", .chart = "llm-d-infra/llm-d-infra", .version = "v1.4.0",
                    .values_file = dir / "infra-values.yaml"},
                   {.name = "gaie-lmbench",
                    .chart = "oci://registry.k8s.io/gateway-api-inference-extension/charts/inferencepool",
                    .version = "v1.5.0",
                    .values_file = dir / "gaie-values.yaml"},
                   {.name = "ms-lmbench", .chart = "llm-d-modelservice/llm-d-modelservice", .version = "v0.4.12",
                    .values_file = model_values}},
      .token_secret = TokenSecret{.name = "llm-d-hf-token", .key = "HF_TOKEN"},
      .service = "infra-lmbench-inference-gateway-istio",
      .service_port = 80,
      // The model server (labelled by ms values), the endpoint picker, and Istio's gateway pod.
      .pod_selectors = {"app.kubernetes.io/instance=ms-lmbench", "inferencepool=gaie-lmbench-epp",
                        "gateway.networking.k8s.io/gateway-name=infra-lmbench-inference-gateway"},
      .engine_selector = "app.kubernetes.io/instance=ms-lmbench"};
}

std::vector<std::string> helm_repo_add_args(const HelmOptions& h, const HelmRepo& repo) {
  return {h.helm, "repo", "add", repo.name, repo.url, "--force-update"};
}

std::vector<std::string> helm_status_args(const HelmOptions& h, const HelmRelease& release) {
  auto a = helm_base_args(h);
  a.insert(a.end(), {"status", release.name});
  return a;
}

std::vector<std::string> helm_upgrade_install_args(const HelmOptions& h, const HelmRelease& release, bool values_on_stdin) {
  auto a = helm_base_args(h);
  a.insert(a.end(), {"upgrade", "--install", release.name, release.chart, "-f", release.values_file.string()});
  if (values_on_stdin) a.insert(a.end(), {"-f", "-"});
  if (!release.version.empty()) a.insert(a.end(), {"--version", release.version});
  a.insert(a.end(), {"--wait", "--timeout", kube_seconds(h.install_timeout)});
  return a;
}

std::vector<std::string> helm_uninstall_args(const HelmOptions& h, const HelmRelease& release) {
  auto a = helm_base_args(h);
  a.insert(a.end(), {"uninstall", release.name, "--wait", "--timeout", kube_seconds(h.uninstall_timeout)});
  return a;
}

core::Result<std::optional<std::string>> values_with_token(const std::string& values_text, const std::string& file,
                                                           const std::optional<Secret>& token) {
  if (values_text.find(kTokenPlaceholder) == std::string::npos) return std::optional<std::string>{};
  if (!token) {
    return core::Error{"missing_token", file + " asks for a Hugging Face token (" + std::string(kTokenPlaceholder) +
                                            ") but none was given; export HF_TOKEN"};
  }
  if (!yaml_plain_safe(token->reveal())) {
    return core::Error{"bad_token", "the HF token may only contain letters, digits, '_', '-' and '.'"};
  }
  std::string out = values_text;
  for (auto pos = out.find(kTokenPlaceholder); pos != std::string::npos; pos = out.find(kTokenPlaceholder, pos)) {
    out.replace(pos, kTokenPlaceholder.size(), token->reveal());
  }
  return std::optional<std::string>{std::move(out)};
}

HelmBaseline::HelmBaseline(HelmOptions options, const core::Clock& clock) : options_(std::move(options)), clock_(clock) {
  if (options_.port_forward_log.empty()) {
    options_.port_forward_log = temporary_log_path("port-forward");
    temporary_log_ = true;
  }
}

HelmBaseline::~HelmBaseline() { down(); }

core::Result<std::string> HelmBaseline::run(std::vector<std::string> argv, const std::string& kind, core::Duration timeout,
                                            std::string stdin_data, bool interruptible) {
  return run_tool_checked({.argv = std::move(argv), .env = options_.target.env, .stdin_data = std::move(stdin_data),
                           .timeout = timeout, .interruptible = interruptible},
                          clock_, kind, options_.hf_token ? &*options_.hf_token : nullptr);
}

core::Result<ServingEndpoint> HelmBaseline::up() {
  // Every values file is read (and its token placeholder checked) before anything is called.
  std::vector<std::optional<std::string>> stdin_values;
  for (const auto& release : options_.releases) {
    std::string text;
    try {
      text = core::read_file(release.values_file);
    } catch (const std::exception& e) {
      return core::Error{"values", "release " + release.name + ": " + e.what()};
    }
    auto v = values_with_token(text, release.values_file.string(), options_.hf_token);
    if (!v) return v.error();
    stdin_values.push_back(std::move(*v));
  }
  if (options_.token_secret && !options_.hf_token) {
    return core::Error{"missing_token", options_.releases.back().chart + " needs a Hugging Face token (Secret '" +
                                            options_.token_secret->name + "'); export HF_TOKEN"};
  }
  if (tcp_port_open("127.0.0.1", options_.local_port)) {
    return core::Error{"port_in_use", "port " + std::to_string(options_.local_port) +
                                          " on 127.0.0.1 is already in use; the port-forward needs it"};
  }

  for (const auto& repo : options_.repos) {
    if (auto r = run(helm_repo_add_args(options_, repo), "helm", options_.call_timeout); !r) return r.error();
  }
  // A release an earlier run left behind (a crash, a kill -9, a teardown that timed out).
  for (auto it = options_.releases.rbegin(); it != options_.releases.rend(); ++it) {
    auto status = run_tool({.argv = helm_status_args(options_, *it), .env = options_.target.env, .timeout = options_.call_timeout},
                           clock_);
    if (!status) return status.error();
    if (status->exit_code != 0) {
      if (status->output.find("not found") != std::string::npos) continue;
      return core::Error{"helm", format_argv(helm_status_args(options_, *it)) + " failed (exit code " +
                                     std::to_string(status->exit_code) + "): " + status->output};
    }
    if (auto r = run(helm_uninstall_args(options_, *it), "helm", options_.uninstall_timeout + options_.call_timeout); !r) {
      return core::Error{"helm", "release " + it->name + " is left from an earlier run and could not be uninstalled: " +
                                     r.error().message};
    }
    notice("release " + it->name + " was left installed by an earlier run; uninstalled it before installing");
  }
  if (options_.token_secret) {
    secret_created_ = true;
    if (auto e = create_token_secret(options_.target, *options_.token_secret, *options_.hf_token, options_.call_timeout, clock_)) {
      return *e;
    }
  }
  for (std::size_t i = 0; i < options_.releases.size(); ++i) {
    installed_ = i + 1;
    // helm enforces --timeout itself; the runner's limit is only a backstop.
    if (auto r = run(helm_upgrade_install_args(options_, options_.releases[i], stdin_values[i].has_value()), "helm",
                     options_.install_timeout + options_.call_timeout, stdin_values[i].value_or(""));
        !r) {
      return r.error();
    }
  }

  auto forward = PortForward::start({.target = options_.target, .service = options_.service, .service_port = options_.service_port,
                                     .local_port = options_.local_port, .log_file = options_.port_forward_log,
                                     .ready_timeout = options_.port_forward_timeout},
                                    clock_);
  if (!forward) return forward.error();
  port_forward_.emplace(std::move(*forward));
  ServingEndpoint endpoint{.base_url = local_base_url(options_.local_port), .model = options_.model,
                           .in_cluster_url = in_cluster_url(options_.service, options_.target.namespace_name, options_.service_port)};
  if (options_.engine_selector.empty()) {
    endpoint.metrics_targets = {{.name = "router", .url = endpoint.base_url + "/metrics", .role = "router"}};
  } else {
    std::vector<std::string> notes;
    endpoint.metrics_targets = engine_metrics_.start({.target = options_.target, .selectors = {options_.engine_selector},
                                                      .router_base_url = endpoint.base_url, .log_file = options_.port_forward_log,
                                                      .secret = options_.hf_token ? &*options_.hf_token : nullptr,
                                                      .call_timeout = options_.call_timeout,
                                                      .forward_timeout = options_.port_forward_timeout},
                                                     clock_, notes);
    for (auto& n : notes) notice(std::move(n));
  }
  return endpoint;
}

std::optional<core::Error> HelmBaseline::failure() { return port_forward_ ? port_forward_->failure() : std::nullopt; }

std::optional<pid_t> HelmBaseline::port_forward_pid() const {
  if (!port_forward_) return std::nullopt;
  return port_forward_->pid();
}

core::Result<std::vector<std::filesystem::path>> HelmBaseline::logs(const std::filesystem::path& dir, std::string_view tag) {
  return save_pod_logs({.target = options_.target, .selectors = options_.pod_selectors, .dir = dir, .tag = std::string(tag),
                        .secret = options_.hf_token ? &*options_.hf_token : nullptr, .call_timeout = options_.call_timeout},
                       clock_);
}

std::optional<core::Error> HelmBaseline::down() {
  std::vector<core::Error> errors;
  engine_metrics_.stop(kStopGrace);
  if (port_forward_) {
    port_forward_->stop(kStopGrace);
    port_forward_.reset();
  }
  for (; installed_ > 0; --installed_) {
    const auto& release = options_.releases[installed_ - 1];
    auto r = run(helm_uninstall_args(options_, release), "helm", options_.uninstall_timeout + options_.call_timeout, {}, false);
    // A release that never got installed (its install failed early) is not a teardown failure.
    if (!r && r.error().message.find("not found") == std::string::npos) errors.push_back(r.error());
  }
  if (secret_created_) {
    if (auto r = run(kubectl_delete_secret_args(options_.target, *options_.token_secret), "kubectl", options_.call_timeout, {}, false);
        !r) {
      errors.push_back(r.error());
    }
    secret_created_ = false;
  }
  if (temporary_log_) {
    std::error_code ec;
    std::filesystem::remove(options_.port_forward_log, ec);
  }
  return join_errors(errors);
}

}  // namespace lmbench::deploy
