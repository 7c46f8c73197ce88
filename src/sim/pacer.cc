#include "sim/pacer.h"

#include <stdexcept>

namespace lmbench::sim {

Pacer::Pacer(const core::Clock& clock, double time_scale, core::Duration virtual_origin)
    : clock_(clock), scale_(time_scale), wall_origin_(clock.now()), virtual_origin_(virtual_origin) {
  if (!(time_scale > 0)) throw std::invalid_argument("time scale must be > 0");
}

core::TimePoint Pacer::wall_time(core::Duration virtual_time) const {
  const auto scaled = std::chrono::duration_cast<core::Duration>((virtual_time - virtual_origin_) / scale_);
  return wall_origin_ + scaled;
}

core::Duration Pacer::virtual_now() const {
  const auto elapsed = clock_.now() - wall_origin_;
  return virtual_origin_ + std::chrono::duration_cast<core::Duration>(elapsed * scale_);
}

core::Duration Pacer::lag(core::Duration virtual_time) const { return clock_.now() - wall_time(virtual_time); }

}  // namespace lmbench::sim
