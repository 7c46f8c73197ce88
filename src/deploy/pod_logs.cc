#include "deploy/pod_logs.h"

#include "core/files.h"
#include "deploy/baseline.h"
#include "deploy/tool_runner.h"

namespace lmbench::deploy {

core::Result<std::vector<std::filesystem::path>> save_pod_logs(const PodLogsRequest& request, const core::Clock& clock) {
  const KubeTarget& t = request.target;
  auto listed = run_tool_checked({.argv = kubectl_get_pods_args(t, request.selector), .env = t.env, .timeout = request.call_timeout, .interruptible = false},
                                 clock, "kubectl", request.secret);
  if (!listed) return listed.error();
  std::vector<std::filesystem::path> written;
  for (const auto& pod : parse_pod_names(*listed)) {
    std::string text;
    const std::vector<std::vector<std::string>> calls = {kubectl_logs_args(t, pod, false), kubectl_logs_args(t, pod, true),
                                                         kubectl_describe_pod_args(t, pod)};
    for (const auto& argv : calls) {
      // Each section is headed by its command line so a reader knows which output is which.
      text += "=== " + format_argv(argv) + " ===\n";
      // Not interruptible: after a Ctrl-C the suite still saves the logs of what finished.
      auto r = run_tool({.argv = argv, .env = t.env, .timeout = request.call_timeout, .interruptible = false}, clock);
      if (!r) {
        text += "(" + r.error().message + ")\n";
        continue;
      }
      text += request.secret ? redact(std::move(r->output), *request.secret) : r->output;
      if (!text.empty() && text.back() != '\n') text += '\n';
      if (r->exit_code != 0) text += "(exit code " + std::to_string(r->exit_code) + ")\n";
    }
    const auto path = log_file_path(request.dir, pod, request.tag);
    try {
      core::write_file_atomic(path, text);
    } catch (const std::exception& e) {
      return core::Error{"logs", e.what()};
    }
    written.push_back(path);
  }
  return written;
}

}  // namespace lmbench::deploy
