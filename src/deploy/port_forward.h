#pragma once
// `kubectl port-forward svc/<service> <local>:<remote>` (or pod/<pod>) as a long-lived child in
// its own process group, so the suite reaches a cluster's router (or engine) Service, or one
// engine pod's metrics, on 127.0.0.1.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/process.h"
#include "deploy/kubectl.h"

namespace lmbench::deploy {

struct PortForwardOptions {
  KubeTarget target;
  std::string service;
  int service_port = 80;  // the Service's port, or the pod's container port
  std::string pod;        // when set: forward to pod/<pod> instead of svc/<service>
  int local_port = 30080;
  std::filesystem::path log_file;  // kubectl's output (appended)
  core::Duration ready_timeout = std::chrono::seconds(30);
};

class PortForward {
 public:
  // Fails (as a value) when the local port is already taken (something else would answer the
  // benchmark), when kubectl exits before the port accepts connections (with its output), on
  // timeout, and on Ctrl-C. `clock` measures the timeout.
  static core::Result<PortForward> start(const PortForwardOptions& options, const core::Clock& clock);

  // An error once kubectl has exited (a restarted pod ends a port-forward).
  std::optional<core::Error> failure();
  // SIGTERM, then SIGKILL after `grace`, to kubectl's process group. Idempotent.
  void stop(core::Duration grace);
  pid_t pid() const { return child_.pid(); }

 private:
  PortForward(core::ChildProcess child, std::filesystem::path log_file)
      : child_(std::move(child)), log_file_(std::move(log_file)) {}
  core::ChildProcess child_;
  std::filesystem::path log_file_;
  bool stopped_ = false;
};

}  // namespace lmbench::deploy
