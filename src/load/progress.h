#pragma once
// Live counters of a run, kept by the runner on its loop thread and handed to a progress
// callback: what `lmbench bench` prints in place while a run goes on.

#include <cstddef>
#include <optional>
#include <string>

#include "core/clock.h"
#include "metrics/histogram.h"

namespace lmbench::load {

struct Progress {
  core::Duration elapsed{};   // since the run started
  std::size_t sent = 0;
  std::size_t done = 0;       // finished successfully
  std::size_t failed = 0;
  std::size_t cancelled = 0;
  std::size_t in_flight = 0;
  std::optional<double> ttft_p50_ms;  // over successful requests so far (approximate, 1%)
  std::optional<double> lag_p99_ms;   // scheduling lag over every request sent so far
  double lag_max_ms = 0;
  bool final = false;                 // the last report of the run
};

// Keeps the counters and the approximate distributions behind a Progress.
class ProgressTracker {
 public:
  ProgressTracker();
  void on_sent(core::Duration lag);
  void on_finished(bool ok, bool cancelled, std::optional<core::Duration> ttft);
  Progress snapshot(core::Duration elapsed, bool final) const;

 private:
  std::size_t sent_ = 0;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  std::size_t cancelled_ = 0;
  double lag_max_ms_ = 0;
  metrics::LogHistogram ttft_ms_;
  metrics::LogHistogram lag_ms_;
};

// One line, e.g. "  12.0s  sent 24  done 22  failed 1  in flight 1  TTFT p50 35.2 ms  lag p99 0.21 ms"
std::string format_progress(const Progress& p);

}  // namespace lmbench::load
