// CPU cost of Engine::step() with many concurrent requests: the simulator must never be the
// bottleneck, so one step's bookkeeping has to be small against the step times it models
// (~10-100 ms) and against the 1 ms emission budget of a paced engine.
// Usage: bench_sim_step_cost [concurrent requests (2000)] [steps to time (2000)]
// Prints the wall-clock cost per step (mean, p50, p99, max) in steady decode with `n` requests
// running, plus the cost of admitting them (prefix lookups, allocation).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <time.h>
#include <vector>

#include "sim/engine.h"

namespace {

// This thread's CPU time: unlike wall time it excludes time the OS gave to other processes, which
// on a shared 2-core machine dominates the wall-clock tail.
double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

void print_dist(const char* what, std::vector<double>& us, std::size_t emitted) {
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (const double u : us) sum += u;
  std::printf("%s per step: mean %.1f us, p50 %.1f us, p99 %.1f us, max %.1f us (%.3f us per emitted token)\n", what,
              sum / static_cast<double>(us.size()), us[us.size() / 2],
              us[static_cast<std::size_t>(0.99 * static_cast<double>(us.size() - 1))], us.back(),
              sum / static_cast<double>(emitted));
}

}  // namespace

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  const int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 2000;
  lmbench::sim::Profile p = lmbench::sim::builtin_profile("llama-3.1-8b-h100");
  p.scheduler.max_num_seqs = n;
  p.scheduler.max_num_batched_tokens = 16384;
  p.scheduler.num_gpu_blocks = 500000;  // 8M tokens: no preemption in this run
  p.lmcache.enabled = true;
  p.lmcache.cpu_size_gb = 120;
  lmbench::sim::Engine engine(p);
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> tok(100, 120000);
  const std::vector<lmbench::sim::TokenId> system = [&] {
    std::vector<lmbench::sim::TokenId> s(1000);
    for (auto& t : s) t = tok(rng);
    return s;
  }();
  for (int i = 0; i < n; ++i) {
    lmbench::sim::RequestSpec s;
    s.prompt = system;
    for (int j = 0; j < 500; ++j) s.prompt.push_back(tok(rng));
    s.params.max_tokens = steps + 200;
    s.params.ignore_eos = true;
    if (!engine.submit(std::move(s)).ok()) return 1;
  }
  engine.advance_to(*engine.next_event_time());
  const auto a0 = Clock::now();
  int admit_steps = 0;
  // Until every request has finished its prefill and one step decodes all of them.
  while (true) {
    engine.advance_to(*engine.next_event_time());
    const auto& r = engine.step();
    ++admit_steps;
    if (static_cast<int>(r.emissions.size()) == n && r.num_tokens == n) break;
  }
  const double admit_ms = std::chrono::duration<double, std::milli>(Clock::now() - a0).count();
  std::vector<double> wall_us, cpu_us;
  wall_us.reserve(static_cast<std::size_t>(steps));
  cpu_us.reserve(static_cast<std::size_t>(steps));
  std::size_t emitted = 0;
  for (int i = 0; i < steps; ++i) {
    const auto t0 = Clock::now();
    const double c0 = thread_cpu_us();
    const auto& r = engine.step();
    cpu_us.push_back(thread_cpu_us() - c0);
    wall_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    emitted += r.emissions.size();
  }
  std::printf("admission and prefill of %d requests (1.5k-token prompts, shared 1k prefix): %d steps, %.1f ms wall total\n", n,
              admit_steps, admit_ms);
  std::printf("steady decode, %d running: %d steps, %zu tokens emitted\n", n, steps, emitted);
  print_dist("thread CPU", cpu_us, emitted);
  print_dist("wall clock", wall_us, emitted);
  return 0;
}
