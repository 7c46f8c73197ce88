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

  // Position of v in [0, 1] along the axis.
  double fraction(double v) const { return max > min ? (v - min) / (max - min) : 0.5; }
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

}  // namespace lmbench::report
