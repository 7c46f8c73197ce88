#pragma once
// Axis ranges and tick marks shared by the PNG (cairo) and SVG charts.

#include <string>
#include <vector>

namespace lmbench::report {

struct Axis {
  double min = 0;
  double max = 1;
  std::vector<double> ticks;  // from min to max inclusive, evenly spaced by "nice" steps
  int decimals = 0;           // enough to tell ticks apart
  bool log = false;           // logarithmic (min > 0): ticks at 1, 2 and 5 times powers of ten

  // Position of v in [0, 1] along the axis (on a log axis, values at or below min sit at 0).
  double fraction(double v) const;
  std::string label(double v) const;
};

// An axis covering [lo, hi] with about `target_ticks` ticks at 1, 2, 2.5 or 5 times a power of
// ten. `from_zero` starts it at 0 (latency axes: bars and lines compare honestly from zero).
// A single value (lo == hi) gets a range around it. `tight` keeps [lo, hi] as the axis range
// (ticks fall inside it); otherwise the range widens to the outer ticks.
Axis nice_axis(double lo, double hi, int target_ticks = 6, bool from_zero = false, bool tight = false);

// An axis for measured x values such as QPS: the data's range plus 6% each side (markers stay
// clear of the frame), from 0 when the lowest value is near it anyway; ticks inside.
Axis data_axis(double lo, double hi, int target_ticks = 7);

// A logarithmic axis over [lo, hi], 0 < lo <= hi: ticks at 1, 2 and 5 times each power of ten
// (powers of ten only, when the values span more than four decades), the range from the last
// tick at or below lo to the first at or above hi.
Axis log_axis(double lo, double hi);

// The y axis of a latency chart whose values lie in [lo, hi]: linear from zero, unless every value
// is positive and they span more than `log_ratio` times, then logarithmic, so that one baseline an
// order of magnitude slower than the rest does not flatten them all onto the floor.
Axis latency_axis(double lo, double hi, double log_ratio = 20);

// "TTFT (ms)" -> "TTFT (ms, log scale)" on a log axis; unchanged otherwise.
std::string axis_title(const std::string& label, const Axis& axis);

}  // namespace lmbench::report
