#pragma once
// Runs a short-lived external tool (kubectl, helm) to completion: optional data on its stdin,
// stdout and stderr captured together, a deadline, and an early stop on Ctrl-C. core::run_command
// gives a child /dev/null as stdin; secrets need a pipe instead (argv is visible in `ps`, and a
// file on disk outlives the run), hence this runner.

#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/process.h"
#include "deploy/secret.h"

namespace lmbench::deploy {

struct ToolCall {
  std::vector<std::string> argv;  // argv[0]: a path, or a name looked up on PATH
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited environment
  // Written to the child's stdin through a pipe, then the pipe is closed. May hold a secret: it
  // never touches argv or the disk.
  std::string stdin_data;
  // The child (its whole process group) is killed when this passes; the result is then an
  // Error of kind "timeout".
  core::Duration timeout = std::chrono::minutes(2);
  // False for teardown calls: they must run to the end after a Ctrl-C asked everything to stop.
  bool interruptible = true;
};

// The exit code and merged output of the call. Errors: "spawn" (cannot start), "timeout",
// "interrupted" (core::stop_requested() became true; the child was killed).
// `clock` measures the timeout; the wait itself polls every few milliseconds of real time.
core::Result<core::CommandOutput> run_tool(const ToolCall& call, const core::Clock& clock);

// "kubectl get pods -o name" as one line, for messages (secrets never appear in argv).
std::string format_argv(const std::vector<std::string>& argv);

}  // namespace lmbench::deploy

namespace lmbench::deploy {

// run_tool, with a non-zero exit turned into an Error of kind `error_kind` whose message names
// the command, its exit code and the tail of its output (with `secret` redacted, if given).
// The value is the output.
core::Result<std::string> run_tool_checked(const ToolCall& call, const core::Clock& clock, const std::string& error_kind,
                                           const Secret* secret = nullptr);

}  // namespace lmbench::deploy
