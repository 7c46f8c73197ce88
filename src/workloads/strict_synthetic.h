#pragma once
// StrictSynthetic (LMBENCH-FORMAT.md, file name "strict_synthetic"): NUM_CONCURRENT_USERS users
// that each send strictly every TIME_BETWEEN_REQUESTS_PER_USER (period P) seconds, whether or not
// their previous answer arrived; QPS = users / P.
//
// Schedule (open loop, fixed up front): user j (0-based) sends round r (1-based) at
// t0 + (j / users + r - 1) * P, for r = 1..NUM_ROUNDS_PER_USER; requests go in that time order
// (request i is user i % users, round i / users + 1). The workload ends after users * rounds
// requests, or at the duration cap when one is given.
//
// Conversation of user j: [system: SHARED_SYSTEM_PROMPT_LEN tokens, shared] [user: FIRST_PROMPT_LEN
// tokens unique to j] [assistant: answer 1] [user: FOLLOW_UP_PROMPTS_LEN tokens] ... An answer
// that has not arrived when a later round is sent is replaced, for good, by a synthesized stand-in
// of ANSWER_LEN tokens (so later prompts stay extensions of earlier ones); an answer arriving
// after that is dropped.
//
// KV_REUSE_RATIO = q < 1: of the history sent before the new follow-up (every message after the
// system prompt), the first floor(q * H) tokens (H = its token count) are sent as they are and the
// remaining tail is replaced by synthesized text of the same token count, seeded by (user, round)
// so it differs from every earlier request: a prefix cache can reuse at most the system prompt and
// that share of the history. The stored history is not changed. Deterministic for a seed.
//
// Sharding (shard.h): shard k of n keeps the users j with j % n == k, on the whole run's
// schedule; users never interact, so the shards together send exactly the whole run. The other
// users' questions are never made.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"
#include "workloads/conversation.h"
#include "workloads/shard.h"
#include "workloads/workload.h"

namespace lmbench::workloads {

struct StrictSyntheticOptions {
  int num_users = 1;
  int num_rounds = 1;
  double period_s = 1.0;  // TIME_BETWEEN_REQUESTS_PER_USER
  int system_prompt = 0;
  int first_prompt = 16;
  int follow_up_prompt = 16;
  int answer_len = 16;
  double kv_reuse_ratio = 1.0;
  std::optional<core::Duration> duration;  // nothing is scheduled at or after t0 + duration
  Api api = Api::kCompletions;
  std::uint64_t seed = 0;
  bool ignore_eos = false;
};

class StrictSyntheticWorkload final : public Workload {
 public:
  // `tokenizer` and `synth` must outlive the workload. Throws core::ConfigError for invalid options.
  StrictSyntheticWorkload(const text::Tokenizer& tokenizer, const text::PromptSynth& synth,
                          StrictSyntheticOptions options);

  std::string name() const override { return "strict_synthetic"; }
  void start(core::TimePoint t0) override;
  std::optional<core::TimePoint> next_send_time() override;
  Request take(core::TimePoint now) override;
  void on_response(const Response& response, core::TimePoint now) override;
  bool finished() const override;
  bool restrict_to_shard(int index, int count) override;

  double qps() const { return o_.num_users / o_.period_s; }

 private:
  struct User {
    std::vector<std::string> questions;               // by round - 1
    std::vector<std::optional<std::string>> answers;  // by round - 1; set = fixed for good
  };
  core::TimePoint time_of(std::uint64_t i) const;
  std::uint64_t total() const;  // requests of the whole run
  void skip_foreign();          // moves taken_ to the next request of this shard's users
  Messages scramble_tail(const Messages& history, std::uint64_t user, int round) const;

  const text::Tokenizer& tokenizer_;
  std::unique_ptr<text::IncrementalEncoder> counter_;  // prompt token counts, incremental
  const text::PromptSynth& synth_;
  StrictSyntheticOptions o_;
  std::string system_;
  Shard shard_;
  core::TimePoint t0_{};
  std::uint64_t taken_ = 0;  // index in the whole run's order of the next request
  std::vector<User> users_;  // by user index; other shards' users stay empty
  std::unordered_map<std::uint64_t, std::pair<std::size_t, int>> pending_;  // id -> (user, round)
};

}  // namespace lmbench::workloads
