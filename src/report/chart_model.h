#pragma once
// What a chart shows, independent of how it is drawn (cairo PNG or inline SVG).

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "report/comparison.h"

namespace lmbench::report {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  std::string hex() const;  // "#1f77b4"
};

// Colour of the i-th series. The first ten are the Tableau 10 colours without its grey (grey
// would be confused with the grid and the axes); later ones step around the hue circle by the
// golden angle, so every series gets a distinct, non-grey colour.
Rgb series_color(std::size_t index);

// Marker shapes cycle with the series too, so lines stay distinguishable without colour.
enum class Marker { kCircle, kSquare, kTriangle, kDiamond, kTriangleDown, kPentagon };
Marker series_marker(std::size_t index);

// A vertical interval at x: the 95% confidence interval of a point measured in several trials.
struct ErrorBar {
  double x = 0;
  double lo = 0;
  double hi = 0;
};

struct Series {
  std::string name;
  std::size_t style = 0;                        // index into series_color / series_marker
  std::vector<std::pair<double, double>> points;  // (x, y), ascending x
  // x values whose point comes from a run whose own numbers are invalid (metrics/validity.h):
  // drawn hollow, and listed under the chart.
  std::vector<double> invalid_x;
  // Intervals drawn as error bars (points with at least two trials), ascending x.
  std::vector<ErrorBar> errors;
  bool is_invalid(double x) const;
};

struct Panel {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
};

// Horizontal offset, in units of `step` pixels, of `series`' error bars: the series of a panel
// that have error bars are spread side by side around the point (0 for a lone one), so close
// intervals of different baselines at one QPS stay distinguishable.
double error_bar_offset(const Panel& panel, const Series& series, double step);

// The three comparison panels: TTFT, ITL and TPOT in ms against QPS. Every KEY gets the same
// style in every panel (by its index in comparison.keys()); a KEY appears at a QPS only where it
// has a value there. Points with at least two trials carry their 95% interval as an error bar.
std::array<Panel, 3> comparison_panels(const Comparison& comparison);

}  // namespace lmbench::report
