#include "report/axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lmbench::report {

double Axis::fraction(double v) const {
  if (log) {
    if (min <= 0 || max <= min) return 0.5;
    return v <= min ? 0 : (std::log10(v) - std::log10(min)) / (std::log10(max) - std::log10(min));
  }
  return max > min ? (v - min) / (max - min) : 0.5;
}

std::string Axis::label(double v) const {
  if (std::abs(v) < 1e-12) v = 0;  // no "-0"
  if (log) {
    // Each tick with the decimals it needs: 0.05, 0.1, 1, 20.
    int d = 0;
    while (d < 6 && std::abs(v * std::pow(10.0, d) - std::round(v * std::pow(10.0, d))) > 1e-6 * std::pow(10.0, d)) ++d;
    return fmt::format("{:.{}f}", v, d);
  }
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

Axis log_axis(double lo, double hi) {
  if (!(lo > 0) || !std::isfinite(lo) || !std::isfinite(hi)) return nice_axis(0, hi, 6, true);
  if (hi < lo) std::swap(lo, hi);
  const int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int last = std::max(first + 1, static_cast<int>(std::ceil(std::log10(hi) - 1e-9)));
  const bool sparse = last - first > 4;
  std::vector<double> candidates;
  for (int e = first; e <= last; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (!sparse || m == 1.0) candidates.push_back(m * std::pow(10.0, e));
    }
  }
  Axis axis;
  axis.log = true;
  // The range runs from the last tick at or below lo to the first at or above hi.
  axis.min = candidates.front();
  for (double t : candidates) {
    if (t <= lo * (1 + 1e-9)) axis.min = t;
  }
  axis.max = candidates.back();
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
    if (*it >= hi * (1 - 1e-9)) axis.max = *it;
  }
  if (axis.max <= axis.min) axis.max = candidates.back();
  for (double t : candidates) {
    if (t >= axis.min * (1 - 1e-9) && t <= axis.max * (1 + 1e-9)) axis.ticks.push_back(t);
  }
  return axis;
}

Axis latency_axis(double lo, double hi, double log_ratio) {
  if (lo > 0 && hi / lo > log_ratio) return log_axis(lo, hi);
  return nice_axis(0, hi * 1.05, 6, /*from_zero=*/true);
}

std::string axis_title(const std::string& label, const Axis& axis) {
  if (!axis.log) return label;
  if (!label.empty() && label.back() == ')') return label.substr(0, label.size() - 1) + ", log scale)";
  return label + " (log scale)";
}

}  // namespace lmbench::report
