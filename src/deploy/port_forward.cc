#include "deploy/port_forward.h"

#include <thread>

#include "core/interrupt.h"
#include "deploy/log_tail.h"
#include "deploy/net.h"
#include "deploy/tool_runner.h"

namespace lmbench::deploy {

namespace {
constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr auto kStopGrace = std::chrono::seconds(2);

std::string with_log(std::string message, const std::filesystem::path& log_file) {
  const std::string tail = log_tail(log_file);
  return tail.empty() ? message : message + ":\n" + tail;
}
}  // namespace

core::Result<PortForward> PortForward::start(const PortForwardOptions& options, const core::Clock& clock) {
  const auto argv = options.pod.empty()
                        ? kubectl_port_forward_args(options.target, options.service, options.local_port, options.service_port)
                        : kubectl_port_forward_pod_args(options.target, options.pod, options.local_port, options.service_port);
  if (tcp_port_open("127.0.0.1", options.local_port)) {
    return core::Error{"port_in_use", "cannot port-forward to 127.0.0.1:" + std::to_string(options.local_port) +
                                          ": the port is already in use (a port-forward left running?)"};
  }
  auto child = core::ChildProcess::spawn({.argv = argv, .env = options.target.env, .log_file = options.log_file});
  if (!child) return child.error();
  PortForward forward(std::move(*child), options.log_file);
  const auto deadline = clock.now() + options.ready_timeout;
  for (;;) {
    if (auto status = forward.child_.poll()) {
      forward.stop(kStopGrace);
      return core::Error{"port_forward", with_log(format_argv(argv) + " exited with status " + std::to_string(*status) +
                                                      " before 127.0.0.1:" + std::to_string(options.local_port) + " accepted connections",
                                                  options.log_file)};
    }
    if (tcp_port_open("127.0.0.1", options.local_port)) return forward;
    if (clock.now() >= deadline) {
      forward.stop(kStopGrace);
      return core::Error{"timeout", with_log(format_argv(argv) + ": 127.0.0.1:" + std::to_string(options.local_port) +
                                                 " did not accept connections within " + kube_seconds(options.ready_timeout),
                                             options.log_file)};
    }
    if (core::stop_requested()) {
      forward.stop(kStopGrace);
      return core::Error{"interrupted", "interrupted while waiting for " + format_argv(argv)};
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::optional<core::Error> PortForward::failure() {
  if (stopped_) return std::nullopt;
  if (auto status = child_.poll()) {
    return core::Error{"port_forward", with_log("kubectl port-forward (pid " + std::to_string(child_.pid()) +
                                                    ") exited with status " + std::to_string(*status),
                                                log_file_)};
  }
  return std::nullopt;
}

void PortForward::stop(core::Duration grace) {
  if (stopped_) return;
  child_.terminate(grace);
  stopped_ = true;
}

}  // namespace lmbench::deploy
