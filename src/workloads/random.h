#pragma once
// Random (LMBENCH-FORMAT.md, file name "random"): NUM_USERS users, NUM_ROUNDS rounds each,
// independent requests of PROMPT_LEN random-word tokens with no shared prefix anywhere (the
// store-heavy case for KV caches), ANSWER_LEN tokens asked for, at QPS in total.
//
// Schedule: open loop. The gaps between consecutive requests come from `next_gap` (an arrival
// process wired in by the caller, e.g. load::ConstantArrivals or load::make_poisson); the
// default is constant spacing 1/QPS with the first request at the start, which is what the
// original LMBench does. A request never waits for an answer.
//
// Order: request i (0-based) belongs to user i % NUM_USERS, round i / NUM_USERS + 1, so every
// user's rounds are spread over the run and users take turns. The prompt of request i is
// PromptSynth::user_text(i, seed, PROMPT_LEN): the request index is the "user" tag, so no two
// prompts of a run share even their first user_tag_tokens() tokens (the first token already,
// for runs of fewer than word_count() requests). Same user, different round: different prompt.
// Sharding: by arrival order (shard.h), not by user; skip() advances the arrival process as
// take() does without synthesizing the prompt.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/clock.h"
#include "text/prompt_synth.h"
#include "workloads/workload.h"

namespace lmbench::workloads {

struct RandomOptions {
  int num_users = 1;
  // Rounds per user; 0 = no limit (the run's time limit ends it).
  int num_rounds = 1;
  int prompt_len = 128;   // exact tokens of each prompt (chat: of the user message's content)
  int answer_len = 128;   // max_tokens
  double qps = 1.0;       // total requests per second; used by the default schedule
  Api api = Api::kCompletions;
  std::uint64_t seed = 0;
  bool ignore_eos = false;  // ask the server for exactly answer_len tokens (vLLM extension)
  // Gap before each request (the first one included), e.g. an arrival process's next_gap().
  // Empty: constant 1/qps, the first request at the start.
  std::function<core::Duration()> next_gap;
  // Nothing is intended at or after start + duration (a cap on the run); nullopt: no cap.
  std::optional<core::Duration> duration;
};

class RandomWorkload final : public Workload {
 public:
  // `synth` must outlive the workload. Throws core::ConfigError for invalid options
  // (non-positive users, lengths or qps, negative rounds).
  RandomWorkload(const text::PromptSynth& synth, RandomOptions options);

  std::string name() const override { return "random"; }
  void start(core::TimePoint t0) override;
  std::optional<core::TimePoint> next_send_time() override;
  Request take(core::TimePoint now) override;
  void on_response(const Response& response, core::TimePoint now) override;
  bool finished() const override;
  void skip(core::TimePoint now) override;

  // NUM_USERS x NUM_ROUNDS, or nullopt when unlimited.
  std::optional<std::uint64_t> total_requests() const;

 private:
  void advance();  // past request taken_: what take() and skip() both do to the schedule

  const text::PromptSynth& synth_;
  RandomOptions options_;
  std::uint64_t taken_ = 0;
  core::TimePoint t0_{};
  std::optional<core::TimePoint> next_;  // intended time of request taken_, once started
};

}  // namespace lmbench::workloads
