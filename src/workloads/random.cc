#include "workloads/random.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace lmbench::workloads {

RandomWorkload::RandomWorkload(const text::PromptSynth& synth, RandomOptions options)
    : synth_(synth), options_(std::move(options)) {
  const auto& o = options_;
  auto bad = [](const std::string& key, const std::string& expected, const std::string& found) {
    throw core::ConfigError("Random." + key + ": expected " + expected + ", found " + found);
  };
  if (o.num_users < 1) bad("NUM_USERS", "a positive integer", std::to_string(o.num_users));
  if (o.num_rounds < 0) bad("NUM_ROUNDS", "a non-negative integer (0: no limit)", std::to_string(o.num_rounds));
  if (o.prompt_len < 1) bad("PROMPT_LEN", "a positive integer", std::to_string(o.prompt_len));
  if (o.answer_len < 1) bad("ANSWER_LEN", "a positive integer", std::to_string(o.answer_len));
  if (!o.next_gap && !(o.qps > 0 && std::isfinite(o.qps))) bad("QPS", "a positive number", std::to_string(o.qps));
}

std::optional<std::uint64_t> RandomWorkload::total_requests() const {
  if (options_.num_rounds == 0) return std::nullopt;
  return static_cast<std::uint64_t>(options_.num_users) * static_cast<std::uint64_t>(options_.num_rounds);
}

void RandomWorkload::start(core::TimePoint t0) {
  taken_ = 0;
  t0_ = t0;
  next_ = options_.next_gap ? t0 + options_.next_gap() : t0;
}

std::optional<core::TimePoint> RandomWorkload::next_send_time() {
  if (finished()) return std::nullopt;
  return next_;
}

Request RandomWorkload::take(core::TimePoint /*now*/) {
  const std::uint64_t i = taken_;
  Request r;
  r.id = i;
  r.intended_send = *next_;
  r.user_id = std::to_string(i % static_cast<std::uint64_t>(options_.num_users));
  r.round = static_cast<int>(i / static_cast<std::uint64_t>(options_.num_users)) + 1;
  r.api = options_.api;
  std::string prompt = synth_.user_text(i, options_.seed, options_.prompt_len);
  if (r.api == Api::kChat) {
    r.messages.push_back(openai::ChatMessage{"user", std::move(prompt)});
  } else {
    r.prompt = std::move(prompt);
  }
  r.prompt_tokens = options_.prompt_len;
  r.max_tokens = options_.answer_len;
  r.ignore_eos = options_.ignore_eos;
  r.headers.emplace_back("x-user-id", r.user_id);
  advance();
  return r;
}

void RandomWorkload::skip(core::TimePoint /*now*/) { advance(); }

void RandomWorkload::advance() {
  ++taken_;
  if (finished()) {
    next_.reset();  // the arrival process is not asked for a gap nobody will use
  } else if (options_.next_gap) {
    *next_ += options_.next_gap();
  } else {
    // From the start, not from the previous time, so rounding never accumulates.
    next_ = t0_ + core::from_seconds(static_cast<double>(taken_) / options_.qps);
  }
}

void RandomWorkload::on_response(const Response& /*response*/, core::TimePoint /*now*/) {
  // Independent requests: answers change nothing.
}

bool RandomWorkload::finished() const {
  const auto total = total_requests();
  if (total && taken_ >= *total) return true;
  return options_.duration && next_ && *next_ >= t0_ + *options_.duration;
}

}  // namespace lmbench::workloads
