#include "sim/sim_main.h"

#include "core/error.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "sim/engine_loop.h"
#include "sim/server.h"
#include "sim/server_tokens.h"
#include "text/tokenizer.h"

namespace lmbench::sim {

struct SimCluster::Instance {
  std::unique_ptr<EngineLoop> loop;
  std::unique_ptr<SimServer> api;
  std::unique_ptr<http::BackgroundLoop> io;
  std::unique_ptr<http::Server> server;
  std::uint16_t port = 0;
};

struct SimCluster::State {
  std::shared_ptr<EngineDirectory> directory = std::make_shared<EngineDirectory>();
  std::shared_ptr<const text::Tokenizer> tokenizer;
  std::unique_ptr<TokenCodec> codec;
  std::vector<Instance> instances;
  bool started = false;
};

SimCluster::SimCluster(SimOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock), state_(std::make_unique<State>()) {
  if (options_.engines < 1 || options_.engines > 256) {
    throw core::ConfigError("--engines: expected 1..256, found " + std::to_string(options_.engines));
  }
  if (!(options_.time_scale > 0)) {
    throw core::ConfigError("--time-scale: expected a number > 0, found " + std::to_string(options_.time_scale));
  }
  if (options_.port != 0 && static_cast<int>(options_.port) + options_.engines - 1 > 65535) {
    throw core::ConfigError("--port: " + std::to_string(options_.port) + " + " + std::to_string(options_.engines) +
                            " engines runs past port 65535");
  }
  FaultInjector::validate(options_.faults);
  if (options_.loaded_tokenizer) {
    state_->tokenizer = options_.loaded_tokenizer;
  } else {
    if (options_.tokenizer.empty()) throw core::ConfigError("sim: no tokenizer.json (give --tokenizer PATH)");
    state_->tokenizer = std::make_shared<const text::Tokenizer>(text::Tokenizer::from_file(options_.tokenizer));
  }
  state_->codec = std::make_unique<TokenCodec>(*state_->tokenizer);

  // Outputs are the codec's one-token words (see server_tokens.h).
  Profile profile = options_.profile;
  profile.output.token_id_min = 0;
  profile.output.token_id_max = state_->codec->num_output_words();
  validate_profile(profile, profile.name.empty() ? "profile" : profile.name);
  if (options_.model.empty()) options_.model = profile.model;

  std::shared_ptr<LmCacheStore> shared;
  if (options_.shared_lmcache && profile.lmcache.enabled) {
    shared = std::make_shared<LmCacheStore>(LmCacheStore::capacity_for(profile.lmcache, profile.step.kv_bytes_per_token));
  }
  const core::TimePoint origin = clock_.now();
  for (int i = 0; i < options_.engines; ++i) {
    Instance inst;
    inst.loop = std::make_unique<EngineLoop>(profile, clock_, options_.time_scale, origin, shared);
    ServerConfig sc;
    sc.model = options_.model;
    sc.engine_index = i;
    sc.directory = state_->directory;
    sc.faults = options_.faults;
    sc.faults.seed = options_.faults.seed + static_cast<std::uint64_t>(i);
    inst.api = std::make_unique<SimServer>(*inst.loop, *state_->codec, sc);
    state_->instances.push_back(std::move(inst));
  }
}

SimCluster::~SimCluster() { stop(); }

core::Result<std::vector<std::uint16_t>> SimCluster::start() {
  auto& insts = state_->instances;
  const auto close_all = [&] {
    for (auto& inst : insts) {
      if (inst.server) inst.server->stop();
      inst.server.reset();
      inst.io.reset();
      inst.port = 0;
    }
  };
  const auto bind_run = [&](std::uint16_t first) -> core::Result<std::uint16_t> {
    std::uint16_t base = first;
    for (std::size_t i = 0; i < insts.size(); ++i) {
      auto& inst = insts[i];
      inst.io = std::make_unique<http::BackgroundLoop>();
      http::ServerOptions so;
      so.server_name = "lmbench-sim";
      // Each token's lateness at the socket, for the engine's /metrics (sim/pace_stats.h).
      so.on_write_lag = [loop = inst.loop.get()](std::chrono::nanoseconds lag) { loop->pace().observe_lag(lag); };
      inst.server = std::make_unique<http::Server>(inst.io->context(), inst.api->router(), so);
      const std::uint16_t want = i == 0 ? first : static_cast<std::uint16_t>(base + i);
      auto port = inst.server->listen(options_.host, want);
      if (!port.ok()) return port.error();
      if (i == 0) base = *port;
      inst.port = *port;
    }
    return base;
  };

  // With port 0 the first engine takes an ephemeral port and the others the ports after it; if
  // one of those is taken, try another run.
  constexpr int kAttempts = 20;
  core::Error last{"listen", "no free ports"};
  for (int attempt = 0; attempt < (options_.port == 0 ? kAttempts : 1); ++attempt) {
    auto r = bind_run(options_.port);
    if (r.ok()) {
      for (auto& inst : insts) inst.loop->start();
      state_->started = true;
      state_->directory->set(urls());
      std::vector<std::uint16_t> ports;
      for (const auto& inst : insts) ports.push_back(inst.port);
      return ports;
    }
    last = r.error();
    close_all();
  }
  return core::Error{"listen", "cannot listen on " + options_.host + " for " + std::to_string(insts.size()) +
                                   " consecutive ports: " + last.message};
}

void SimCluster::stop() {
  if (!state_) return;
  for (auto& inst : state_->instances) {
    if (inst.server) inst.server->stop();
  }
  for (auto& inst : state_->instances) {
    if (inst.loop) inst.loop->stop();
  }
  for (auto& inst : state_->instances) {
    inst.server.reset();
    inst.io.reset();
  }
  state_->started = false;
}

int SimCluster::num_engines() const { return static_cast<int>(state_->instances.size()); }

EngineLoop& SimCluster::engine(int i) { return *state_->instances.at(static_cast<std::size_t>(i)).loop; }

std::vector<std::string> SimCluster::urls() const {
  std::vector<std::string> out;
  for (const auto& inst : state_->instances) out.push_back("http://" + options_.host + ":" + std::to_string(inst.port));
  return out;
}

}  // namespace lmbench::sim
