// The inline SVG chart puts each point where its drawn axes say: for known data, every marker's
// centre read back through the tick labels is the data point, and the axes run the right way.

#include "report/svg_chart.h"

#include <gtest/gtest.h>

#include "svg_points.h"

namespace lmbench::report {
namespace {

TEST(SvgChart, MarkersSitWhereTheAxesPutTheirValues) {
  Panel panel;
  panel.title = "TTFT";
  Series a{"a", 0, {{1, 10}, {2, 25}, {4, 40}}, {}, {}};
  Series b{"b", 6, {{1.5, 5}, {3, 33}}, {}, {}};  // style 6: a circle again, another colour
  panel.series = {a, b};
  const Axis x_axis = data_axis(1, 4);
  const std::string svg = render_svg_chart(panel, x_axis, SvgOptions{});
  const auto chart = testing::read_svg_chart(svg);
  ASSERT_TRUE(chart);
  ASSERT_GE(chart->x.ticks.size(), 2u);
  ASSERT_GE(chart->y.ticks.size(), 2u);
  // Larger values to the right and upwards; every tick on the same straight line.
  EXPECT_GT(chart->x.ticks.back().second, chart->x.ticks.front().second);
  EXPECT_LT(chart->y.ticks.back().second, chart->y.ticks.front().second);
  for (const auto& [v, p] : chart->x.ticks) EXPECT_NEAR(chart->x.position(v), p, 0.15) << "x tick " << v;
  for (const auto& [v, p] : chart->y.ticks) EXPECT_NEAR(chart->y.position(v), p, 0.15) << "y tick " << v;

  std::vector<std::pair<double, double>> data;
  for (const auto& s : panel.series) data.insert(data.end(), s.points.begin(), s.points.end());
  ASSERT_EQ(chart->circles.size(), data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    EXPECT_NEAR(chart->circles[i].first, chart->x.position(data[i].first), 0.15) << "point " << i;
    EXPECT_NEAR(chart->circles[i].second, chart->y.position(data[i].second), 0.15) << "point " << i;
  }
}

}  // namespace
}  // namespace lmbench::report
