#pragma once
// Charts as inline SVG for the HTML report: no script, no external resource. Each point carries a
// <title>, which browsers show as a tooltip.

#include <string>

#include "report/axis.h"
#include "report/chart_model.h"

namespace lmbench::report {

struct SvgOptions {
  int width = 560;
  int height = 360;
  bool markers = true;   // a marker per point (comparison charts); off for dense curves
  bool step = false;     // draw as a step function (requests in flight)
  double y_max = 0;      // top of the y axis; 0: fit the data
  bool integer_y = false;  // counts: whole-number ticks only
  std::string x_unit;    // appended to tooltip values, e.g. "req/s"
  std::string y_unit;
  bool log_when_wide = false;  // a log y axis when the values span more than 20x (latency_axis)
};

// `x_axis` is given by the caller so several charts can share it; the y axis starts at 0 and
// fits the data.
std::string render_svg_chart(const Panel& panel, const Axis& x_axis, const SvgOptions& options);

// Text escaped for HTML and SVG content and attribute values.
std::string escape_html(std::string_view text);

}  // namespace lmbench::report
