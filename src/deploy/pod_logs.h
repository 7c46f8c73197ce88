#pragma once
// Saving a cluster deployment's logs after each workload run, as the original LMBench does, and
// after a failed deploy, before it is torn down: for every pod of the deployment, `kubectl logs`
// (all containers), `kubectl logs --previous` (the container that crashed before, if any) and
// `kubectl describe pod`, into "<dir>/<pod>_<tag>.log"; and the namespace's events, oldest
// first, into "<dir>/events_<tag>.log". A pod whose name is not a safe file name
// (core::is_safe_file_name) is skipped, with a line saying so at the top of the events file.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "deploy/kubectl.h"
#include "deploy/secret.h"

namespace lmbench::deploy {

struct PodLogsRequest {
  KubeTarget target;
  // Label selectors; a pod matching several is saved once. Empty (or one "") = every pod in the
  // namespace.
  std::vector<std::string> selectors;
  std::filesystem::path dir;
  std::string tag;
  const Secret* secret = nullptr;  // redacted from everything written, when given
  core::Duration call_timeout = std::chrono::seconds(60);
};

// The files written. An error when the pods cannot be listed or a file cannot be written;
// a failing `logs` or `describe` of one pod is recorded in that pod's file instead (a pod
// without a previous container is the common case).
core::Result<std::vector<std::filesystem::path>> save_pod_logs(const PodLogsRequest& request, const core::Clock& clock);

}  // namespace lmbench::deploy
