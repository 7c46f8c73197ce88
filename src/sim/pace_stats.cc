#include "sim/pace_stats.h"

#include <fmt/format.h>

#include <algorithm>

namespace lmbench::sim {

namespace {
constexpr core::Duration kWindow = std::chrono::seconds(1);
}

void PaceStats::observe_lag(std::chrono::nanoseconds lag) {
  const auto ns = std::max<std::int64_t>(0, lag.count());
  const double s = static_cast<double>(ns) / 1e9;
  std::size_t i = 0;
  while (i < kLagBounds.size() && s > kLagBounds[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

void PaceStats::add_busy(core::Duration busy, core::TimePoint now) {
  std::lock_guard lock(busy_mu_);
  busy_total_ += busy;
  if (!window_start_) window_start_ = now - busy;
  busy_window_ += busy;
  const core::Duration elapsed = now - *window_start_;
  if (elapsed >= kWindow) {
    last_ratio_ = std::min(1.0, core::to_seconds(busy_window_) / core::to_seconds(elapsed));
    busy_window_ = core::Duration{0};
    window_start_ = now;
  }
}

PaceStats::Snapshot PaceStats::snapshot(core::TimePoint now) const {
  Snapshot s;
  for (std::size_t i = 0; i < counts_.size(); ++i) s.counts[i] = counts_[i].load(std::memory_order_relaxed);
  s.count = count_.load(std::memory_order_relaxed);
  s.sum_s = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  std::lock_guard lock(busy_mu_);
  s.busy_s = core::to_seconds(busy_total_);
  s.busy_ratio = last_ratio_;
  // A loop idle for longer than a window has published nothing since: its share decays.
  if (window_start_ && now - *window_start_ > 2 * kWindow) {
    s.busy_ratio = std::min(1.0, core::to_seconds(busy_window_) / core::to_seconds(now - *window_start_));
  }
  return s;
}

std::string PaceStats::render(const Snapshot& s, const std::string& labels) {
  std::string out;
  auto it = std::back_inserter(out);
  const auto num = [](double v) { return fmt::format("{}", v); };
  fmt::format_to(it,
                 "# HELP lmbench:sim_emission_lag_seconds A token's bytes on the socket minus the wall time the "
                 "model scheduled them for.\n# TYPE lmbench:sim_emission_lag_seconds histogram\n");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLagBounds.size(); ++i) {
    cumulative += s.counts[i];
    fmt::format_to(it, "lmbench:sim_emission_lag_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, num(kLagBounds[i]), cumulative);
  }
  cumulative += s.counts.back();
  fmt::format_to(it, "lmbench:sim_emission_lag_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, cumulative);
  fmt::format_to(it, "lmbench:sim_emission_lag_seconds_sum{{{}}} {}\n", labels, num(s.sum_s));
  fmt::format_to(it, "lmbench:sim_emission_lag_seconds_count{{{}}} {}\n", labels, s.count);
  fmt::format_to(it,
                 "# HELP lmbench:sim_engine_busy_ratio Busy share of the engine loop over the last second of wall "
                 "time.\n# TYPE lmbench:sim_engine_busy_ratio gauge\nlmbench:sim_engine_busy_ratio{{{}}} {}\n",
                 labels, num(s.busy_ratio));
  fmt::format_to(it,
                 "# HELP lmbench:sim_engine_busy_seconds_total Wall seconds the engine loop was busy.\n"
                 "# TYPE lmbench:sim_engine_busy_seconds_total counter\nlmbench:sim_engine_busy_seconds_total{{{}}} {}\n",
                 labels, num(s.busy_s));
  return out;
}

}  // namespace lmbench::sim
