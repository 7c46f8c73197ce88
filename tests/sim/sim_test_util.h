#pragma once
// Helpers shared by the simulator tests: small profiles, prompts and a virtual-time driver.

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "sim/engine.h"
#include "sim/profile.h"

namespace lmbench::sim::testing {

// A100 step model with a small pool and budget so scripted sequences stay short; no frontend
// delay, so a request submitted at t is schedulable at t.
inline Profile tiny_profile(int num_blocks = 64, int budget = 64, int max_seqs = 4) {
  Profile p = builtin_profile("llama-3.1-8b-a100-80gb");
  p.scheduler.num_gpu_blocks = num_blocks;
  p.scheduler.max_num_batched_tokens = budget;
  p.scheduler.max_num_seqs = max_seqs;
  p.scheduler.max_model_len = 4096;
  p.frontend.base_ms = 0;
  p.frontend.per_token_us = 0;
  return p;
}

// `n` token ids, distinct per `salt`, all within the vocabulary.
inline std::vector<TokenId> prompt_tokens(int n, int salt) {
  std::vector<TokenId> t(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) t[static_cast<std::size_t>(i)] = 100 + ((salt * 7919 + i * 31) % 100000);
  return t;
}

inline RequestSpec spec(std::vector<TokenId> prompt, int max_tokens, int min_tokens = 0) {
  RequestSpec s;
  s.prompt = std::move(prompt);
  s.params.max_tokens = max_tokens;
  s.params.min_tokens = min_tokens;
  return s;
}

inline RequestId submit_ok(Engine& engine, RequestSpec s) {
  auto r = engine.submit(std::move(s));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : 0;
}

inline RequestId submit_ok(Engine& engine, RequestSpec s, core::Duration arrival) {
  auto r = engine.submit(std::move(s), arrival);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : 0;
}

// Steps the engine, jumping over idle gaps, until it is empty or `max_steps` ran. Calls
// `on_step` after each step.
inline int run_until_idle(Engine& engine, const std::function<void(const StepResult&)>& on_step = {},
                          int max_steps = 1000000) {
  int steps = 0;
  while (steps < max_steps) {
    const auto t = engine.next_event_time();
    if (!t) break;
    engine.advance_to(*t);
    const StepResult& r = engine.step();
    ++steps;
    if (on_step) on_step(r);
  }
  return steps;
}

// The scheduled entry of `id` in a step, or null.
inline const ScheduledInfo* scheduled_of(const StepResult& r, RequestId id) {
  for (const auto& s : r.scheduled) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

}  // namespace lmbench::sim::testing
