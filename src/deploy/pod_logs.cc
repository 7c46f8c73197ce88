#include "deploy/pod_logs.h"

#include <algorithm>
#include <optional>

#include "core/files.h"
#include "deploy/baseline.h"
#include "deploy/tool_runner.h"

namespace lmbench::deploy {

core::Result<std::vector<std::filesystem::path>> save_pod_logs(const PodLogsRequest& request, const core::Clock& clock) {
  const KubeTarget& t = request.target;
  std::vector<std::string> pods;
  // Pod names become file names: one that is not a safe file name (kubectl's output is not ours
  // to trust, "pod/../../x" included) is skipped, and said so in the events file.
  std::string skipped;
  const std::vector<std::string> selectors = request.selectors.empty() ? std::vector<std::string>{""} : request.selectors;
  for (const auto& selector : selectors) {
    auto listed = run_tool_checked(
        {.argv = kubectl_get_pods_args(t, selector), .env = t.env, .timeout = request.call_timeout, .interruptible = false}, clock,
        "kubectl", request.secret);
    if (!listed) return listed.error();
    for (auto& pod : parse_pod_names(*listed)) {
      if (!core::is_safe_file_name(pod)) {
        skipped += "(logs of pod " + core::unsafe_file_name_message(pod) + ": not saved)\n";
        continue;
      }
      if (std::find(pods.begin(), pods.end(), pod) == pods.end()) pods.push_back(std::move(pod));
    }
  }
  std::vector<std::filesystem::path> written;
  const auto save = [&](const std::string& name, const std::string& text) -> std::optional<core::Error> {
    const auto path = log_file_path(request.dir, name, request.tag);
    try {
      core::write_file_atomic(path, text);
    } catch (const std::exception& e) {
      return core::Error{"logs", e.what()};
    }
    written.push_back(path);
    return std::nullopt;
  };
  const auto section = [&](const std::vector<std::string>& argv) {
    // Each section is headed by its command line so a reader knows which output is which.
    std::string text = "=== " + format_argv(argv) + " ===\n";
    // Not interruptible: after a Ctrl-C the suite still saves the logs of what finished.
    auto r = run_tool({.argv = argv, .env = t.env, .timeout = request.call_timeout, .interruptible = false}, clock);
    if (!r) return text + "(" + r.error().message + ")\n";
    text += request.secret ? redact(std::move(r->output), *request.secret) : r->output;
    if (text.back() != '\n') text += '\n';
    if (r->exit_code != 0) text += "(exit code " + std::to_string(r->exit_code) + ")\n";
    return text;
  };
  for (const auto& pod : pods) {
    std::string text;
    for (const auto& argv : {kubectl_logs_args(t, pod, false), kubectl_logs_args(t, pod, true), kubectl_describe_pod_args(t, pod)}) {
      text += section(argv);
    }
    if (auto e = save(pod, text)) return *e;
  }
  if (auto e = save("events", skipped + section(kubectl_get_events_args(t)))) return *e;
  return written;
}

}  // namespace lmbench::deploy
