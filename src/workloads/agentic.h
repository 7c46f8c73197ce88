#pragma once
// Agentic (LMBENCH-FORMAT.md, file name "agentic"): a new user every NEW_USER_INTERVAL seconds;
// each user's conversation cycles through NUM_AGENTS agents, one request at a time.
//
// Round r (1-based) of a user goes to agent a = (r - 1) % NUM_AGENTS. Agent a has its own system
// prompt of SYSTEM_PROMPT tokens (the same for every user), and its own model when MODELS is
// given (models[a % models.size()]; otherwise Request::model stays empty: the run's model). The
// history is shared by all agents of a user: [user: CHAT_HISTORY tokens unique to the user +
// question 1] [assistant: agent 0's answer] [user: question 2] [assistant: agent 1's answer] ...
// so each agent sees every earlier agent's answer. Questions are question_len tokens.
//
// Schedule: measured user u (0-based) joins at T + u * interval and sends round 1 then; round
// r + 1 goes the moment round r's answer arrives (closed loop, no think time); after NUM_ROUNDS
// rounds the user is done. Nothing is sent at or after T + duration. QPS is whatever results.
// Warm-up: NUM_USERS_WARMUP = W users ("warmup-0", ...) first send their round 1, one per
// interval from t0, flagged warmup; warm-up user w asks agent w % NUM_AGENTS, so every agent's
// system prompt is cached before measured users arrive (measured users arrive cold, as new users
// do in steady state). T = max(t0 + W * interval, arrival of the last warm-up answer).
// Headers: x-user-id.
//
// Sharding (shard.h): shard k of n keeps the measured users u and the warm-up users w with
// u % n == k and w % n == k, at the whole run's join times. As in LMCacheSynthetic, a shard's
// T = max(t0 + W * interval, arrival of its own last warm-up answer): the whole run's T whenever
// every warm-up answer arrives by t0 + W * interval. Users never interact otherwise, so with
// equal T the shards together send exactly the whole run.

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

struct AgenticOptions {
  int num_users_warmup = 0;
  int num_agents = 1;
  int num_rounds = 1;
  int system_prompt = 0;
  int chat_history = 0;
  int answer_len = 16;
  int question_len = 20;
  double new_user_interval_s = 2.0;
  core::Duration duration = std::chrono::seconds(100);
  std::vector<std::string> models;  // per agent, cycled; empty: the run's model
  Api api = Api::kCompletions;
  std::uint64_t seed = 0;
  bool ignore_eos = false;
};

class AgenticWorkload final : public Workload {
 public:
  // `tokenizer` and `synth` must outlive the workload. Throws core::ConfigError for invalid options.
  AgenticWorkload(const text::Tokenizer& tokenizer, const text::PromptSynth& synth, AgenticOptions options);

  std::string name() const override { return "agentic"; }
  void start(core::TimePoint t0) override;
  std::optional<core::TimePoint> next_send_time() override;
  Request take(core::TimePoint now) override;
  void on_response(const Response& response, core::TimePoint now) override;
  bool finished() const override;
  bool restrict_to_shard(int index, int count) override;

  std::optional<core::TimePoint> measure_start() const { return measure_start_; }

 private:
  struct User {
    std::string id;
    std::uint64_t tag = 0;
    std::size_t n = 0;  // index in its phase (warm-up w or measured u) of the whole run
    bool warmup = false;
    int done = 0;
    Messages history;
    std::optional<core::TimePoint> ready;  // when the next round may go; empty while waiting
  };

  core::TimePoint join_time(std::size_t n) const;  // of the n-th user of its phase
  core::TimePoint warm_paced() const;              // t0 + W * interval
  core::TimePoint end() const { return *measure_start_ + o_.duration; }
  std::optional<std::size_t> next_user() const;  // the user sending next, joining ones included

  const text::Tokenizer& tokenizer_;
  std::unique_ptr<text::IncrementalEncoder> counter_;  // prompt token counts, incremental
  const text::PromptSynth& synth_;
  AgenticOptions o_;
  std::vector<std::string> systems_;  // per agent
  Shard shard_;
  core::TimePoint t0_{};
  std::uint64_t next_id_ = 0;
  std::size_t next_join_ = 0;  // the next measured user of this shard to join
  int warm_users_ = 0;         // this shard's warm-up users
  int warm_answered_ = 0;
  core::TimePoint last_warm_answer_{};
  std::optional<core::TimePoint> measure_start_;
  std::vector<User> users_;  // this shard's warm-up users first, then measured users in join order
  std::unordered_map<std::uint64_t, std::size_t> pending_;
};

}  // namespace lmbench::workloads
