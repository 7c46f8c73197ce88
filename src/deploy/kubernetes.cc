#include "deploy/kubernetes.h"

#include <algorithm>

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
}  // namespace

KubernetesBaseline::KubernetesBaseline(KubernetesOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock) {
  if (options_.port_forward_log.empty()) {
    options_.port_forward_log = temporary_log_path("port-forward");
    temporary_log_ = true;
  }
}

KubernetesBaseline::~KubernetesBaseline() { down(); }

core::Result<std::string> KubernetesBaseline::kubectl(std::vector<std::string> argv, core::Duration timeout,
                                                      bool interruptible) {
  return run_tool_checked({.argv = std::move(argv), .env = options_.target.env, .timeout = timeout, .interruptible = interruptible},
                          clock_, "kubectl", options_.hf_token ? &*options_.hf_token : nullptr);
}

core::Result<ServingEndpoint> KubernetesBaseline::up() {
  const auto& t = options_.target;
  const std::string manifest = options_.manifest.string();
  std::string text;
  try {
    text = core::read_file(options_.manifest);
  } catch (const std::exception& e) {
    return core::Error{"manifest", e.what()};
  }
  if (text.find(kTokenPlaceholder) != std::string::npos) {
    return core::Error{"manifest", manifest + " inlines " + std::string(kTokenPlaceholder) +
                                       "; reference the Secret instead (secretKeyRef name '" + options_.token_secret.name +
                                       "', key '" + options_.token_secret.key + "'), which lmbench creates from HF_TOKEN"};
  }
  auto facts = read_manifest(options_.manifest);
  if (!facts) return facts.error();
  const auto* targets = &facts->rollout_targets;
  log_selectors_ = options_.pod_selector.empty() ? facts->pod_selectors : std::vector<std::string>{options_.pod_selector};
  if (tcp_port_open("127.0.0.1", options_.local_port)) {
    return core::Error{"port_in_use", "port " + std::to_string(options_.local_port) +
                                          " on 127.0.0.1 is already in use; the port-forward needs it"};
  }

  if (options_.hf_token) {
    secret_created_ = true;
    if (auto e = create_token_secret(t, options_.token_secret, *options_.hf_token, options_.call_timeout, clock_)) return *e;
  }
  for (const auto& claim : facts->external_claims) {
    auto found = kubectl(kubectl_get_pvc_args(t, claim), options_.call_timeout);
    if (!found) return found.error();
    if (found->find("persistentvolumeclaim/") != std::string::npos) continue;
    auto created = run_tool_checked({.argv = kubectl_apply_stdin_args(t), .env = t.env,
                                     .stdin_data = claim_manifest(claim, options_.claim_size), .timeout = options_.call_timeout},
                                    clock_, "kubectl");
    if (!created) return created.error();
    notice("created PersistentVolumeClaim " + claim + " (" + options_.claim_size + ", default StorageClass) for " +
           options_.manifest.filename().string() + "; it is kept after the run, so the next run finds the weights");
  }
  applied_ = true;
  if (auto r = kubectl(kubectl_apply_args(t, manifest), options_.call_timeout); !r) return r.error();

  // One readiness budget for all rollouts: each call gets what is left of it.
  const auto deadline = clock_.now() + options_.ready_timeout;
  const auto remaining = [&] { return std::max<core::Duration>(deadline - clock_.now(), std::chrono::seconds(1)); };
  if (targets->empty()) {
    if (auto r = kubectl(kubectl_wait_pods_ready_args(t, options_.pod_selector, remaining()), remaining() + options_.call_timeout); !r) {
      return r.error();
    }
  }
  for (const auto& target : *targets) {
    // kubectl enforces --timeout itself; the runner's limit is only a backstop.
    if (auto r = kubectl(kubectl_rollout_status_args(t, target, remaining()), remaining() + options_.call_timeout); !r) {
      return r.error();
    }
  }

  auto forward = PortForward::start({.target = t, .service = options_.service, .service_port = options_.service_port,
                                     .local_port = options_.local_port, .log_file = options_.port_forward_log,
                                     .ready_timeout = options_.port_forward_timeout},
                                    clock_);
  if (!forward) return forward.error();
  port_forward_.emplace(std::move(*forward));
  ServingEndpoint endpoint{.base_url = local_base_url(options_.local_port), .model = options_.model,
                           .in_cluster_url = in_cluster_url(options_.service, options_.target.namespace_name, options_.service_port)};
  std::optional<Labels> service_selector;
  if (const auto it = facts->service_selectors.find(options_.service); it != facts->service_selectors.end()) {
    service_selector = it->second;
  }
  std::vector<std::string> notes;
  endpoint.metrics_targets = engine_metrics_.start({.target = t, .selectors = log_selectors_, .service_selector = service_selector,
                                                    .router_base_url = endpoint.base_url, .log_file = options_.port_forward_log,
                                                    .secret = options_.hf_token ? &*options_.hf_token : nullptr,
                                                    .call_timeout = options_.call_timeout,
                                                    .forward_timeout = options_.port_forward_timeout},
                                                   clock_, notes);
  for (auto& n : notes) notice(std::move(n));
  return endpoint;
}

std::optional<core::Error> KubernetesBaseline::failure() {
  return port_forward_ ? port_forward_->failure() : std::nullopt;
}

std::optional<pid_t> KubernetesBaseline::port_forward_pid() const {
  if (!port_forward_) return std::nullopt;
  return port_forward_->pid();
}

core::Result<std::vector<std::filesystem::path>> KubernetesBaseline::logs(const std::filesystem::path& dir, std::string_view tag) {
  return save_pod_logs({.target = options_.target, .selectors = log_selectors_, .dir = dir, .tag = std::string(tag),
                        .secret = options_.hf_token ? &*options_.hf_token : nullptr, .call_timeout = options_.call_timeout},
                       clock_);
}

std::optional<core::Error> KubernetesBaseline::down() {
  std::vector<core::Error> errors;
  engine_metrics_.stop(kStopGrace);
  if (port_forward_) {
    port_forward_->stop(kStopGrace);
    port_forward_.reset();
  }
  if (applied_) {
    if (auto r = kubectl(kubectl_delete_args(options_.target, options_.manifest.string(), options_.delete_timeout),
                         options_.delete_timeout + options_.call_timeout, false);
        !r) {
      errors.push_back(r.error());
    }
    applied_ = false;
  }
  if (secret_created_) {
    if (auto r = kubectl(kubectl_delete_secret_args(options_.target, options_.token_secret), options_.call_timeout, false); !r) {
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
