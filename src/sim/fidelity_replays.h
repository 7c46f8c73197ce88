#pragma once
// Workload shapes of published vLLM benchmarks, replayed on the engine in virtual time (no sockets,
// deterministic): the building blocks of sim/fidelity.h. Every request has ignore_eos and exact
// lengths; prompts are random token ids unique per request unless a shape shares a prefix on
// purpose. A client-side driver submits each request at its send time and steps the engine between
// sends, so a request sent while a step runs joins the next step (the engine's arrival semantics).
//
// Metrics follow ARCHITECTURE.md: TTFT from the send, TPOT = (last - first) / (n - 1), ITL over all
// gaps of measured requests, throughputs over the window from the first send to the last answer.

#include <cstdint>
#include <vector>

#include "sim/profile.h"

namespace lmbench::sim::fidelity {

struct RunStats {
  std::vector<double> ttft_ms, tpot_ms, e2e_ms, itl_ms;
  double duration_s = 0;
  long long output_tokens = 0;
  long long prompt_tokens = 0;
  int requests = 0;
};

double mean(const std::vector<double>& v);
double median(std::vector<double> v);  // metrics::median; 0 for no values

// `vllm bench serve --max-concurrency c`: c requests in flight, the next sent when one finishes.
// With `range` > 0 lengths are uniform in [len*(1-range), len*(1+range)] (the random dataset's
// --random-range-ratio), seeded per request.
RunStats closed_loop(const Profile& profile, int n, int concurrency, int in, int out, std::uint64_t seed,
                     double range = 0);

// `vllm bench serve --request-rate r`: Poisson arrivals (all at once for inf).
RunStats poisson(const Profile& profile, int n, double rate, int in, int out, std::uint64_t seed);

// TTFT of one `in`-token request whose whole KV sits in the CPU tier. vLLM's native offloading
// connector is modelled by the tier with 16-token chunks and no fixed cost per request (it batches
// its transfers per step); GPU prefix cache off as in the source.
double offload_ttft_ms(Profile profile, int in);

// Prompt throughput of `n` prefill-only `in`-token requests sent at once, a share `hit` of them
// (spread evenly) with their KV in the CPU tier; `connector` false runs without the tier.
double offload_prompt_throughput(Profile profile, int n, int in, double hit, bool connector);

// Output throughput of `n` requests sent at once whose prompts share the first `hit` share of
// their tokens, with the GPU prefix cache on or off.
double prefix_throughput(Profile profile, int n, int in, int out, double hit, bool caching);

// LMBenchmark's synthetic multi-round QA on the LMCacheSynthetic schedule (see
// workloads/lmcache_synthetic.h): user slot j sends at T + j/qps + k*users/qps, or on its previous
// answer when that is later; users start spread over the rounds (slot j has floor(j*rounds/users)
// rounds of history) and are warmed, unmeasured, with that history (max_tokens 1, 1/qps apart); a
// user done with its rounds is replaced by a new one. Measured: requests sent in [T, T+measure_s).
struct MultiRoundShape {
  int users = 15;
  int rounds = 20;
  int system_prompt = 1000;
  int history = 20000;
  int question = 20;  // [assume] LMBenchmark's questions are one short sentence
  int answer = 100;
  double measure_s = 100;
};
RunStats multi_round(const Profile& profile, const MultiRoundShape& w, double qps);

}  // namespace lmbench::sim::fidelity
