#pragma once
// Runs the real lmbench binary (LMBENCH_BIN, set by CMake) as a child process and captures its
// exit code, stdout and stderr. For end-to-end tests of every subcommand.

#include <string>
#include <vector>

namespace lmbench::e2e {

struct RunResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// `env` entries are "NAME=value" added to (or replacing in) the inherited environment.
RunResult run_binary(const std::string& path, const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {}, const std::string& cwd = "");
RunResult run_lmbench(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                      const std::string& cwd = "");

}  // namespace lmbench::e2e
