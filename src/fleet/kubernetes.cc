#include "fleet/kubernetes.h"

#include <fmt/format.h>

#include <thread>

#include "core/ids.h"
#include "core/interrupt.h"
#include "deploy/log_tail.h"
#include "deploy/tool_runner.h"
#include "fleet/fleet_run_json.h"
#include "fleet/kube_manifest.h"

namespace lmbench::fleet {

namespace {

using namespace std::chrono_literals;

constexpr const char* kStatusPath = "jsonpath={.status.phase}/{.status.containerStatuses[0].ready}";
constexpr const char* kDeleteKinds = "job,pod,service,configmap,secret";
constexpr int kStatusFailuresAllowed = 5;  // in a row: the API server may blink during a long run

// "600", "0.3": seconds for messages.
std::string seconds_text(core::Duration d) { return fmt::format("{:g}", core::to_seconds(d)); }

// The last non-empty line of a call's output (stderr is merged into it: warnings come first).
std::string last_line(const std::string& text) {
  std::size_t end = text.find_last_not_of("\r\n ");
  if (end == std::string::npos) return "";
  const std::size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
}

// One run's objects in the cluster, from apply to delete.
class ClusterRun {
 public:
  ClusterRun(const KubernetesPlacement& p, std::string run, const core::Clock& clock)
      : p_(p), run_(std::move(run)), pod_(coordinator_pod_name(run_)), clock_(clock) {}
  ~ClusterRun() { teardown(); }  // every path, an unexpected exception's too
  ClusterRun(const ClusterRun&) = delete;
  ClusterRun& operator=(const ClusterRun&) = delete;

  FleetRun run(const std::string& manifest);

  // Deletes every object of the run (once; nothing when nothing was applied). Not interruptible:
  // it must run after a Ctrl-C.
  std::optional<core::Error> teardown() {
    if (!applied_) return std::nullopt;
    applied_ = false;
    auto r = kubectl({"delete", kDeleteKinds, "-l", fleet_run_selector(run_), "--ignore-not-found", "--wait=true",
                      "--timeout=" + deploy::kube_seconds(p_.delete_timeout)},
                     p_.delete_timeout + p_.call_timeout, false);
    if (r) return std::nullopt;
    return r.error();
  }

  std::string delete_command() const {
    return deploy::format_argv(args({"delete", kDeleteKinds, "-l", fleet_run_selector(run_)}));
  }

 private:
  std::vector<std::string> args(std::initializer_list<std::string> more) const {
    auto a = deploy::kubectl_base_args(p_.target);
    a.insert(a.end(), more);
    return a;
  }
  core::Result<std::string> kubectl(std::initializer_list<std::string> more, core::Duration timeout, bool interruptible,
                                    std::string stdin_data = {}) const {
    return deploy::run_tool_checked({.argv = args(more), .env = p_.target.env, .stdin_data = std::move(stdin_data),
                                     .timeout = timeout, .interruptible = interruptible},
                                    clock_, "kubectl");
  }
  // The coordinator's last log lines, for an error message.
  std::string coordinator_log_tail() const {
    auto r = deploy::run_tool({.argv = deploy::kubectl_logs_args(p_.target, pod_, false), .env = p_.target.env,
                               .timeout = p_.call_timeout, .interruptible = false},
                              clock_);
    if (!r) return r.error().message;
    const std::string tail = deploy::text_tail(r->output, 12);
    return tail.empty() ? std::string("(no output)") : tail;
  }
  // Sleeps one poll interval, waking early for a Ctrl-C not yet passed on.
  void pause(bool stop_sent) const {
    const auto until = std::chrono::steady_clock::now() + p_.poll_interval;
    while (std::chrono::steady_clock::now() < until) {
      if (!stop_sent && core::stop_requested()) return;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(20ms, until - std::chrono::steady_clock::now()));
    }
  }

  const KubernetesPlacement& p_;
  const std::string run_;
  const std::string pod_;
  const core::Clock& clock_;
  bool applied_ = false;
};

FleetRun ClusterRun::run(const std::string& manifest) {
  applied_ = true;  // an apply that fails half-way may still have created some objects
  if (auto r = kubectl({"apply", "-f", "-"}, p_.call_timeout, true, manifest); !r) {
    if (r.error().kind == "interrupted") throw core::ConfigError("workers: interrupted before the start");
    throw core::ConfigError("workers: " + r.error().message);
  }

  // Until the coordinator has written the merged run (its pod is Ready).
  const auto applied_at = clock_.now();
  bool running = false;
  std::optional<core::TimePoint> stop_deadline;
  int failures = 0;
  for (;;) {
    if (core::stop_requested() && !stop_deadline) {
      if (!running) throw core::ConfigError("workers: interrupted before the start");
      auto r = kubectl({"exec", pod_, "-c", "coordinator", "--", "touch", kStopPath}, p_.call_timeout, false);
      if (!r) throw core::ConfigError("workers: interrupted, and the coordinator could not be asked to stop: " + r.error().message);
      stop_deadline = clock_.now() + p_.stop_grace;
    }
    // Not interruptible: a Ctrl-C during the call is passed on once it has answered, knowing
    // whether the coordinator runs (a call cut short would leave that unknown).
    auto status = kubectl({"get", "pod", pod_, "-o", kStatusPath}, p_.call_timeout, false);
    if (!status) {
      if (++failures >= kStatusFailuresAllowed) throw core::ConfigError("workers: " + status.error().message);
      pause(stop_deadline.has_value());
      continue;
    }
    failures = 0;
    const std::string line = last_line(*status);
    const auto slash = line.find('/');
    const std::string phase = line.substr(0, slash);
    const bool ready = slash != std::string::npos && line.substr(slash + 1) == "true";
    if (ready) break;
    if (phase == "Failed" || phase == "Succeeded") {
      throw core::ConfigError(fmt::format("workers: the coordinator pod {} ended ({}) without the run; its last lines:\n{}", pod_,
                                          phase, coordinator_log_tail()));
    }
    if (phase == "Running") running = true;
    if (!running && clock_.now() - applied_at > p_.start_timeout) {
      throw core::ConfigError(fmt::format(
          "workers: the coordinator pod {} did not start within {} s (status '{}': an image that cannot be pulled, or no node "
          "with room for it or matching the node selector; `kubectl get events` says which)",
          pod_, seconds_text(p_.start_timeout), line));
    }
    if (stop_deadline && clock_.now() > *stop_deadline) {
      throw core::ConfigError(fmt::format("workers: interrupted, and the coordinator did not hand over what was sent within {} s",
                                          seconds_text(p_.stop_grace)));
    }
    pause(stop_deadline.has_value());
  }

  // The run is written: fetch it whatever else is asked now (a second Ctrl-C still ends everything).
  auto text = kubectl({"exec", pod_, "-c", "coordinator", "--", "cat", kResultPath}, p_.fetch_timeout, false);
  if (!text) throw core::ConfigError("workers: cannot fetch the merged run: " + text.error().message);
  auto parsed = nlohmann::json::parse(*text, nullptr, false);
  if (parsed.is_discarded()) {
    // Whatever kubectl printed on stderr around the document.
    const auto open = text->find('{');
    const auto close = text->rfind('}');
    if (open != std::string::npos && close != std::string::npos && close > open) {
      parsed = nlohmann::json::parse(text->substr(open, close + 1 - open), nullptr, false);
    }
  }
  if (parsed.is_discarded()) {
    throw core::ConfigError("workers: the coordinator's " + std::string(kResultPath) + " is not JSON: " + deploy::text_tail(*text, 3));
  }
  auto run = fleet_run_from_json(parsed, clock_.now());
  if (!run) throw core::ConfigError("workers: " + run.error().message);
  if (core::stop_requested()) run->run.reason = load::StopReason::kInterrupted;
  return std::move(*run);
}

}  // namespace

std::string new_fleet_run_name() { return fmt::format("lmbench-fleet-{:08x}", core::random_u32()); }

FleetRun run_fleet_kubernetes(const Job& job, const FleetOptions& options, const core::Clock& clock) {
  if (!options.kubernetes) throw core::ConfigError("workers: placement kubernetes without its settings");
  const KubernetesPlacement& p = *options.kubernetes;
  if (options.workers < 1) throw core::ConfigError(fmt::format("workers: expected a positive number, found {}", options.workers));
  if (p.base_url.empty()) {
    throw core::ConfigError(
        "placement kubernetes: the workers send to the baseline's Service from inside its cluster, and this baseline has no "
        "Service there; only Kubernetes (Direct-ProductionStack) and Helm (Helm-ProductionStack, LLM-D) baselines can be "
        "measured from the cluster (use placement local for the others)");
  }
  const std::string name = p.run_name.empty() ? new_fleet_run_name() : p.run_name;
  if (auto e = check_run_name(name)) throw core::ConfigError(e->message);
  const std::string manifest = fleet_manifests(p, name, cluster_job(job, p), options.workers, options.api_key).dump(2) + "\n";

  ClusterRun cluster(p, name, clock);
  std::optional<FleetRun> result;
  std::string failure;
  try {
    result = cluster.run(manifest);
  } catch (const core::ConfigError& e) {
    failure = e.what();
  }
  const auto left = cluster.teardown();
  const std::string left_note =
      left ? fmt::format("the fleet run's objects may be left in the cluster ({}); delete them with: {}", left->message,
                         cluster.delete_command())
           : std::string();
  if (!result) throw core::ConfigError(left ? failure + "\n" + left_note : failure);
  if (left) result->notes.push_back(left_note);
  result->placement = "kubernetes";
  return std::move(*result);
}

}  // namespace lmbench::fleet
