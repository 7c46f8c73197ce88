#include "workloads/trace_replayer.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.h"
#include "workloads/conversation.h"

namespace lmbench::workloads {

TraceReplayerWorkload::TraceReplayerWorkload(const text::PromptSynth& synth, Trace trace, TraceReplayerOptions options)
    : synth_(synth), source_(trace.source), o_(std::move(options)) {
  auto bad = [](const std::string& key, const std::string& expected, double found) {
    throw core::ConfigError("TraceReplayer." + key + ": expected " + expected + ", found " + std::to_string(found));
  };
  if (o_.start_time.count() < 0) bad("START_TIME", "seconds >= 0", core::to_seconds(o_.start_time));
  if (o_.duration && o_.duration->count() <= 0) bad("DURATION", "positive seconds or 'full'", core::to_seconds(*o_.duration));
  if (!(o_.speed_up > 0 && std::isfinite(o_.speed_up))) bad("SPEED_UP", "a positive number", o_.speed_up);
  if (o_.max_delay && o_.max_delay->count() < 0) bad("MAX_DELAY", "seconds >= 0", core::to_seconds(*o_.max_delay));
  if (!o_.preserve_timing && !(o_.qps > 0 && std::isfinite(o_.qps))) bad("QPS", "a positive number", o_.qps);

  for (auto& e : trace.entries) {
    if (e.offset < o_.start_time) continue;
    if (o_.duration && e.offset >= o_.start_time + *o_.duration) continue;
    selected_.push_back(std::move(e));
  }
  if (selected_.empty()) {
    throw core::ConfigError(source_ + ": no request of the trace falls in START_TIME " +
                            std::to_string(core::to_seconds(o_.start_time)) + " s, DURATION " +
                            (o_.duration ? std::to_string(core::to_seconds(*o_.duration)) + " s" : "full"));
  }
  core::Duration at{};
  core::Duration previous = o_.start_time;
  for (std::size_t i = 0; i < selected_.size(); ++i) {
    if (o_.preserve_timing) {
      auto gap = core::from_seconds(core::to_seconds(selected_[i].offset - previous) / o_.speed_up);
      if (o_.max_delay) gap = std::min(gap, *o_.max_delay);
      at += gap;
      previous = selected_[i].offset;
      send_offsets_.push_back(at);
    } else {
      send_offsets_.push_back(core::from_seconds(static_cast<double>(i) / o_.qps));
    }
  }
}

bool TraceReplayerWorkload::finished() const {
  if (taken_ >= selected_.size()) return true;
  return o_.send_limit && send_offsets_[taken_] >= *o_.send_limit;
}

void TraceReplayerWorkload::start(core::TimePoint t0) {
  t0_ = t0;
  taken_ = 0;
}

std::optional<core::TimePoint> TraceReplayerWorkload::next_send_time() {
  if (finished()) return std::nullopt;
  return t0_ + send_offsets_[taken_];
}

// The schedule is fixed up front: taking or skipping an entry only moves past it.
void TraceReplayerWorkload::skip(core::TimePoint /*now*/) { ++taken_; }

Request TraceReplayerWorkload::take(core::TimePoint now) {
  const std::size_t i = taken_;
  skip(now);
  const TraceEntry& e = selected_[i];
  Request r;
  r.id = i;
  r.intended_send = t0_ + send_offsets_[i];
  r.round = 1;
  std::string text = e.hash_ids.empty()
                         ? synth_.user_text(static_cast<std::uint64_t>(e.line), o_.seed, e.input_length)
                         : synth_.blocks(e.hash_ids, e.input_length, o_.salt);
  set_single_turn(r, o_.api, std::move(text), e.input_length);
  r.max_tokens = e.output_length;
  r.ignore_eos = true;
  return r;
}

void TraceReplayerWorkload::on_response(const Response& /*response*/, core::TimePoint /*now*/) {
  // Independent requests: answers change nothing.
}

}  // namespace lmbench::workloads
