#include "workloads/shard.h"

#include <utility>

#include "core/error.h"

namespace lmbench::workloads {

ShardFilter::ShardFilter(std::unique_ptr<Workload> inner, Shard shard) : inner_(std::move(inner)), shard_(shard) {}

void ShardFilter::start(core::TimePoint t0) {
  ordinal_ = 0;
  inner_->start(t0);
  skip_foreign();
}

void ShardFilter::skip_foreign() {
  // An open-arrival schedule does not depend on the clock, so a foreign request is skipped with
  // its own intended time (skip's precondition), however far ahead of the clock it is. Skipping
  // right after each take, not only in next_send_time(), lets finished() see that the requests
  // left are all foreign.
  while (!shard_.owns(ordinal_)) {
    const auto t = inner_->next_send_time();
    if (!t) return;  // finished, or (a closed loop) waiting for an answer: skipped when it is known
    inner_->skip(*t);
    ++ordinal_;
  }
}

std::optional<core::TimePoint> ShardFilter::next_send_time() {
  skip_foreign();
  return inner_->next_send_time();
}

Request ShardFilter::take(core::TimePoint now) {
  skip_foreign();
  Request r = inner_->take(now);
  ++ordinal_;
  skip_foreign();
  return r;
}

void ShardFilter::on_response(const Response& response, core::TimePoint now) { inner_->on_response(response, now); }

bool ShardFilter::finished() const { return inner_->finished(); }

std::unique_ptr<Workload> apply_shard(std::unique_ptr<Workload> whole, Shard shard) {
  if (shard.count < 1) {
    throw core::ConfigError("shard count: expected a positive integer, found " + std::to_string(shard.count));
  }
  if (shard.index < 0 || shard.index >= shard.count) {
    throw core::ConfigError("shard index: expected 0 to " + std::to_string(shard.count - 1) + " (shard count " +
                            std::to_string(shard.count) + "), found " + std::to_string(shard.index));
  }
  if (shard.whole()) return whole;
  if (whole->restrict_to_shard(shard.index, shard.count)) return whole;
  return std::make_unique<ShardFilter>(std::move(whole), shard);
}

}  // namespace lmbench::workloads
