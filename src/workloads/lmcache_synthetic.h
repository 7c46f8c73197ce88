#pragma once
// LMCacheSynthetic (LMBENCH-FORMAT.md, file name "synthetic"): multi-round chat QA with a shared
// system prompt, NUM_USERS users active at once, QPS requests per second in total.
//
// Conversation of user u: [system: SYSTEM_PROMPT tokens shared by all users] then
// [user: CHAT_HISTORY tokens unique to u (PromptSynth::user_text) + question 1], [assistant:
// answer 1], [user: question 2], ... Questions are question_len tokens, unique per user and
// round. Each request carries the whole conversation so far plus the new question, so prompts grow
// by (answer + question) per round; in chat form round k's messages are a prefix of round k+1's.
//
// Schedule (times relative to the measurement start T):
//  * Per-user period gap = NUM_USERS / QPS. User slot j (0 <= j < NUM_USERS) owns the slot times
//    T + j/QPS + k*gap, k = 0, 1, 2, ... so the slots together tick at exactly QPS.
//  * Each request consumes the slot's next slot time. A user sends its next question at
//    max(its next slot time, arrival of its previous answer) (closed loop per user: a late answer
//    delays that request only; slot times never shift, so a user whose answers keep coming late
//    sends on arrival until it catches up with its slots).
//  * Steady-state ramp-up: the user first in slot j starts with h_j = floor(j * NUM_ROUNDS /
//    NUM_USERS) rounds already done, as if it had joined h_j periods earlier: its history holds h_j
//    questions with pre-built answers of ANSWER_LEN tokens (synthesized), and its first request is
//    round h_j + 1. So at start the users are spread evenly over the rounds, as in steady state.
//  * When a user has sent round NUM_ROUNDS it leaves; a new user (no history) takes the slot from
//    its next slot time on, without waiting for the leaver's last answer. Slot j's g-th user
//    (g = 0, 1, ...) has id j + g * NUM_USERS, so ids never repeat and depend on the slot alone.
//  * Nothing is sent at or after T + duration; the workload is finished when no slot can send
//    before then.
//
// Warm-up (NUM_USERS_WARMUP > 0): the measured users themselves are warmed, so the run starts in
// the steady state the ramp-up describes. Each first user that starts mid-conversation (h_j > 0)
// sends, unmeasured, exactly the history its next request extends (system prompt, context, its
// h_j questions and pre-built answers) with max_tokens 1 and its own x-user-id, so a session
// router places it where the user's measured requests will go and the server caches what it would
// have cached in steady state. Users that start at round 1 are not warmed: a new user is cold in
// steady state too. When no user starts mid-conversation, one request with the system prompt
// alone warms that. Warm-up requests go 1/QPS apart from the start t0, flagged warmup;
// T = max(t0 + n/QPS, arrival of the last warm-up answer) for n warm-up requests. Without
// warm-up, T = t0. (The original warmed with separate traffic of the measured users' ids; the
// number NUM_USERS_WARMUP itself only turns the warm-up on.)
//
// Sharding (shard.h): shard k of n keeps the slots j with j % n == k, so every user (id j + g *
// NUM_USERS) stays in its slot's shard, on the whole run's slot times (base T + j/QPS). A warmed
// slot's warm-up goes with it and keeps its place n in the whole run's warm-up order (intended
// t0 + n/QPS); the system-prompt-only warm-up goes to shard 0. A shard cannot see the other
// shards' warm-up answers, so its T = max(t0 + N/QPS, arrival of its own last warm-up answer),
// N the whole run's warm-up count: the whole run's T whenever every warm-up answer arrives by
// t0 + N/QPS. Slots never interact otherwise, so with equal T the shards together send exactly
// the whole run. A shard without a slot (n > NUM_USERS) sends nothing.
//
// Headers: x-user-id = the user's id.
//
// USE_SHAREGPT (options.sharegpt not empty): user u's questions are the human turns of
// conversation u % N of the given list (rounds past its end wrap around), its pre-built answers
// the recorded gpt turns, and max_tokens the recorded answer's token count (at least 1); the
// system prompt and the user context stay synthesized. Conversations without a round are dropped.

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
#include "workloads/sharegpt_data.h"
#include "workloads/workload.h"

namespace lmbench::workloads {

struct LMCacheSyntheticOptions {
  int num_users = 1;
  int num_users_warmup = 0;
  int num_rounds = 1;
  int system_prompt = 0;   // tokens, shared by every user (0: no system message)
  int chat_history = 0;    // tokens, unique per user (0: none)
  int answer_len = 16;     // max_tokens, and the length of pre-built answers
  int question_len = 20;   // tokens of each question (the original's fixed question size)
  double qps = 1.0;
  core::Duration duration = std::chrono::seconds(200);  // measured time
  Api api = Api::kCompletions;
  std::uint64_t seed = 0;
  bool ignore_eos = false;
  std::vector<ShareGptConversation> sharegpt;  // USE_SHAREGPT; empty: synthesized questions
};

class LMCacheSyntheticWorkload final : public Workload {
 public:
  // `tokenizer` and `synth` must outlive the workload. Throws core::ConfigError for invalid options.
  LMCacheSyntheticWorkload(const text::Tokenizer& tokenizer, const text::PromptSynth& synth,
                           LMCacheSyntheticOptions options);
  ~LMCacheSyntheticWorkload() override;

  std::string name() const override { return "synthetic"; }
  void start(core::TimePoint t0) override;
  std::optional<core::TimePoint> next_send_time() override;
  Request take(core::TimePoint now) override;
  void on_response(const Response& response, core::TimePoint now) override;
  bool finished() const override;
  bool restrict_to_shard(int index, int count) override;

  // The measurement start T, once known (after the warm-up answers).
  std::optional<core::TimePoint> measure_start() const { return measure_start_; }

 private:
  struct User {
    std::string id;
    std::uint64_t tag = 0;  // PromptSynth user tag
    int done = 0;           // rounds sent
    Messages history;       // without the system message
  };
  struct Slot {
    std::uint64_t j = 0;                    // its index among the whole run's NUM_USERS slots
    User user;
    int generation = 0;                     // how many users this slot had before this one
    core::TimePoint base{};
    std::int64_t k = 0;                     // index of the next slot time
    std::optional<core::TimePoint> ready;   // answer arrival (or base) once the user may send
    core::TimePoint available{};            // when the slot's next request became possible
  };
  struct Pending {
    int slot = -1;  // -1: a warm-up request
  };
  struct Warm {
    int n = 0;      // place in the whole run's warm-up order: intended t0 + n/QPS
    int slot = -1;  // in slots_; -1: the system prompt alone
  };

  User make_user(std::uint64_t id, int done_rounds) const;
  Request warmup_request(const Warm& warm);
  core::TimePoint warm_paced() const;  // t0 + (the whole run's warm-up count) / QPS
  std::string question(const User& u, int round) const;
  std::string prebuilt_answer(const User& u, int round) const;
  int max_tokens(const User& u, int round) const;
  const ShareGptRound* sharegpt_round(const User& u, int round) const;  // null without USE_SHAREGPT
  Request build(User& u, core::TimePoint intended, bool warmup);
  core::TimePoint slot_time(const Slot& s) const;
  void begin_measurement(core::TimePoint t);

  // A user's first question carries its whole chat history (16,000 tokens in the default suite):
  // synthesizing and counting it took 2.5-4.5 ms, on the load thread, at the moment the user
  // joined, and stalled every stream's timestamps meanwhile. A helper thread makes the first
  // question of users to come ahead of time (and counts its prompt into counter_'s cache); take()
  // finds it ready, or makes it itself when it is not. Same text either way.
  class Prefetcher;
  void prefetch(std::uint64_t user_id);
  std::optional<std::string> prefetched(std::uint64_t user_id);
  // The system message (when there is one), then `rest`: every prompt this workload sends.
  Messages with_system(const Messages& rest) const;

  const text::Tokenizer& tokenizer_;
  std::unique_ptr<text::IncrementalEncoder> counter_;  // prompt token counts, incremental
  const text::PromptSynth& synth_;
  LMCacheSyntheticOptions o_;
  core::Duration gap_{};
  std::string system_;
  Shard shard_;
  core::TimePoint t0_{};
  std::uint64_t next_id_ = 0;
  // Warm-up: this shard's, in order; the whole run has warm_total_ of them.
  std::vector<Warm> warm_;
  int warm_total_ = 0;
  int warm_taken_ = 0;
  int warm_answered_ = 0;
  core::TimePoint last_warm_answer_{};
  // Measurement.
  std::optional<core::TimePoint> measure_start_;
  std::vector<Slot> slots_;  // this shard's, by slot index j
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::unique_ptr<Prefetcher> prefetcher_;  // last: its thread reads the members above
};

}  // namespace lmbench::workloads
