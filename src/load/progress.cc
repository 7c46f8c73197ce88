#include "load/progress.h"

#include <fmt/format.h>

#include <algorithm>

namespace lmbench::load {

namespace {
// 1 µs to ~3 hours covers any latency or lag; values outside are counted, not dropped.
constexpr double kLowestMs = 0.001;
constexpr double kHighestMs = 1e7;
}  // namespace

ProgressTracker::ProgressTracker() : ttft_ms_(kLowestMs, kHighestMs), lag_ms_(kLowestMs, kHighestMs) {}

void ProgressTracker::on_sent(core::Duration lag) {
  ++sent_;
  const double ms = core::to_ms(lag);
  lag_ms_.record(ms);
  lag_max_ms_ = std::max(lag_max_ms_, ms);
}

void ProgressTracker::on_finished(bool ok, bool cancelled, std::optional<core::Duration> ttft) {
  if (ok) {
    ++done_;
    if (ttft) ttft_ms_.record(core::to_ms(*ttft));
  } else if (cancelled) {
    ++cancelled_;
  } else {
    ++failed_;
  }
}

Progress ProgressTracker::snapshot(core::Duration elapsed, bool final) const {
  Progress p;
  p.elapsed = elapsed;
  p.sent = sent_;
  p.done = done_;
  p.failed = failed_;
  p.cancelled = cancelled_;
  p.in_flight = sent_ - done_ - failed_ - cancelled_;
  p.ttft_p50_ms = ttft_ms_.percentile(50);
  p.lag_p99_ms = lag_ms_.percentile(99);
  p.lag_max_ms = lag_max_ms_;
  p.final = final;
  return p;
}

std::string format_progress(const Progress& p) {
  std::string line = fmt::format("{:7.1f}s  sent {}  done {}  failed {}", core::to_seconds(p.elapsed), p.sent,
                                 p.done, p.failed);
  if (p.cancelled > 0) line += fmt::format("  cancelled {}", p.cancelled);
  line += fmt::format("  in flight {}", p.in_flight);
  line += p.ttft_p50_ms ? fmt::format("  TTFT p50 {:.1f} ms", *p.ttft_p50_ms) : std::string("  TTFT p50 -");
  line += p.lag_p99_ms ? fmt::format("  lag p99 {:.2f} ms", *p.lag_p99_ms) : std::string("  lag p99 -");
  return line;
}

}  // namespace lmbench::load
