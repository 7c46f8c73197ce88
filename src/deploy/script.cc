#include "deploy/script.h"

#include <unistd.h>

#include <thread>

#include "core/files.h"
#include "core/ids.h"
#include "core/interrupt.h"
#include "deploy/log_tail.h"
#include "deploy/net.h"

namespace lmbench::deploy {

namespace {
constexpr auto kPollInterval = std::chrono::milliseconds(20);
}  // namespace

std::vector<std::string> script_argv(const ScriptOptions& options) {
  std::vector<std::string> argv;
  const auto ext = options.script.extension();
  if (ext == ".sh") argv.emplace_back("bash");
  if (ext == ".py") argv.emplace_back("python3");
  argv.push_back(options.script.string());
  argv.insert(argv.end(), options.args.begin(), options.args.end());
  return argv;
}

std::vector<std::pair<std::string, std::string>> script_env(const ScriptOptions& options) {
  std::vector<std::pair<std::string, std::string>> env = {{"MODEL_URL", options.model},
                                                          {"PORT", std::to_string(options.port)}};
  if (options.hf_token) env.emplace_back("HF_TOKEN", options.hf_token->reveal());
  env.insert(env.end(), options.env.begin(), options.env.end());
  return env;
}

ScriptBaseline::ScriptBaseline(ScriptOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock) {
  log_file_ = options_.log_file;
  if (log_file_.empty()) {
    log_file_ = std::filesystem::temp_directory_path() /
                ("lmbench-script-" + std::to_string(::getpid()) + "-" + std::to_string(core::random_u32()) + ".log");
    temporary_log_ = true;
  }
}

ScriptBaseline::~ScriptBaseline() { down(); }

std::optional<pid_t> ScriptBaseline::pid() const {
  if (!child_ || exit_status_) return std::nullopt;
  return child_->pid();
}

core::Error ScriptBaseline::exited_error(int status, std::string_view when) const {
  std::string message = "script " + options_.script.string() + " exited with status " + std::to_string(status) +
                        std::string(when);
  std::string tail = log_tail(log_file_);
  if (options_.hf_token) tail = redact(std::move(tail), *options_.hf_token);
  message += tail.empty() ? std::string(" (its log " + log_file_.string() + " is empty)")
                          : "; last lines of " + log_file_.string() + ":\n" + tail;
  return core::Error{"exited", message};
}

core::Result<ServingEndpoint> ScriptBaseline::up() {
  if (child_ && !exit_status_) return core::Error{"already_up", "script " + options_.script.string() + " is already running"};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options_.script, ec)) {
    return core::Error{"missing_script", "script " + options_.script.string() + " does not exist"};
  }
  if (tcp_port_open("127.0.0.1", options_.port)) {
    return core::Error{"port_in_use", "port " + std::to_string(options_.port) + " on 127.0.0.1 is already in use; "
                                      "stop what listens there or choose another port"};
  }
  std::filesystem::path cwd = options_.cwd;
  if (cwd.empty()) cwd = std::filesystem::absolute(options_.script, ec).parent_path();
  ServingEndpoint endpoint{.base_url = local_base_url(options_.port), .model = options_.model};

  exit_status_.reset();
  auto child = core::ChildProcess::spawn(
      {.argv = script_argv(options_), .env = script_env(options_), .cwd = cwd, .log_file = log_file_});
  if (!child) return child.error();
  child_.emplace(std::move(*child));

  const auto deadline = clock_.now() + options_.startup_grace;
  for (;;) {
    if (auto status = child_->poll()) {
      exit_status_ = status;
      return exited_error(*status, " during start-up");
    }
    if (tcp_port_open("127.0.0.1", options_.port)) return endpoint;
    if (clock_.now() >= deadline) return endpoint;
    if (core::stop_requested()) return core::Error{"interrupted", "interrupted while starting " + options_.script.string()};
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::optional<core::Error> ScriptBaseline::failure() {
  if (!child_) return std::nullopt;
  if (!exit_status_) exit_status_ = child_->poll();
  if (exit_status_) return exited_error(*exit_status_, "");
  return std::nullopt;
}

core::Result<std::vector<std::filesystem::path>> ScriptBaseline::logs(const std::filesystem::path& dir, std::string_view tag) {
  std::string text;
  try {
    text = core::read_file(log_file_);
  } catch (const std::exception& e) {
    return core::Error{"logs", e.what()};
  }
  if (options_.hf_token) text = redact(std::move(text), *options_.hf_token);
  const auto path = log_file_path(dir, options_.script.stem().string(), tag);
  try {
    core::write_file_atomic(path, text);
  } catch (const std::exception& e) {
    return core::Error{"logs", e.what()};
  }
  return std::vector<std::filesystem::path>{path};
}

std::optional<core::Error> ScriptBaseline::down() {
  if (child_) {
    const int status = child_->terminate(options_.stop_grace);
    if (!exit_status_) exit_status_ = status;
    child_.reset();
  }
  if (temporary_log_) {
    std::error_code ec;
    std::filesystem::remove(log_file_, ec);
  }
  return std::nullopt;
}

}  // namespace lmbench::deploy
