#include "fleet/coordinate.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "core/error.h"
#include "core/files.h"
#include "core/interrupt.h"
#include "fleet/channel.h"
#include "fleet/fleet_run_json.h"
#include "fleet/session.h"

namespace lmbench::fleet {

namespace {

using namespace std::chrono_literals;

// Turns the stop file's appearance into core::request_stop(), until destroyed.
class StopFileWatch {
 public:
  explicit StopFileWatch(std::filesystem::path file) : file_(std::move(file)) {
    if (file_.empty()) return;
    thread_ = std::thread([this] {
      while (!done_.load()) {
        std::error_code ec;
        if (std::filesystem::exists(file_, ec)) {
          fmt::print(stderr, "lmbench coordinate: {} appeared: stopping the workers\n", file_.string());
          core::request_stop();
          return;
        }
        std::this_thread::sleep_for(100ms);
      }
    });
  }
  ~StopFileWatch() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::filesystem::path file_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int fail(const std::string& message) {
  fmt::print(stderr, "lmbench coordinate: {}\n", message);
  return 1;
}

}  // namespace

int run_coordinate(const CoordinateArgs& a) {
  nlohmann::json job_json;
  try {
    job_json = nlohmann::json::parse(core::read_file(a.job_file));
  } catch (const std::exception& e) {
    return fail(fmt::format("cannot read the job from {}: {}", a.job_file.string(), e.what()));
  }
  auto job = job_from_json(job_json);
  if (!job) return fail(job.error().message);
  auto listener = Listener::listen(a.host, a.port);
  if (!listener) return fail(listener.error().message);
  fmt::print(stderr, "lmbench coordinate: listening on {}:{} for {} worker(s)\n", a.host, listener->port(), a.workers);
  std::fflush(stderr);

  FleetOptions options;
  options.workers = a.workers;
  options.ready_timeout = a.ready_timeout;
  FleetRun run;
  {
    const StopFileWatch watch(a.stop_file);
    try {
      run = coordinate(*job, options, *listener, nullptr);
    } catch (const core::ConfigError& e) {
      return fail(e.what());
    }
  }
  run.placement = "kubernetes";
  const std::string text = fleet_run_to_json(run).dump();
  if (a.out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  } else {
    try {
      core::write_file_atomic(a.out, text);
    } catch (const std::exception& e) {
      return fail(fmt::format("cannot write {}: {}", a.out, e.what()));
    }
  }
  fmt::print(stderr, "lmbench coordinate: {} record(s) from {} worker(s) ({}){}; written to {}\n", run.run.records.size(),
             run.workers.size(), load::to_string(run.run.reason), run.partial.empty() ? "" : ", partial: " + run.partial, a.out);
  std::fflush(stderr);
  if (a.out == "-") return 0;
  // The run is in the pod: stay until the pod is deleted (SIGTERM), which is after the fetch.
  const auto since = std::chrono::steady_clock::now();
  while (core::stop_signal() == 0 && (!a.linger || std::chrono::steady_clock::now() - since < *a.linger)) {
    std::this_thread::sleep_for(100ms);
  }
  return 0;
}

}  // namespace lmbench::fleet
