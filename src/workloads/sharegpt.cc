#include "workloads/sharegpt.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.h"
#include "workloads/conversation.h"

namespace lmbench::workloads {

ShareGptWorkload::ShareGptWorkload(const text::Tokenizer& tokenizer, std::vector<ShareGptConversation> conversations,
                                   ShareGptOptions options)
    : tokenizer_(tokenizer), counter_(std::make_unique<text::IncrementalEncoder>(tokenizer)), o_(std::move(options)) {
  auto bad = [](const std::string& key, const std::string& expected, double found) {
    throw core::ConfigError("ShareGPT." + key + ": expected " + expected + ", found " + std::to_string(found));
  };
  if (o_.limit < 1) bad("LIMIT", "a positive integer", o_.limit);
  if (o_.min_rounds < 0) bad("MIN_ROUNDS", "a non-negative integer", o_.min_rounds);
  if (o_.start_round < 0) bad("START_ROUND", "a non-negative integer", o_.start_round);
  if (!(o_.qps > 0 && std::isfinite(o_.qps))) bad("QPS", "a positive number", o_.qps);
  const std::size_t offered = conversations.size();
  for (auto& c : conversations) {
    if (static_cast<int>(conversations_.size()) >= o_.limit) break;
    const auto n = static_cast<int>(c.rounds.size());
    if (n < o_.min_rounds || n <= o_.start_round) continue;
    conversations_.push_back(std::move(c));
  }
  if (conversations_.empty()) {
    throw core::ConfigError("ShareGPT: none of the " + std::to_string(offered) + " conversations has at least " +
                            std::to_string(std::max(o_.min_rounds, o_.start_round + 1)) +
                            " rounds (MIN_ROUNDS, START_ROUND)");
  }
  count_total();
}

bool ShareGptWorkload::restrict_to_shard(int index, int count) {
  shard_ = Shard{index, count};
  count_total();
  return true;
}

void ShareGptWorkload::count_total() {
  total_ = 0;
  for (std::size_t c = 0; c < conversations_.size(); ++c) {
    if (shard_.owns(c)) total_ += conversations_[c].rounds.size() - static_cast<std::size_t>(o_.start_round);
  }
}

void ShareGptWorkload::start(core::TimePoint t0) {
  t0_ = t0;
  taken_ = 0;
  started_ = static_cast<std::size_t>(shard_.index);
  pending_.clear();
  states_.assign(conversations_.size(), State{});
  for (auto& s : states_) s.next_round = o_.start_round;
}

std::uint64_t ShareGptWorkload::slot() const {
  return static_cast<std::uint64_t>(shard_.index) + taken_ * static_cast<std::uint64_t>(shard_.count);
}

core::TimePoint ShareGptWorkload::slot_time() const {
  return t0_ + core::from_seconds(static_cast<double>(slot()) / o_.qps);
}

std::optional<std::pair<std::size_t, core::TimePoint>> ShareGptWorkload::pick() const {
  if (finished()) return std::nullopt;
  const core::TimePoint at = slot_time();
  std::optional<std::size_t> best;
  const auto step = static_cast<std::size_t>(shard_.count);
  for (std::size_t c = static_cast<std::size_t>(shard_.index); c < started_; c += step) {
    if (states_[c].ready && (!best || *states_[c].ready < *states_[*best].ready)) best = c;
  }
  if (best) return std::make_pair(*best, std::max(at, *states_[*best].ready));
  if (started_ < conversations_.size()) return std::make_pair(started_, at);
  return std::nullopt;
}

std::optional<core::TimePoint> ShareGptWorkload::next_send_time() {
  const auto p = pick();
  if (!p) return std::nullopt;
  return p->second;
}

Request ShareGptWorkload::take(core::TimePoint /*now*/) {
  const auto [c, t] = *pick();
  if (c == started_) started_ += static_cast<std::size_t>(shard_.count);
  State& s = states_[c];
  const auto& conv = conversations_[c];
  const int round = s.next_round++;

  Messages messages;
  for (int q = 0; q < round; ++q) {
    messages.push_back({"user", conv.rounds[static_cast<std::size_t>(q)].question});
    messages.push_back({"assistant", conv.rounds[static_cast<std::size_t>(q)].answer});
  }
  messages.push_back({"user", conv.rounds[static_cast<std::size_t>(round)].question});

  Request r;
  r.id = slot();  // the whole run's id of the request, when the shards add up to it (sharegpt.h)
  ++taken_;
  r.intended_send = t;
  r.user_id = std::to_string(c);
  r.round = round + 1;
  set_conversation(r, o_.api, messages, *counter_);
  r.max_tokens = std::max<int>(1, static_cast<int>(tokenizer_.count(conv.rounds[static_cast<std::size_t>(round)].answer)));
  r.headers.emplace_back("x-user-id", r.user_id);
  s.ready.reset();
  if (s.next_round < static_cast<int>(conv.rounds.size())) pending_[r.id] = c;
  return r;
}

void ShareGptWorkload::on_response(const Response& response, core::TimePoint now) {
  const auto it = pending_.find(response.request_id);
  if (it == pending_.end()) return;
  states_[it->second].ready = now;
  pending_.erase(it);
}

bool ShareGptWorkload::finished() const {
  if (taken_ >= total_) return true;
  return o_.duration && slot_time() >= t0_ + *o_.duration;
}

}  // namespace lmbench::workloads
