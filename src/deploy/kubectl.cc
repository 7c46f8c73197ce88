#include "deploy/kubectl.h"

namespace lmbench::deploy {

namespace {
std::vector<std::string> with(std::vector<std::string> base, std::initializer_list<std::string> more) {
  base.insert(base.end(), more);
  return base;
}
}  // namespace

std::string kube_seconds(core::Duration d) {
  const auto ns = d.count();
  long long s = ns <= 0 ? 0 : (ns + 999'999'999) / 1'000'000'000;
  if (s < 1) s = 1;
  return std::to_string(s) + "s";
}

std::vector<std::string> kubectl_base_args(const KubeTarget& t) {
  std::vector<std::string> a = {t.kubectl};
  if (!t.context.empty()) a.insert(a.end(), {"--context", t.context});
  if (!t.namespace_name.empty()) a.insert(a.end(), {"--namespace", t.namespace_name});
  return a;
}

std::vector<std::string> kubectl_apply_args(const KubeTarget& t, const std::string& manifest) {
  return with(kubectl_base_args(t), {"apply", "-f", manifest});
}

std::vector<std::string> kubectl_delete_args(const KubeTarget& t, const std::string& manifest, core::Duration timeout) {
  return with(kubectl_base_args(t),
              {"delete", "-f", manifest, "--ignore-not-found", "--cascade=foreground", "--timeout=" + kube_seconds(timeout)});
}

std::vector<std::string> kubectl_rollout_status_args(const KubeTarget& t, const std::string& resource, core::Duration timeout) {
  return with(kubectl_base_args(t), {"rollout", "status", resource, "--timeout=" + kube_seconds(timeout)});
}

std::vector<std::string> kubectl_wait_pods_ready_args(const KubeTarget& t, const std::string& selector, core::Duration timeout) {
  auto a = with(kubectl_base_args(t), {"wait", "--for=condition=Ready", "pod"});
  if (selector.empty()) {
    a.emplace_back("--all");
  } else {
    a.insert(a.end(), {"-l", selector});
  }
  a.push_back("--timeout=" + kube_seconds(timeout));
  return a;
}

std::vector<std::string> kubectl_port_forward_args(const KubeTarget& t, const std::string& service, int local_port, int service_port) {
  return with(kubectl_base_args(t), {"port-forward", "--address", "127.0.0.1", "svc/" + service,
                                     std::to_string(local_port) + ":" + std::to_string(service_port)});
}

std::vector<std::string> kubectl_port_forward_pod_args(const KubeTarget& t, const std::string& pod, int local_port, int pod_port) {
  return with(kubectl_base_args(t),
              {"port-forward", "--address", "127.0.0.1", "pod/" + pod, std::to_string(local_port) + ":" + std::to_string(pod_port)});
}

std::vector<std::string> kubectl_apply_stdin_args(const KubeTarget& t) { return with(kubectl_base_args(t), {"apply", "-f", "-"}); }

std::vector<std::string> kubectl_get_pvc_args(const KubeTarget& t, const std::string& name) {
  return with(kubectl_base_args(t), {"get", "persistentvolumeclaim", name, "--ignore-not-found", "-o", "name"});
}

std::vector<std::string> kubectl_get_events_args(const KubeTarget& t) {
  return with(kubectl_base_args(t), {"get", "events", "--sort-by=.lastTimestamp"});
}

std::vector<std::string> kubectl_get_pods_args(const KubeTarget& t, const std::string& selector) {
  auto a = with(kubectl_base_args(t), {"get", "pods", "-o", "name"});
  if (!selector.empty()) a.insert(a.end(), {"-l", selector});
  return a;
}

std::vector<std::string> kubectl_get_pods_json_args(const KubeTarget& t, const std::string& selector) {
  auto a = with(kubectl_base_args(t), {"get", "pods"});
  if (!selector.empty()) a.insert(a.end(), {"-l", selector});
  a.insert(a.end(), {"-o", "json"});
  return a;
}

std::vector<std::string> kubectl_logs_args(const KubeTarget& t, const std::string& pod, bool previous) {
  auto a = with(kubectl_base_args(t), {"logs", pod, "--all-containers"});
  if (previous) a.emplace_back("--previous");
  return a;
}

std::vector<std::string> kubectl_describe_pod_args(const KubeTarget& t, const std::string& pod) {
  return with(kubectl_base_args(t), {"describe", "pod", pod});
}

std::vector<std::string> kubectl_delete_secret_args(const KubeTarget& t, const TokenSecret& s) {
  return with(kubectl_base_args(t), {"delete", "secret", s.name, "--ignore-not-found"});
}

std::vector<std::string> kubectl_create_secret_args(const KubeTarget& t, const TokenSecret& s) {
  return with(kubectl_base_args(t), {"create", "secret", "generic", s.name, "--from-env-file=/dev/stdin"});
}

core::Result<std::string> secret_env_file(const TokenSecret& s, const std::string& token) {
  if (token.empty()) return core::Error{"bad_token", "the HF token is empty"};
  for (const unsigned char c : token) {
    if (c <= ' ' || c == 0x7f) {
      return core::Error{"bad_token", "the HF token contains whitespace or control characters"};
    }
  }
  return s.key + "=" + token + "\n";
}

std::vector<std::string> parse_pod_names(const std::string& output) {
  std::vector<std::string> pods;
  std::size_t start = 0;
  while (start < output.size()) {
    auto end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string line = output.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    // Only "pod/<name>" lines: stderr is merged into the output, and warnings must not
    // become pod names.
    if (line.rfind("pod/", 0) == 0 && line.size() > 4) pods.push_back(line.substr(4));
    start = end + 1;
  }
  return pods;
}

}  // namespace lmbench::deploy
