#pragma once
// Saving a cluster deployment's logs after each workload run, as the original LMBench does:
// for every pod, `kubectl logs` (all containers), `kubectl logs --previous` (the container that
// crashed before, if any) and `kubectl describe pod`, into "<dir>/<pod>_<tag>.log".

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
  std::string selector;  // label selector; "" = every pod in the namespace
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
