#pragma once
// Child processes: baselines started from scripts, simulated engines and routers started as
// children, kubectl/helm calls. Each child gets its own process group so that stopping it stops
// everything it started (a script's own children included).

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace lmbench::core {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH when it has no '/'
  // Added to (or replacing in) the inherited environment. Secrets go here, never into argv,
  // which `ps` shows to every user of the machine.
  std::vector<std::pair<std::string, std::string>> env;
  std::filesystem::path cwd;        // empty: inherit
  std::filesystem::path log_file;   // stdout and stderr appended here; empty: /dev/null
  bool inherit_output = false;      // true: stdout/stderr go to ours (log_file ignored)
};

class ChildProcess {
 public:
  // Starts the child in a new process group. Errors (no such program, unwritable log) are values.
  static Result<ChildProcess> spawn(const ProcessSpec& spec);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Stops the whole group (terminate with a short grace) if still running.
  ~ChildProcess();

  pid_t pid() const { return pid_; }

  // Exit status if the child has ended: the exit code, or 128 + signal. Does not block.
  std::optional<int> poll();
  // Blocks until the child ends; returns as poll() would.
  int wait();
  // SIGTERM to the process group, then SIGKILL to it after `grace` if the leader is still there.
  // Returns the exit status. Safe to call more than once.
  int terminate(Duration grace);
  // Sends `signal` to the whole process group.
  void signal_group(int signal);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// The inherited environment with `add` added (or replacing variables of the same name), as
// "NAME=value" strings for execve/posix_spawn.
std::vector<std::string> merged_environment(const std::vector<std::pair<std::string, std::string>>& add);

// An exit status from waitpid as this file reports it: the exit code, or 128 + signal.
int decode_wait_status(int status);

// Runs a command to completion, capturing stdout and stderr (merged) as a string.
struct CommandOutput {
  int exit_code = -1;
  std::string output;
};
Result<CommandOutput> run_command(const ProcessSpec& spec);

// Raises this process's soft limit on open files to its hard limit (one socket per stream: a
// load of 10,000 concurrent streams needs more than the usual default of 1,024). Children
// inherit it. Returns the soft limit now in force.
long raise_open_file_limit();

}  // namespace lmbench::core
