#pragma once
// Simulated baseline: the built-in vLLM-like engine(s) (`lmbench sim`) and, in front of several
// engines or when a routing logic is asked for, the built-in router (`lmbench router`), each a
// child process of ours on free loopback ports, in its own process group. Children rather than
// threads: a crash or a hang of the system under test cannot take the benchmark down with it,
// and the load engine measures a server it shares no CPU scheduler state with beyond the OS's.
//
// Both children print "listening on http://127.0.0.1:PORT" (one line per engine) on stdout, which
// goes to their log file; up() reads the ports from there.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/process.h"
#include "deploy/baseline.h"

namespace lmbench::deploy {

struct SimulatedOptions {
  std::filesystem::path lmbench;     // the lmbench executable; empty: this process's own
  std::string model;                 // served model name (modelURL)
  int engines = 1;
  std::string profile;               // profile name or YAML file; "" = the simulator's default
  bool enable_prefix_caching = true;
  std::optional<int> max_model_len;
  bool lmcache = false;
  std::optional<double> cpu_offloading_buffer_gb;  // LMCache CPU buffer per engine
  // "" : no router for one engine, roundrobin for several. Otherwise roundrobin | session |
  // prefixaware | kvaware | leastloaded.
  std::string routing_logic;
  std::string session_key;           // for session routing, e.g. "x-user-id"
  double time_scale = 1.0;           // 10 = ten times faster than the modelled hardware
  std::uint64_t seed = 0;
  std::filesystem::path tokenizer;   // "" = the simulator's default
  std::vector<std::string> extra_sim_args;
  std::filesystem::path log_dir;     // sim.log / router.log live here; empty: a temporary folder
  core::Duration startup_timeout = std::chrono::seconds(60);
  core::Duration stop_grace = std::chrono::seconds(5);
};

// The argv of the two children (pure, for tests).
std::vector<std::string> sim_argv(const SimulatedOptions& options, const std::filesystem::path& exe);
std::vector<std::string> router_argv(const SimulatedOptions& options, const std::filesystem::path& exe,
                                     const std::vector<std::string>& backend_urls);
// Whether a router goes in front of the engines.
bool needs_router(const SimulatedOptions& options);

// "http://HOST:PORT" from every "listening on http://HOST:PORT" line of a log, in order.
std::vector<std::string> listening_urls(const std::string& log_text);

class SimulatedBaseline final : public Baseline {
 public:
  // `clock` measures the start-up timeout; it must outlive this object.
  SimulatedBaseline(SimulatedOptions options, const core::Clock& clock);
  ~SimulatedBaseline() override;
  SimulatedBaseline(const SimulatedBaseline&) = delete;
  SimulatedBaseline& operator=(const SimulatedBaseline&) = delete;

  std::string_view kind() const override { return "Simulated"; }
  core::Result<ServingEndpoint> up() override;
  std::optional<core::Error> failure() override;
  core::Result<std::vector<std::filesystem::path>> logs(const std::filesystem::path& dir, std::string_view tag) override;
  std::optional<core::Error> down() override;

  // The engines' own URLs once up (the router's backends); for reports and tests.
  const std::vector<std::string>& engine_urls() const { return engine_urls_; }
  std::optional<pid_t> sim_pid() const;
  std::optional<pid_t> router_pid() const;

 private:
  core::Result<std::vector<std::string>> start(const char* what, std::vector<std::string> argv,
                                               const std::filesystem::path& log, std::size_t expected_urls,
                                               std::optional<core::ChildProcess>& child);

  SimulatedOptions options_;
  const core::Clock& clock_;
  std::filesystem::path log_dir_;
  bool temporary_logs_ = false;
  std::optional<core::ChildProcess> sim_;
  std::optional<core::ChildProcess> router_;
  std::vector<std::string> engine_urls_;
  std::string endpoint_url_;
};

}  // namespace lmbench::deploy
