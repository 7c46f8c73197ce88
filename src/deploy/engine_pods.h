#pragma once
// A cluster baseline's engine pods and the port-forwards through which the suite reads each
// one's /metrics during every run (issue 18), beside its router's page behind the base URL.
// Metrics are optional: nothing here fails a baseline. A pod that cannot be listed or forwarded
// becomes a note, and the run goes on with what could be reached.
//
// After the rollout, for each engine selector: `kubectl get pods -l <selector> -o json`; every
// Running pod with a name and an IP gets `kubectl port-forward pod/<name> <free local port>:<its
// API port>`. The router is the Service the base URL is forwarded to: "<base URL>/metrics".

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "deploy/baseline.h"
#include "deploy/kubectl.h"
#include "deploy/port_forward.h"

namespace lmbench::deploy {

using Labels = std::map<std::string, std::string>;

struct PodInfo {
  std::string name;
  std::string ip;       // status.podIP
  int api_port = 8000;  // the container port serving the OpenAI API, where vLLM serves /metrics
  Labels labels;
};

// The pods of `kubectl get pods -o json` output (a List of Pods, or one Pod) that can be read:
// status.phase Running, a name and a podIP, not being deleted. Lines before the JSON (kubectl's
// warnings on the merged stderr) are skipped. A pod's API port: containerPort 8000 when one of
// its containers lists it, else the port named "http", else the first TCP port, else 8000.
// Errors (kind "pods"): no JSON object in the output, or one that is not a pod list.
core::Result<std::vector<PodInfo>> parse_pod_list(const std::string& output);

// True when every key=value of `selector` is among `labels` (an empty selector matches all).
bool labels_match(const Labels& labels, const Labels& selector);

struct EngineMetricsOptions {
  KubeTarget target;
  // Label selectors of the engine pods (a pod matching several counts once); "" = every pod.
  std::vector<std::string> selectors;
  // What the port-forwarded Service selects (its router's pods), when known: pods matching it are
  // the router, not engines, unless every pod found does (the Service fronts the engines
  // directly, as a plain vLLM Deployment's does): then they are the engines and there is no
  // router to read apart from them.
  std::optional<Labels> service_selector;
  std::string router_base_url;     // the baseline's base URL, through its own port-forward
  std::filesystem::path log_file;  // kubectl port-forward's output (appended)
  const Secret* secret = nullptr;  // redacted from error messages, when given
  core::Duration call_timeout = std::chrono::minutes(2);
  core::Duration forward_timeout = std::chrono::seconds(30);  // per pod
};

// Owns the engine pods' port-forwards from start() to stop(). Not thread-safe: the baseline's
// thread only.
class EngineMetrics {
 public:
  EngineMetrics() = default;
  ~EngineMetrics() { stop(std::chrono::seconds(2)); }
  EngineMetrics(const EngineMetrics&) = delete;
  EngineMetrics& operator=(const EngineMetrics&) = delete;

  // The pages to read, engines ("engine-<pod>", in the order found) then the router ("router");
  // empty only when the Service fronts the engines and none could be forwarded (the suite then
  // reads the base URL, one of them, as it would without this list).
  // What could not be done (no pods listed, a pod name that is not a safe name, a port-forward
  // that failed) is appended to `notes`, one line each, and so is a line saying what was found.
  std::vector<MetricsTarget> start(const EngineMetricsOptions& options, const core::Clock& clock,
                                   std::vector<std::string>& notes);
  // SIGTERM, then SIGKILL after `grace`, to every port-forward. Idempotent.
  void stop(core::Duration grace);
  // The port-forwards' pids while they run, in the order of the engine targets.
  std::vector<pid_t> pids() const;

 private:
  std::vector<PortForward> forwards_;
};

}  // namespace lmbench::deploy
