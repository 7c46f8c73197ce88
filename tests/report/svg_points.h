#pragma once
// Reads an inline SVG chart (report/svg_chart.h) the way a reader of the chart does: the tick
// labels drawn on each axis give the value at each position, and a marker's position is read
// back as data through them. Tests compare that with the data the chart was drawn from, so a
// point drawn in the wrong place fails even when its colour and tooltip are right.

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace lmbench::report::testing {

struct DrawnAxis {
  std::vector<std::pair<double, double>> ticks;  // (value from the label, pixel position)
  // Pixel position of `value` by the first and last tick (the charts here are linear).
  double position(double value) const {
    const auto& [v0, p0] = ticks.front();
    const auto& [v1, p1] = ticks.back();
    return p0 + (value - v0) * (p1 - p0) / (v1 - v0);
  }
};

struct DrawnChart {
  DrawnAxis x, y;
  std::vector<std::pair<double, double>> circles;  // marker centres (cx, cy)
};

// The first <svg class="chart"> at or after `from` in `html`, read.
inline std::optional<DrawnChart> read_svg_chart(const std::string& html, std::size_t from = 0) {
  const std::size_t begin = html.find("<svg class=\"chart\"", from);
  if (begin == std::string::npos) return std::nullopt;
  const std::size_t end = html.find("</svg>", begin);
  const std::string svg = html.substr(begin, end - begin);
  DrawnChart c;
  // y tick labels sit 4 px below their grid line; x tick labels are centred on theirs.
  static const std::regex tick(R"re(<text x="([-0-9.]+)" y="([-0-9.]+)" class="(xt|yt)">([-0-9.]+)</text>)re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), tick), last; it != last; ++it) {
    const double value = std::stod((*it)[4]);
    if ((*it)[3] == "yt") {
      c.y.ticks.emplace_back(value, std::stod((*it)[2]) - 4);
    } else {
      c.x.ticks.emplace_back(value, std::stod((*it)[1]));
    }
  }
  static const std::regex circle(R"re(<circle cx="([-0-9.]+)" cy="([-0-9.]+)")re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), circle), last; it != last; ++it) {
    c.circles.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  }
  return c;
}

}  // namespace lmbench::report::testing
