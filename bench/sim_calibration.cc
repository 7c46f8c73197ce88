// Prints the simulator's "Calibrated outputs" (SIMULATOR.md §1.4) measured on the engine's
// virtual time, next to the table's figures, for every built-in profile the table covers.
// Usage: bench_sim_calibration
// The same checks run as assertions in tests/sim/calibration_test.cc; this program shows the
// numbers.

#include <cstdio>
#include <string>
#include <vector>

#include "sim/engine.h"

namespace {

using lmbench::core::Duration;
using lmbench::sim::Engine;
using lmbench::sim::Profile;
using lmbench::sim::RequestSpec;
using lmbench::sim::TokenId;

std::vector<TokenId> prompt(int n, int salt) {
  std::vector<TokenId> t(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) t[static_cast<std::size_t>(i)] = 100 + ((salt * 7919 + i * 31) % 100000);
  return t;
}

RequestSpec spec(std::vector<TokenId> p, int max_tokens) {
  RequestSpec s;
  s.prompt = std::move(p);
  s.params.max_tokens = max_tokens;
  return s;
}

double ttft_ms(Engine& engine, std::vector<TokenId> p) {
  const Duration t0 = engine.now();
  const auto id = engine.submit(spec(std::move(p), 1));
  if (!id.ok()) return -1;
  while (auto t = engine.next_event_time()) {
    engine.advance_to(*t);
    const auto& r = engine.step();
    for (const auto& e : r.emissions) {
      if (e.id == *id) return lmbench::core::to_ms(r.end() - t0);
    }
  }
  return -1;
}

double warm_ms(const std::string& name, bool lmcache) {
  Profile p = lmbench::sim::builtin_profile(name);
  p.lmcache.enabled = lmcache;
  p.lmcache.cpu_size_gb = 20;
  Engine engine(p);
  const auto full = prompt(20000, 3);
  ttft_ms(engine, std::vector<TokenId>(full.begin(), full.begin() + 19800));
  engine.advance_to(engine.now() + std::chrono::seconds(1));
  if (lmcache) engine.reset_prefix_cache();
  return ttft_ms(engine, full);
}

double decode_ms(const std::string& name, int batch, int context) {
  Profile p = lmbench::sim::builtin_profile(name);
  p.scheduler.num_gpu_blocks = 40000;
  Engine engine(p);
  for (int i = 0; i < batch; ++i) (void)engine.submit(spec(prompt(context, 100 + i), 4000));
  while (auto t = engine.next_event_time()) {
    engine.advance_to(*t);
    const auto& r = engine.step();
    if (r.num_scheduled == batch && r.num_tokens == batch) return lmbench::core::to_ms(r.duration);
  }
  return -1;
}

void row(const char* what, double got, double want) {
  std::printf("  %-44s %10.1f ms   table %8.1f ms   %+6.1f%%\n", what, got, want, 100.0 * (got - want) / want);
}

}  // namespace

int main() {
  struct Table {
    std::string name;
    double v[10];
  };
  const std::vector<Table> tables = {
      {"llama-3.1-8b-a100-80gb", {83, 700, 2050, 46, 160, 12.4, 19.6, 36.8, 27.4, 61.8}},
      {"llama-3.1-8b-h100-vllm0.6", {29, 230, 710, 30, 86, 7.8, 12.1, 22.4, 15.6, 36.3}},
      {"llama-3.1-8b-h100", {28, 214, 621, 27, 83, 6.5, 10.3, 18.9, 13.2, 30.5}},
  };
  for (const auto& t : tables) {
    std::printf("%s\n", t.name.c_str());
    auto cold = [&](int n) {
      Engine e(lmbench::sim::builtin_profile(t.name));
      return ttft_ms(e, prompt(n, 1));
    };
    row("cold TTFT, 1k tokens", cold(1024), t.v[0]);
    row("cold TTFT, 8k tokens", cold(8192), t.v[1]);
    row("cold TTFT, 20k tokens", cold(20000), t.v[2]);
    row("20k TTFT, GPU prefix hit (208 new)", warm_ms(t.name, false), t.v[3]);
    row("20k TTFT, LMCache CPU hit (19,712 loaded)", warm_ms(t.name, true), t.v[4]);
    row("decode step, B=1 ctx 1k", decode_ms(t.name, 1, 1024), t.v[5]);
    row("decode step, B=64 ctx 1k", decode_ms(t.name, 64, 1024), t.v[6]);
    row("decode step, B=64 ctx 4k", decode_ms(t.name, 64, 4096), t.v[7]);
    row("decode step, B=128 ctx 1k", decode_ms(t.name, 128, 1024), t.v[8]);
    row("decode step, B=128 ctx 4k", decode_ms(t.name, 128, 4096), t.v[9]);
  }
  return 0;
}
