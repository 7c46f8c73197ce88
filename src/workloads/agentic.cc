#include "workloads/agentic.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.h"

namespace lmbench::workloads {

namespace {

constexpr std::uint64_t kWarmupTagBase = 0x80000000ULL;

void check(bool ok, const std::string& key, const std::string& expected, double found) {
  if (!ok) throw core::ConfigError("Agentic." + key + ": expected " + expected + ", found " + std::to_string(found));
}

}  // namespace

AgenticWorkload::AgenticWorkload(const text::Tokenizer& tokenizer, const text::PromptSynth& synth,
                                 AgenticOptions options)
    : tokenizer_(tokenizer), counter_(std::make_unique<text::IncrementalEncoder>(tokenizer)), synth_(synth), o_(std::move(options)) {
  check(o_.num_users_warmup >= 0, "NUM_USERS_WARMUP", "a non-negative integer", o_.num_users_warmup);
  check(o_.num_agents >= 1, "NUM_AGENTS", "a positive integer", o_.num_agents);
  check(o_.num_rounds >= 1, "NUM_ROUNDS", "a positive integer", o_.num_rounds);
  check(o_.system_prompt >= 0, "SYSTEM_PROMPT", "a non-negative integer", o_.system_prompt);
  check(o_.chat_history >= 0, "CHAT_HISTORY", "a non-negative integer", o_.chat_history);
  check(o_.answer_len >= 1, "ANSWER_LEN", "a positive integer", o_.answer_len);
  check(o_.question_len >= 1, "question length", "a positive integer", o_.question_len);
  check(o_.new_user_interval_s > 0 && std::isfinite(o_.new_user_interval_s), "NEW_USER_INTERVALS",
        "a positive number of seconds", o_.new_user_interval_s);
  check(o_.duration.count() > 0, "DURATION", "a positive number of seconds", core::to_seconds(o_.duration));
  for (int a = 0; a < o_.num_agents; ++a) {
    systems_.push_back(o_.system_prompt > 0
                           ? synth_.text(mix_seed(o_.seed, 0xa6e7, static_cast<std::uint64_t>(a)), o_.system_prompt)
                           : std::string());
  }
}

core::TimePoint AgenticWorkload::join_time(std::size_t n) const {
  const core::TimePoint base = measure_start_ ? *measure_start_ : t0_;
  return base + core::from_seconds(static_cast<double>(n) * o_.new_user_interval_s);
}

bool AgenticWorkload::restrict_to_shard(int index, int count) {
  shard_ = Shard{index, count};
  return true;
}

void AgenticWorkload::start(core::TimePoint t0) {
  t0_ = t0;
  next_id_ = 0;
  next_join_ = static_cast<std::size_t>(shard_.index);
  warm_answered_ = 0;
  last_warm_answer_ = core::TimePoint{};
  measure_start_.reset();
  users_.clear();
  pending_.clear();
  for (std::size_t w = static_cast<std::size_t>(shard_.index); w < static_cast<std::size_t>(o_.num_users_warmup);
       w += static_cast<std::size_t>(shard_.count)) {
    User u;
    u.id = "warmup-" + std::to_string(w);
    u.tag = kWarmupTagBase + w;
    u.n = w;
    u.warmup = true;
    u.ready = join_time(w);
    users_.push_back(std::move(u));
  }
  warm_users_ = static_cast<int>(users_.size());
  // No warm-up here: the whole run's measurement starts at t0 (none), or at the end of its
  // warm-up window (a shard without warm-up users while others have some).
  if (users_.empty()) measure_start_ = warm_paced();
}

core::TimePoint AgenticWorkload::warm_paced() const {
  return t0_ + core::from_seconds(o_.num_users_warmup * o_.new_user_interval_s);
}

std::optional<std::size_t> AgenticWorkload::next_user() const {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < users_.size(); ++i) {
    if (users_[i].ready && (!best || *users_[i].ready < *users_[*best].ready)) best = i;
  }
  return best;
}

std::optional<core::TimePoint> AgenticWorkload::next_send_time() {
  if (!measure_start_) {
    const auto i = next_user();
    if (i) return users_[*i].ready;
    return std::nullopt;
  }
  std::optional<core::TimePoint> t;
  if (const auto i = next_user()) t = users_[*i].ready;
  const core::TimePoint join = join_time(next_join_);
  if (!t || join < *t) t = join;
  if (*t >= end()) return std::nullopt;
  return t;
}

Request AgenticWorkload::take(core::TimePoint /*now*/) {
  std::optional<std::size_t> i = next_user();
  if (measure_start_) {
    const core::TimePoint join = join_time(next_join_);
    if (!i || join < *users_[*i].ready) {
      User u;
      const std::size_t n = next_join_;
      next_join_ += static_cast<std::size_t>(shard_.count);
      u.id = std::to_string(n);
      u.tag = n;
      u.n = n;
      u.ready = join;
      users_.push_back(std::move(u));
      i = users_.size() - 1;
    }
  }
  User& u = users_[*i];
  const int round = u.done + 1;
  // Warm-up user w asks agent w % NUM_AGENTS, so the warm-up puts every agent's system prompt in
  // the server's cache (a measured user's round 1 always goes to agent 0).
  const int agent = u.warmup ? static_cast<int>(u.n % static_cast<std::size_t>(o_.num_agents)) : (round - 1) % o_.num_agents;
  std::string q = synth_.user_text(u.tag, mix_seed(o_.seed, static_cast<std::uint64_t>(round)), o_.question_len);
  if (round == 1 && o_.chat_history > 0) q = synth_.user_text(u.tag, mix_seed(o_.seed, 0), o_.chat_history) + q;
  u.history.push_back({"user", std::move(q)});
  ++u.done;

  Messages messages;
  if (!systems_[static_cast<std::size_t>(agent)].empty()) {
    messages.push_back({"system", systems_[static_cast<std::size_t>(agent)]});
  }
  messages.insert(messages.end(), u.history.begin(), u.history.end());

  Request r;
  r.id = next_id_++;
  r.intended_send = *u.ready;
  r.user_id = u.id;
  r.round = round;
  r.warmup = u.warmup;
  set_conversation(r, o_.api, messages, *counter_);
  r.max_tokens = o_.answer_len;
  r.ignore_eos = o_.ignore_eos;
  if (!o_.models.empty()) r.model = o_.models[static_cast<std::size_t>(agent) % o_.models.size()];
  r.headers.emplace_back("x-user-id", u.id);
  u.ready.reset();
  pending_[r.id] = *i;
  return r;
}

void AgenticWorkload::on_response(const Response& response, core::TimePoint now) {
  const auto it = pending_.find(response.request_id);
  if (it == pending_.end()) return;
  User& u = users_[it->second];
  pending_.erase(it);
  u.history.push_back({"assistant", response.ok ? response.text : std::string()});
  if (u.warmup) {
    // A warm-up user sends its first round only.
    last_warm_answer_ = std::max(last_warm_answer_, now);
    if (++warm_answered_ == warm_users_) measure_start_ = std::max(warm_paced(), last_warm_answer_);
    return;
  }
  if (u.done < o_.num_rounds) u.ready = now;
}

bool AgenticWorkload::finished() const {
  if (!measure_start_) return false;
  if (join_time(next_join_) < end()) return false;
  for (const auto& u : users_) {
    if (u.warmup) continue;
    if (u.ready && *u.ready < end()) return false;
    // Waiting for an answer that may still arrive in time (on_response always sets `ready`).
    if (!u.ready && u.done < o_.num_rounds) return false;
  }
  return true;
}

}  // namespace lmbench::workloads
