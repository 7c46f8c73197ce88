#pragma once
// The step-time model of SIMULATOR.md §1.4: how long one engine step lasts given what it computes.
//
//   T_step = T_ovh + T_lin(N_tok)
//          + max(W_lm/BW_w, 2*h*V*n_sampled/P)            if n_sampled > 0
//          + sum_prefill 4*L*(H*d)*q*(c + q/2) / P_attn      (requests with q > 1)
//          + sum_all c * kv_bytes / BW_attn                  (KV reads)
//          + LMCache loads: sum (loaded * kv_bytes / BW_h2d + overhead), serial with compute,
//            or overlapped (max) when layerwise
//
// Pure and deterministic; jitter is applied by the engine, which owns the random state.

#include <span>
#include <vector>

#include "core/clock.h"
#include "sim/profile.h"

namespace lmbench::sim {

// One request's share of a step.
struct StepItem {
  int new_tokens = 0;      // q: tokens computed this step (1 for a decode)
  int context_tokens = 0;  // c: tokens already in KV before this step, prefix and LMCache hits included
  int loaded_tokens = 0;   // tokens loaded from LMCache this step (already counted in c)
  bool samples = false;    // emits a token at the end of the step
};

class StepModel {
 public:
  explicit StepModel(const Profile& profile);

  // T_lin(N) in ms: log-log interpolation of the table, clamped below its first point, linear with
  // the tail slope above its last.
  double linear_ms(int num_tokens) const;
  // Compute part of the step in ms (everything but LMCache loads).
  double compute_ms(std::span<const StepItem> items) const;
  // Total LMCache load time in ms for the items.
  double load_ms(std::span<const StepItem> items) const;
  // The step's duration.
  core::Duration step_time(std::span<const StepItem> items) const;
  // Time between arrival and the waiting queue (HTTP + tokenization).
  core::Duration frontend_delay(int prompt_tokens) const;

 private:
  std::vector<double> log_n_;
  std::vector<double> log_ms_;
  std::vector<std::pair<int, double>> table_;
  StepModelConfig cfg_;
  FrontendConfig frontend_;
  LmCacheConfig lmcache_;
};

}  // namespace lmbench::sim
