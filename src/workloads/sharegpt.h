#pragma once
// ShareGPT (LMBENCH-FORMAT.md, file name "sharegpt"): replays real multi-turn conversations.
//
// Selection: in file order, conversations with at least MIN_ROUNDS (human, gpt) rounds and more
// than START_ROUND; at most LIMIT of them. Conversation c (0-based in the selection) is user c.
//
// Requests: round r (0-based index in the conversation, r >= START_ROUND) carries the recorded
// rounds before it as history — the recorded human questions AND the recorded gpt answers, not
// the model's: later human turns answer the recorded replies, so the replay stays a coherent
// conversation, and prompt lengths do not depend on the server — then the human turn of round r.
// max_tokens = the recorded answer's token count (at least 1). Request::round = r + 1.
// Rounds before START_ROUND are history only and are never sent.
//
// Schedule: slots 1/QPS apart from the start. Request i goes at max(t0 + i/QPS, ready time) to
// the conversation whose previous answer arrived earliest (closed loop per conversation: a
// conversation never has two requests in flight); when no conversation is ready, the next
// unstarted one starts on the slot. When none is ready and none is left to start, the workload
// waits for an answer. It ends when every selected round was sent, or at the duration cap.
// Headers: x-user-id = the conversation's index. Request i (its id) is the one on slot i.
//
// Sharding (shard.h): shard k of n keeps the conversations c with c % n == k and the slots i with
// i % n == k, at the whole run's slot times. Each shard sends every selected round of its
// conversations (those before a duration cap) with the whole run's prompts and max_tokens, which
// do not depend on answers. The shards together send exactly the whole run (the same requests at
// the same times, duration cap or not) when, in the whole run, the request on every slot i is of
// a conversation c with c % n == i % n: then, slot after slot, a shard's conversations stand as
// in the whole run, and the rule above picks the same one at the same time. Two cases where that
// holds: every conversation has one selected round; or all have the same number of rounds, n
// divides their number C, and every answer arrives more than (C-1)/QPS and at most C/QPS after
// its request (conversation c then takes the slots i with i % C == c). When it does not hold
// (e.g. answers within 1/QPS: a conversation takes consecutive slots), the shards send the same
// rounds but on other slots, and only without a duration cap all of the whole run's rounds.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "text/incremental_encoder.h"
#include "text/tokenizer.h"
#include "workloads/shard.h"
#include "workloads/sharegpt_data.h"
#include "workloads/workload.h"

namespace lmbench::workloads {

struct ShareGptOptions {
  int limit = 1000;
  int min_rounds = 10;
  int start_round = 0;
  double qps = 1.0;
  std::optional<core::Duration> duration;
  Api api = Api::kCompletions;
};

class ShareGptWorkload final : public Workload {
 public:
  // `tokenizer` must outlive the workload. Throws core::ConfigError for invalid options and when
  // no conversation qualifies.
  ShareGptWorkload(const text::Tokenizer& tokenizer, std::vector<ShareGptConversation> conversations,
                   ShareGptOptions options);

  std::string name() const override { return "sharegpt"; }
  void start(core::TimePoint t0) override;
  std::optional<core::TimePoint> next_send_time() override;
  Request take(core::TimePoint now) override;
  void on_response(const Response& response, core::TimePoint now) override;
  bool finished() const override;
  bool restrict_to_shard(int index, int count) override;

  // The conversations kept by LIMIT / MIN_ROUNDS / START_ROUND, in order (all of them, sharded
  // or not).
  const std::vector<ShareGptConversation>& selected() const { return conversations_; }
  // The selected rounds this workload sends: its shard's.
  std::uint64_t total_requests() const { return total_; }

 private:
  struct State {
    int next_round = 0;                    // index of the next round to send
    std::optional<core::TimePoint> ready;  // set when it may send
    bool started = false;
  };
  // The conversation sending next and when, per the schedule above.
  std::optional<std::pair<std::size_t, core::TimePoint>> pick() const;
  std::uint64_t slot() const;         // index in the whole run of the next slot this shard owns
  core::TimePoint slot_time() const;  // t0 + slot() / QPS
  void count_total();                 // total_: the selected rounds of this shard's conversations

  const text::Tokenizer& tokenizer_;
  std::unique_ptr<text::IncrementalEncoder> counter_;  // prompt token counts, incremental
  std::vector<ShareGptConversation> conversations_;
  ShareGptOptions o_;
  Shard shard_;
  std::uint64_t total_ = 0;
  core::TimePoint t0_{};
  std::uint64_t taken_ = 0;  // by this shard: its next slot is index + taken_ * count
  std::size_t started_ = 0;  // the next conversation of this shard to start
  std::vector<State> states_;
  std::unordered_map<std::uint64_t, std::size_t> pending_;
};

}  // namespace lmbench::workloads
