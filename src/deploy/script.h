#pragma once
// Script baseline (the original's Flat, SGLang, RayServe and Dynamo): a launch script from
// 2-serving-engines/<kind>/ that starts a server on a local port and keeps running while it
// serves. The script runs in its own process group, so teardown (SIGTERM, then SIGKILL after a
// grace period, to the whole group) also stops every process it started.
//
// The script learns what to serve from its environment only, never from argv (which `ps`
// shows): MODEL_URL (the model), PORT (where to listen), HF_TOKEN (when given), plus `env`.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/process.h"
#include "deploy/baseline.h"

namespace lmbench::deploy {

struct ScriptOptions {
  std::filesystem::path script;   // .sh runs under bash, .py under python3, anything else directly
  std::vector<std::string> args;  // after the script; must not hold secrets
  std::string model;              // modelURL -> MODEL_URL
  int port = 30080;               // -> PORT; the endpoint is http://127.0.0.1:<port>
  std::optional<Secret> hf_token; // -> HF_TOKEN
  std::vector<std::pair<std::string, std::string>> env;  // more variables (e.g. ACCELERATOR_TYPE)
  std::filesystem::path cwd;      // empty: the script's folder
  // stdout and stderr of the script (appended): the baseline's log. Empty: a file in the
  // temporary directory, removed by down().
  std::filesystem::path log_file;
  // up() returns as soon as the port accepts connections, or after this much time with the
  // script still running (a model may take minutes to load; the suite's health check waits for
  // that). A script that exits before either is a start-up failure.
  core::Duration startup_grace = std::chrono::seconds(5);
  core::Duration stop_grace = std::chrono::seconds(10);  // SIGTERM .. SIGKILL
};

// The child's argv: interpreter (by extension), script, args.
std::vector<std::string> script_argv(const ScriptOptions& options);
// The variables added to the child's inherited environment.
std::vector<std::pair<std::string, std::string>> script_env(const ScriptOptions& options);

class ScriptBaseline final : public Baseline {
 public:
  // `clock` measures the start-up grace; it must outlive this object.
  ScriptBaseline(ScriptOptions options, const core::Clock& clock);
  ~ScriptBaseline() override;
  ScriptBaseline(const ScriptBaseline&) = delete;
  ScriptBaseline& operator=(const ScriptBaseline&) = delete;

  std::string_view kind() const override { return "Script"; }
  core::Result<ServingEndpoint> up() override;
  std::optional<core::Error> failure() override;
  // Copies the script's log (redacted) to "<dir>/<script stem>_<tag>.log".
  core::Result<std::vector<std::filesystem::path>> logs(const std::filesystem::path& dir, std::string_view tag) override;
  std::optional<core::Error> down() override;

  // The script's pid (its process group id) while it runs; for diagnostics and tests.
  std::optional<pid_t> pid() const;
  // Exit status once it ended (as core::ChildProcess reports it: code, or 128 + signal).
  std::optional<int> exit_status() const { return exit_status_; }
  const std::filesystem::path& log_file() const { return log_file_; }

 private:
  core::Error exited_error(int status, std::string_view when) const;

  ScriptOptions options_;
  const core::Clock& clock_;
  std::filesystem::path log_file_;
  bool temporary_log_ = false;
  std::optional<core::ChildProcess> child_;
  std::optional<int> exit_status_;
};

}  // namespace lmbench::deploy
