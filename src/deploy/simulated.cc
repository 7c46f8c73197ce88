#include "deploy/simulated.h"

#include <unistd.h>

#include <fmt/format.h>

#include <system_error>
#include <thread>

#include "core/files.h"
#include "core/ids.h"
#include "core/interrupt.h"
#include "core/paths.h"
#include "deploy/log_tail.h"

namespace lmbench::deploy {

namespace {

std::string format_number(double v) { return fmt::format("{}", v); }

}  // namespace

bool needs_router(const SimulatedOptions& options) {
  return options.engines > 1 || !options.routing_logic.empty();
}

std::vector<std::string> sim_argv(const SimulatedOptions& o, const std::filesystem::path& exe) {
  std::vector<std::string> a = {exe.string(), "sim", "--host", "127.0.0.1", "--port", "0",
                                "--engines", std::to_string(o.engines), "--model", o.model,
                                "--time-scale", format_number(o.time_scale), "--seed", std::to_string(o.seed)};
  if (!o.profile.empty()) a.insert(a.end(), {"--profile", o.profile});
  a.push_back(o.enable_prefix_caching ? "--enable-prefix-caching" : "--no-enable-prefix-caching");
  if (o.max_model_len) a.insert(a.end(), {"--max-model-len", std::to_string(*o.max_model_len)});
  if (o.lmcache) {
    a.push_back("--lmcache");
    if (o.cpu_offloading_buffer_gb) {
      a.insert(a.end(), {"--cpu-offloading-buffer-size", format_number(*o.cpu_offloading_buffer_gb)});
    }
  }
  if (!o.tokenizer.empty()) a.insert(a.end(), {"--tokenizer", o.tokenizer.string()});
  a.insert(a.end(), o.extra_sim_args.begin(), o.extra_sim_args.end());
  return a;
}

std::vector<std::string> router_argv(const SimulatedOptions& o, const std::filesystem::path& exe,
                                     const std::vector<std::string>& backend_urls) {
  std::vector<std::string> a = {exe.string(), "router", "--host", "127.0.0.1", "--port", "0",
                                "--routing-logic", o.routing_logic.empty() ? "roundrobin" : o.routing_logic};
  if (!o.session_key.empty()) a.insert(a.end(), {"--session-key", o.session_key});
  for (const auto& url : backend_urls) a.insert(a.end(), {"--backend", url});
  return a;
}

std::vector<std::string> listening_urls(const std::string& log_text) {
  static const std::string kMarker = "listening on ";
  std::vector<std::string> urls;
  std::size_t pos = 0;
  while ((pos = log_text.find(kMarker, pos)) != std::string::npos) {
    pos += kMarker.size();
    std::size_t end = pos;
    while (end < log_text.size() && log_text[end] != '\n' && log_text[end] != ' ' && log_text[end] != '\r') ++end;
    if (end == log_text.size()) break;  // the line is still being written
    std::string url = log_text.substr(pos, end - pos);
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.rfind("http://", 0) == 0) urls.push_back(std::move(url));
    pos = end;
  }
  return urls;
}

SimulatedBaseline::SimulatedBaseline(SimulatedOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock) {
  if (options_.lmbench.empty()) options_.lmbench = core::executable_path();
  log_dir_ = options_.log_dir;
}

SimulatedBaseline::~SimulatedBaseline() { down(); }

core::Result<std::vector<std::string>> SimulatedBaseline::start(const char* what, std::vector<std::string> argv,
                                                                const std::filesystem::path& log,
                                                                std::size_t expected_urls,
                                                                std::optional<core::ChildProcess>& child) {
  std::error_code ec;
  std::filesystem::remove(log, ec);
  auto spawned = core::ChildProcess::spawn({.argv = std::move(argv), .log_file = log});
  if (!spawned) return spawned.error();
  child.emplace(std::move(*spawned));
  const auto deadline = clock_.now() + options_.startup_timeout;
  for (;;) {
    std::string text;
    try {
      if (std::filesystem::exists(log)) text = core::read_file(log);
    } catch (const std::exception&) {
    }
    auto urls = listening_urls(text);
    if (urls.size() >= expected_urls) return urls;
    if (auto status = child->poll()) {
      return core::Error{"exited", fmt::format("lmbench {} exited with status {} during start-up; its last lines were:\n{}",
                                               what, *status, log_tail(log))};
    }
    if (core::stop_requested()) return core::Error{"interrupted", fmt::format("interrupted while lmbench {} started", what)};
    if (clock_.now() >= deadline) {
      return core::Error{"timeout", fmt::format("lmbench {} did not listen within {:.0f} s; its last lines were:\n{}", what,
                                                core::to_seconds(options_.startup_timeout), log_tail(log))};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

core::Result<ServingEndpoint> SimulatedBaseline::up() {
  if (options_.engines < 1) return core::Error{"invalid", "a simulated baseline needs at least one engine"};
  if (log_dir_.empty()) {
    log_dir_ = std::filesystem::temp_directory_path() / fmt::format("lmbench-sim-{}-{:08x}", ::getpid(), core::random_u32());
    temporary_logs_ = true;
  }
  std::filesystem::create_directories(log_dir_);
  auto engines = start("sim", sim_argv(options_, options_.lmbench), log_dir_ / "sim.log",
                       static_cast<std::size_t>(options_.engines), sim_);
  if (!engines) {
    down();
    return engines.error();
  }
  engine_urls_ = *engines;
  endpoint_url_ = engine_urls_.front();
  if (needs_router(options_)) {
    auto router = start("router", router_argv(options_, options_.lmbench, engine_urls_), log_dir_ / "router.log", 1, router_);
    if (!router) {
      down();
      return router.error();
    }
    endpoint_url_ = router->front();
  }
  return ServingEndpoint{.base_url = endpoint_url_, .model = options_.model, .sim_engine_urls = engine_urls_};
}

std::optional<core::Error> SimulatedBaseline::failure() {
  if (sim_) {
    if (auto status = sim_->poll()) {
      return core::Error{"exited", fmt::format("the simulator exited with status {}; its last lines were:\n{}", *status,
                                               log_tail(log_dir_ / "sim.log"))};
    }
  }
  if (router_) {
    if (auto status = router_->poll()) {
      return core::Error{"exited", fmt::format("the router exited with status {}; its last lines were:\n{}", *status,
                                               log_tail(log_dir_ / "router.log"))};
    }
  }
  return std::nullopt;
}

core::Result<std::vector<std::filesystem::path>> SimulatedBaseline::logs(const std::filesystem::path& dir,
                                                                          std::string_view tag) {
  std::vector<std::filesystem::path> written;
  std::string errors;
  for (const char* name : {"sim", "router"}) {
    const auto src = log_dir_ / (std::string(name) + ".log");
    std::error_code ec;
    if (log_dir_.empty() || !std::filesystem::exists(src, ec)) continue;
    try {
      const auto dst = log_file_path(dir, name, tag);
      core::write_file_atomic(dst, core::read_file(src));
      written.push_back(dst);
    } catch (const std::exception& e) {
      errors += std::string(e.what()) + "; ";
    }
  }
  if (written.empty() && !errors.empty()) return core::Error{"io", errors};
  return written;
}

std::optional<core::Error> SimulatedBaseline::down() {
  // The router first, so no request reaches an engine that is going away.
  if (router_) {
    router_->terminate(options_.stop_grace);
    router_.reset();
  }
  if (sim_) {
    sim_->terminate(options_.stop_grace);
    sim_.reset();
  }
  if (temporary_logs_ && !log_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(log_dir_, ec);
    log_dir_.clear();
    temporary_logs_ = false;
  }
  return std::nullopt;
}

std::optional<pid_t> SimulatedBaseline::sim_pid() const {
  if (sim_) return sim_->pid();
  return std::nullopt;
}

std::optional<pid_t> SimulatedBaseline::router_pid() const {
  if (router_) return router_->pid();
  return std::nullopt;
}

}  // namespace lmbench::deploy
