#include "workloads/strict_synthetic.h"

#include <cmath>
#include <utility>

#include "core/error.h"

namespace lmbench::workloads {

namespace {

void check(bool ok, const std::string& key, const std::string& expected, double found) {
  if (!ok) {
    throw core::ConfigError("StrictSynthetic." + key + ": expected " + expected + ", found " + std::to_string(found));
  }
}

}  // namespace

StrictSyntheticWorkload::StrictSyntheticWorkload(const text::Tokenizer& tokenizer, const text::PromptSynth& synth,
                                                 StrictSyntheticOptions options)
    : tokenizer_(tokenizer), counter_(std::make_unique<text::IncrementalEncoder>(tokenizer)), synth_(synth), o_(std::move(options)) {
  check(o_.num_users >= 1, "NUM_CONCURRENT_USERS", "a positive integer", o_.num_users);
  check(o_.num_rounds >= 1, "NUM_ROUNDS_PER_USER", "a positive integer", o_.num_rounds);
  check(o_.period_s > 0 && std::isfinite(o_.period_s), "TIME_BETWEEN_REQUESTS_PER_USER", "a positive number",
        o_.period_s);
  check(o_.system_prompt >= 0, "SHARED_SYSTEM_PROMPT_LEN", "a non-negative integer", o_.system_prompt);
  check(o_.first_prompt >= 1, "FIRST_PROMPT_LEN", "a positive integer", o_.first_prompt);
  check(o_.follow_up_prompt >= 1, "FOLLOW_UP_PROMPTS_LEN", "a positive integer", o_.follow_up_prompt);
  check(o_.answer_len >= 1, "ANSWER_LEN", "a positive integer", o_.answer_len);
  check(o_.kv_reuse_ratio >= 0 && o_.kv_reuse_ratio <= 1, "KV_REUSE_RATIO", "a number between 0 and 1",
        o_.kv_reuse_ratio);
  if (o_.system_prompt > 0) system_ = synth_.text(mix_seed(o_.seed, 0x5157), o_.system_prompt);
}

bool StrictSyntheticWorkload::restrict_to_shard(int index, int count) {
  shard_ = Shard{index, count};
  return true;
}

void StrictSyntheticWorkload::start(core::TimePoint t0) {
  t0_ = t0;
  taken_ = 0;
  pending_.clear();
  users_.assign(static_cast<std::size_t>(o_.num_users), User{});
  for (std::size_t j = 0; j < users_.size(); ++j) {
    if (!shard_.owns(j)) continue;
    auto& u = users_[j];
    for (int r = 1; r <= o_.num_rounds; ++r) {
      u.questions.push_back(r == 1 ? synth_.user_text(j, mix_seed(o_.seed, 1), o_.first_prompt)
                                   : synth_.user_text(j, mix_seed(o_.seed, static_cast<std::uint64_t>(r)),
                                                      o_.follow_up_prompt));
    }
    u.answers.assign(static_cast<std::size_t>(o_.num_rounds), std::nullopt);
  }
  skip_foreign();
}

std::uint64_t StrictSyntheticWorkload::total() const {
  return static_cast<std::uint64_t>(o_.num_users) * static_cast<std::uint64_t>(o_.num_rounds);
}

void StrictSyntheticWorkload::skip_foreign() {
  while (taken_ < total() && !shard_.owns(taken_ % static_cast<std::uint64_t>(o_.num_users))) ++taken_;
}

core::TimePoint StrictSyntheticWorkload::time_of(std::uint64_t i) const {
  const auto n = static_cast<std::uint64_t>(o_.num_users);
  const double periods = static_cast<double>(i % n) / static_cast<double>(n) + static_cast<double>(i / n);
  return t0_ + core::from_seconds(periods * o_.period_s);
}

std::optional<core::TimePoint> StrictSyntheticWorkload::next_send_time() {
  if (finished()) return std::nullopt;
  return time_of(taken_);
}

bool StrictSyntheticWorkload::finished() const {
  if (taken_ >= total()) return true;
  return o_.duration && time_of(taken_) >= t0_ + *o_.duration;
}

Messages StrictSyntheticWorkload::scramble_tail(const Messages& history, std::uint64_t user, int round) const {
  std::vector<std::size_t> counts;
  std::size_t total = 0;
  for (const auto& m : history) {
    counts.push_back(tokenizer_.count(m.content));
    total += counts.back();
  }
  const auto keep = static_cast<std::size_t>(std::floor(o_.kv_reuse_ratio * static_cast<double>(total)));
  Messages out = history;
  std::size_t before = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::size_t n = counts[i];
    const std::uint64_t seed = mix_seed(o_.seed, mix_seed(user, static_cast<std::uint64_t>(round)), 0x5c4a + i);
    if (before + n > keep && n > 0) {
      const std::size_t kept = keep > before ? keep - before : 0;
      std::string head;
      if (kept > 0) {
        const auto ids = tokenizer_.encode(out[i].content);
        head = tokenizer_.decode(std::span<const text::TokenId>(ids.data(), kept));
      }
      out[i].content = head + synth_.text(seed, static_cast<int>(n - kept));
    }
    before += n;
  }
  return out;
}

Request StrictSyntheticWorkload::take(core::TimePoint /*now*/) {
  const std::uint64_t i = taken_++;
  skip_foreign();
  const auto n = static_cast<std::uint64_t>(o_.num_users);
  const std::size_t j = i % n;
  const int round = static_cast<int>(i / n) + 1;
  User& u = users_[j];

  Messages history;
  for (int q = 1; q < round; ++q) {
    auto& answer = u.answers[static_cast<std::size_t>(q - 1)];
    if (!answer) answer = synth_.text(mix_seed(o_.seed, j, 0x100000000ULL + q), o_.answer_len);
    history.push_back({"user", u.questions[static_cast<std::size_t>(q - 1)]});
    history.push_back({"assistant", *answer});
  }
  if (o_.kv_reuse_ratio < 1.0 && !history.empty()) history = scramble_tail(history, j, round);

  Messages messages;
  if (!system_.empty()) messages.push_back({"system", system_});
  messages.insert(messages.end(), history.begin(), history.end());
  messages.push_back({"user", u.questions[static_cast<std::size_t>(round - 1)]});

  Request r;
  r.id = i;
  r.intended_send = time_of(i);
  r.user_id = std::to_string(j);
  r.round = round;
  set_conversation(r, o_.api, messages, *counter_);
  r.max_tokens = o_.answer_len;
  r.ignore_eos = o_.ignore_eos;
  r.headers.emplace_back("x-user-id", r.user_id);
  pending_[r.id] = {j, round};
  return r;
}

void StrictSyntheticWorkload::on_response(const Response& response, core::TimePoint /*now*/) {
  const auto it = pending_.find(response.request_id);
  if (it == pending_.end()) return;
  const auto [j, round] = it->second;
  pending_.erase(it);
  auto& answer = users_[j].answers[static_cast<std::size_t>(round - 1)];
  if (!answer) answer = response.ok ? response.text : std::string();
}

}  // namespace lmbench::workloads
