// Error bars: the 95% interval of a point measured in several trials, in the SVG charts of
// report.html and in the comparison PNG.

#include <cairo.h>
#include <gtest/gtest.h>

#include <regex>

#include "core/files.h"
#include "report/chart_model.h"
#include "report/png_chart.h"
#include "report/suite_report.h"
#include "report/svg_chart.h"
#include "trials_fixture.h"

namespace lmbench::report {
namespace {

namespace fs = std::filesystem;
using testing::TrialFigures;

int count_of(const std::string& s, const std::string& part) {
  int n = 0;
  for (std::size_t at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

// Known data on a known frame: the SVG is 560 x 360 with the plot at x 64..546 (482 wide) and
// y 34..308 (274 high); x axis 0..4, y axis 0..200 (y_max given). The interval [50, 150] at x = 2
// is the line x = 64 + 2/4·482 = 305.0 from y = 308 − 50/200·274 = 239.5 to 308 − 150/200·274 =
// 102.5, with caps 5 px each side.
TEST(ErrorBars, SvgDrawsTheIntervalAtTheRightCoordinates) {
  Panel panel{"TTFT", "QPS", "TTFT (ms)", {}};
  Series s;
  s.name = "A";
  s.points = {{1, 80}, {2, 100}};
  s.errors = {ErrorBar{2, 50, 150}};
  panel.series.push_back(s);
  Series plain;
  plain.name = "B";
  plain.style = 1;
  plain.points = {{1, 60}, {2, 70}};
  panel.series.push_back(plain);
  Axis x;
  x.min = 0;
  x.max = 4;
  x.ticks = {0, 1, 2, 3, 4};
  SvgOptions o;
  o.y_max = 200;
  const std::string svg = render_svg_chart(panel, x, o);
  EXPECT_EQ(count_of(svg, R"(<g class="err")"), 1);  // B has none
  EXPECT_NE(svg.find(R"(<g class="err" stroke=")" + series_color(0).hex() + "\""), std::string::npos);
  EXPECT_NE(svg.find(R"(<line x1="305.0" y1="239.5" x2="305.0" y2="102.5"/>)"), std::string::npos) << svg;
  EXPECT_NE(svg.find(R"(<line x1="300.0" y1="239.5" x2="310.0" y2="239.5"/>)"), std::string::npos);
  EXPECT_NE(svg.find(R"(<line x1="300.0" y1="102.5" x2="310.0" y2="102.5"/>)"), std::string::npos);
  EXPECT_NE(svg.find("<title>A: 95% CI 50.00 to 150.0 </title>"), std::string::npos);

  // Two baselines with bars at one QPS: side by side, 4 px apart around the point.
  Panel both = panel;
  both.series[1].errors = {ErrorBar{2, 60, 80}};
  const std::string dodged = render_svg_chart(both, x, o);
  EXPECT_NE(dodged.find(R"(<line x1="303.0" y1="239.5" x2="303.0" y2="102.5"/>)"), std::string::npos);
  EXPECT_NE(dodged.find(R"(<line x1="307.0" y1="225.8" x2="307.0" y2="198.4"/>)"), std::string::npos);

  // A bottom below the axis (a wide interval over few trials) is cut at the frame; the axis fits
  // the top of the bar when no y_max is given.
  panel.series[0].errors = {ErrorBar{2, -40, 400}};
  const std::string wide = render_svg_chart(panel, x, SvgOptions{});
  const std::regex bar(R"re(<g class="err"[^>]*><line x1="305.0" y1="([0-9.]+)" x2="305.0" y2="([0-9.]+)"/>)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(wide, m, bar)) << wide;
  EXPECT_DOUBLE_EQ(std::stod(m[1]), 308.0);  // the frame's bottom
  // The top (400, the largest value) lies on the axis, below the frame's top (34) rather than cut
  // there: with the axis up to 420 or more it is at least 308 - 400/420·274 = 47.
  EXPECT_GT(std::stod(m[2]), 45.0);
  EXPECT_LT(std::stod(m[2]), 100.0);
}

// From run JSONs to report.html: a point with three trials gets a bar in each of the three
// panels; points with one run get none.
TEST(ErrorBars, ReportChartsHaveBarsOnlyForRepeatedPoints) {
  const fs::path dir = testing::empty_suite("html_bars");
  for (int i = 1; i <= 3; ++i) {
    testing::write_run(dir, testing::make_run("A", 1, "lmbench-5-eeee", "20261206-140" + std::to_string(i), i, 3,
                                              TrialFigures{100.0 + 10 * i, 10.0 + i, 20.0 + i, 300, 1000}));
  }
  testing::write_run(dir, testing::make_run("A", 2, "lmbench-5-eeee", "20261206-1410", 0, 0, TrialFigures{}));
  testing::write_run(dir, testing::make_run("B", 1, "lmbench-5-eeee", "20261206-1420", 0, 0, TrialFigures{}));
  generate_suite_report(dir);
  const std::string html = core::read_file(dir / "report.html");
  EXPECT_EQ(count_of(html, R"(<g class="err")"), 3);
  EXPECT_NE(html.find("Means across trials"), std::string::npos);
  fs::remove_all(dir.parent_path());
}

int pixels_of(const std::string& png_bytes, Rgb c) {
  struct Reader {
    const std::string* data;
    std::size_t at = 0;
  } reader{&png_bytes};
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(
      [](void* closure, unsigned char* out, unsigned int length) {
        auto* r = static_cast<Reader*>(closure);
        if (r->at + length > r->data->size()) return CAIRO_STATUS_READ_ERROR;
        std::copy_n(r->data->data() + r->at, length, out);
        r->at += length;
        return CAIRO_STATUS_SUCCESS;
      },
      &reader);
  const int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  const std::uint32_t key = (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
  int n = 0;
  for (int y = 0; y < h; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * stride);
    for (int x = 0; x < w; ++x) n += (row[x] & 0xffffff) == key;
  }
  cairo_surface_destroy(s);
  return n;
}

// The PNG: the same means drawn with and without their intervals; the bars add pixels of the
// series' colour in each of the three panels (a 2 px line over tens of pixels, and its caps).
TEST(ErrorBars, PngDrawsBarsInTheSeriesColour) {
  const fs::path dir = testing::empty_suite("png_bars");
  std::vector<metrics::RunFile> runs;
  for (int i = 1; i <= 3; ++i) {
    runs.push_back(testing::make_run("A", 1, "lmbench-6-ffff", "20261206-150" + std::to_string(i), i, 3,
                                     TrialFigures{100.0 + 30 * (i - 2), 10.0 + 3 * (i - 2), 20.0 + 6 * (i - 2), 300, 1000}));
  }
  runs.push_back(testing::make_run("A", 2, "", "20261206-1510", 0, 0, TrialFigures{160, 16, 32, 300, 1000}));
  Notes notes;
  const auto with = build_comparisons(runs, &notes).at("synthetic");
  // The same means from single runs: no bars.
  std::vector<metrics::RunFile> plain = {testing::make_run("A", 1, "", "20261206-1501", 0, 0, TrialFigures{100, 10, 20, 300, 1000}),
                                         runs.back()};
  const auto without = build_comparisons(plain, &notes).at("synthetic");
  ASSERT_EQ(comparison_panels(with)[0].series[0].errors.size(), 1u);
  ASSERT_TRUE(comparison_panels(without)[0].series[0].errors.empty());
  const int bars = pixels_of(render_comparison_png(with, "t"), series_color(0)) -
                   pixels_of(render_comparison_png(without, "t"), series_color(0));
  EXPECT_GT(bars, 3 * 100) << bars;
  fs::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace lmbench::report
