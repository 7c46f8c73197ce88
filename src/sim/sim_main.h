#pragma once
// `lmbench sim` as a library: N simulated engines in one process, each with its own engine
// thread (EngineLoop), HTTP server thread and port (consecutive ports), its own GPU prefix cache
// and, with LMCache enabled, its own CPU tier or one shared store (--shared-lmcache: LMCache's
// shared/remote backend, one capacity and LRU for all engines; see lmcache.h).
// Tests and benches start it in-process; src/cli/cmd_sim.cc wires it to the command line.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "sim/faults.h"
#include "sim/profile.h"

namespace lmbench::text {
class Tokenizer;
}

namespace lmbench::sim {

class EngineLoop;

struct SimOptions {
  Profile profile = builtin_profile(kDefaultProfile);
  std::string model;  // served name; "" = profile.model
  int engines = 1;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // first engine's port; 0 = any free run of `engines` consecutive ports
  double time_scale = 1.0;
  bool shared_lmcache = false;
  FaultConfig faults;
  std::filesystem::path tokenizer;  // tokenizer.json
  // When set, used instead of loading `tokenizer` (tests and benches load it once).
  std::shared_ptr<const text::Tokenizer> loaded_tokenizer;
};

class SimCluster {
 public:
  // Loads the tokenizer and builds the engines. Throws core::ConfigError on bad options.
  SimCluster(SimOptions options, const core::Clock& clock);
  ~SimCluster();
  SimCluster(const SimCluster&) = delete;
  SimCluster& operator=(const SimCluster&) = delete;

  // Binds the ports and starts the engines. Error kind "listen" when the ports are taken.
  core::Result<std::vector<std::uint16_t>> start();
  void stop();

  std::vector<std::string> urls() const;  // "http://host:port", one per engine
  int num_engines() const;
  // Engine i's driver (metrics, cache lookups, delivery statistics for benches).
  EngineLoop& engine(int i);
  const SimOptions& options() const { return options_; }

  struct Instance;

 private:
  SimOptions options_;
  const core::Clock& clock_;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lmbench::sim
