#include "workloads/vllm_benchmark.h"

#include <cmath>
#include <utility>

#include "core/error.h"
#include "workloads/conversation.h"

namespace lmbench::workloads {

VllmBenchmarkWorkload::VllmBenchmarkWorkload(std::vector<VllmPrompt> prompts, VllmBenchmarkOptions options)
    : prompts_(std::move(prompts)), o_(std::move(options)) {
  auto bad = [](const std::string& key, const std::string& expected, double found) {
    throw core::ConfigError("VLLMBenchmark." + key + ": expected " + expected + ", found " + std::to_string(found));
  };
  if (!(o_.request_rate > 0)) bad("REQUEST_RATES", "a positive number or inf", o_.request_rate);
  if (!(o_.burstiness > 0 && std::isfinite(o_.burstiness))) bad("BURSTINESS", "a positive number", o_.burstiness);
  if (o_.max_tokens && *o_.max_tokens < 1) bad("MAX_TOKENS", "a positive integer", *o_.max_tokens);
  if (prompts_.empty()) throw core::ConfigError("VLLMBenchmark: the " + o_.dataset + " dataset gave no prompt");
  if (std::isfinite(o_.request_rate)) {
    gamma_ = std::gamma_distribution<double>(o_.burstiness, 1.0 / (o_.request_rate * o_.burstiness));
  }
}

void VllmBenchmarkWorkload::start(core::TimePoint t0) {
  t0_ = t0;
  taken_ = 0;
  next_s_ = 0;
  rng_.seed(o_.seed);
  gamma_.reset();
}

bool VllmBenchmarkWorkload::finished() const {
  if (taken_ >= prompts_.size()) return true;
  return o_.duration && t0_ + core::from_seconds(next_s_) >= t0_ + *o_.duration;
}

std::optional<core::TimePoint> VllmBenchmarkWorkload::next_send_time() {
  if (finished()) return std::nullopt;
  return t0_ + core::from_seconds(next_s_);
}

Request VllmBenchmarkWorkload::take(core::TimePoint /*now*/) {
  const std::size_t i = taken_;
  const VllmPrompt& p = prompts_[i];
  Request r;
  r.id = i;
  r.intended_send = t0_ + core::from_seconds(next_s_);
  r.round = 1;
  set_single_turn(r, o_.api, p.text, p.prompt_tokens);
  r.max_tokens = o_.max_tokens ? *o_.max_tokens : p.output_len;
  r.ignore_eos = o_.ignore_eos;
  r.temperature = o_.temperature;
  r.top_p = o_.top_p;
  r.top_k = o_.top_k;
  advance();
  return r;
}

void VllmBenchmarkWorkload::skip(core::TimePoint /*now*/) { advance(); }

void VllmBenchmarkWorkload::advance() {
  ++taken_;
  if (std::isfinite(o_.request_rate)) next_s_ += gamma_(rng_);
}

void VllmBenchmarkWorkload::on_response(const Response& /*response*/, core::TimePoint /*now*/) {
  // Independent requests: answers change nothing.
}

}  // namespace lmbench::workloads
