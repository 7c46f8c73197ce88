#include "report/axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lmbench::report {

std::string Axis::label(double v) const {
  if (std::abs(v) < 1e-12) v = 0;  // no "-0"
  return fmt::format("{:.{}f}", v, decimals);
}

Axis nice_axis(double lo, double hi, int target_ticks, bool from_zero, bool tight) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = 0;
  if (lo > hi) std::swap(lo, hi);
  if (from_zero) lo = std::min(lo, 0.0);
  if (hi - lo <= 0) {
    // One value: show it in the middle of a range (or 0..1 for zero).
    const double v = hi;
    if (v == 0) {
      hi = 1;
    } else if (from_zero || v > 0) {
      lo = from_zero ? 0 : v * 0.5;
      hi = v * (from_zero ? 1.2 : 1.5);
    } else {
      lo = v * 1.5;
      hi = v * 0.5;
    }
  }
  const double raw_step = (hi - lo) / std::max(1, target_ticks - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  double step = magnitude * 10;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * magnitude >= raw_step) {
      step = m * magnitude;
      break;
    }
  }
  Axis axis;
  axis.min = std::floor(lo / step + 1e-9) * step;
  axis.max = std::ceil(hi / step - 1e-9) * step;
  if (axis.max <= axis.min) axis.max = axis.min + step;
  const int n = static_cast<int>(std::lround((axis.max - axis.min) / step));
  for (int i = 0; i <= n; ++i) {
    const double t = axis.min + i * step;
    if (!tight || (t >= lo - step * 1e-9 && t <= hi + step * 1e-9)) axis.ticks.push_back(t);
  }
  if (tight) {
    axis.min = lo;
    axis.max = hi;
  }
  // Decimals: enough for the step (2.5 * 10^-1 needs 2).
  int decimals = 0;
  while (decimals < 6 && std::abs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6) {
    ++decimals;
  }
  axis.decimals = decimals;
  return axis;
}

Axis data_axis(double lo, double hi, int target_ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = 0;
  const double pad = hi > lo ? (hi - lo) * 0.06 : std::max(std::abs(hi) * 0.5, 0.5);
  const bool from_zero = lo >= 0 && (lo - pad <= 0 || lo < (hi - lo) * 0.25);
  return nice_axis(from_zero ? 0.0 : lo - pad, hi + pad, target_ticks, from_zero, /*tight=*/true);
}

}  // namespace lmbench::report
