#pragma once
// Maps the engine's virtual time to wall-clock time for a driver that paces steps:
//   wall(t) = origin + (t - virtual_origin) / time_scale
// so time_scale 10 runs ten times faster than the model, and every duration a client observes
// (TTFT, ITL, frontend delay) shrinks by the same factor. The driver sleeps until
// wall_time(step.end()) before delivering a step's tokens and, while idle, moves the engine to
// virtual_now(). The clock is injected, so tests drive it with a ManualClock.

#include "core/clock.h"

namespace lmbench::sim {

class Pacer {
 public:
  // `clock` must outlive the pacer. time_scale must be > 0 (throws std::invalid_argument).
  Pacer(const core::Clock& clock, double time_scale, core::Duration virtual_origin = core::Duration{0});

  core::TimePoint wall_time(core::Duration virtual_time) const;
  core::Duration virtual_now() const;
  // How far the wall clock is behind (positive) or ahead of the schedule for `virtual_time`.
  core::Duration lag(core::Duration virtual_time) const;
  double time_scale() const { return scale_; }

 private:
  const core::Clock& clock_;
  double scale_;
  core::TimePoint wall_origin_;
  core::Duration virtual_origin_;
};

}  // namespace lmbench::sim
