#include "report/png_chart.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/files.h"
#include "report/axis.h"
#include "report/chart_model.h"
#include "report/suite_report.h"
#include "report_fixture.h"

namespace lmbench::report {
namespace {

namespace fs = std::filesystem;

struct Image {
  int width = 0;
  int height = 0;
  std::map<std::uint32_t, int> pixels_by_rgb;  // 0xRRGGBB -> count
  std::vector<std::uint32_t> rgb;              // row by row, 0xRRGGBB
};

Image read_png(const fs::path& path) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  Image img;
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return img;
  }
  img.width = cairo_image_surface_get_width(s);
  img.height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  for (int y = 0; y < img.height; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * stride);
    for (int x = 0; x < img.width; ++x) {
      ++img.pixels_by_rgb[row[x] & 0xffffff];
      img.rgb.push_back(row[x] & 0xffffff);
    }
  }
  cairo_surface_destroy(s);
  return img;
}

int count(const Image& img, Rgb c) {
  const std::uint32_t key = (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
  const auto it = img.pixels_by_rgb.find(key);
  return it == img.pixels_by_rgb.end() ? 0 : it->second;
}

// Pixels of exactly colour `c` in the rectangle [x0, x1) x [y0, y1).
int count_in(const Image& img, Rgb c, int x0, int y0, int x1, int y1) {
  const std::uint32_t key = (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
  int n = 0;
  for (int y = std::max(0, y0); y < std::min(img.height, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(img.width, x1); ++x) n += img.rgb[y * img.width + x] == key;
  return n;
}

// A marker is about 150 pixels of exactly its series' colour; anti-aliased edges never match
// exactly, so a count above this means the series was drawn.
constexpr int kDrawn = 100;
// One marker alone, the smallest shape: about 50 pixels of its exact colour.
constexpr int kOneMarker = 30;

TEST(ComparisonPng, SizeAndEveryBaselineColourPresent) {
  const fs::path suite = testing::copy_suite("png");
  generate_suite_report(suite);
  const Image synthetic = read_png(suite / "synthetic_comparison.png");
  EXPECT_EQ(synthetic.width, 2100);
  EXPECT_EQ(synthetic.height, 720);
  // Three KEYs sorted: kvaware, session, sglang_baseline (one point: a marker per panel only).
  for (std::size_t i = 0; i < 3; ++i) EXPECT_GT(count(synthetic, series_color(i)), kDrawn) << i;
  EXPECT_LT(count(synthetic, series_color(3)), 5);  // no fourth baseline
  // The one-point baseline: three markers and a legend swatch, no lines.
  EXPECT_LT(count(synthetic, series_color(2)), count(synthetic, series_color(0)));
  // Each of the three panels (equal thirds below the legend, which ends above y = 140) holds a
  // marker of every baseline, the one-point baseline included: the legend swatch alone does not count.
  const int panel_w = (synthetic.width - 60) / 3;
  for (int panel = 0; panel < 3; ++panel) {
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_GT(count_in(synthetic, series_color(i), 30 + panel * panel_w, 140, 30 + (panel + 1) * panel_w,
                         synthetic.height),
                kOneMarker)
          << "panel " << panel << " baseline " << i;
    }
  }

  const Image random = read_png(suite / "random_comparison.png");
  EXPECT_EQ(random.width, 2100);
  EXPECT_GT(count(random, series_color(0)), kDrawn);
  EXPECT_LT(count(random, series_color(1)), 5);
  fs::remove_all(suite.parent_path());
}

// The plot frames of the image (grey 0.45, drawn one pixel wide): every column and row that holds a
// long run of that grey, left to right and top to bottom.
struct Frames {
  std::vector<int> columns;  // left and right edge of each panel, in order
  std::vector<int> rows;     // top and bottom edge (shared by the panels)
};
Frames find_frames(const Image& img) {
  constexpr std::uint32_t kFrame = 0x737373;  // set_grey(0.45)
  std::vector<int> per_column(img.width), per_row(img.height);
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      if (img.rgb[y * img.width + x] != kFrame) continue;
      ++per_column[x];
      ++per_row[y];
    }
  }
  Frames f;
  for (int x = 0; x < img.width; ++x) {
    if (per_column[x] > 200) f.columns.push_back(x);
  }
  for (int y = 0; y < img.height; ++y) {
    if (per_row[y] > 200) f.rows.push_back(y);
  }
  return f;
}

// Each marker sits where the chart's axes put its values, for known data: random's one baseline
// (flat_basic_vllm) at QPS 1 and 4 has TTFT 55.5 / 75.25, ITL 12 / 13 and TPOT 12.5 / 13.5 ms
// (the fixture's run JSONs; QPS 2 failed). The axes are what axis.h gives for that data (x:
// data_axis over the QPS, y: latency_axis over the panel's values), laid over the plot frame
// found in the image; the 5x5 pixels around each expected centre must be the marker's colour.
TEST(ComparisonPng, MarkersSitWhereTheAxesPutTheirValues) {
  const fs::path suite = testing::copy_suite("png_points");
  generate_suite_report(suite);
  const Image img = read_png(suite / "random_comparison.png");
  const Frames frames = find_frames(img);
  ASSERT_EQ(frames.columns.size(), 6u) << "three panels, two edges each";
  ASSERT_EQ(frames.rows.size(), 2u);
  const Rgb c = series_color(0);
  const std::uint32_t colour = (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
  const double qps[2] = {1, 4};
  const double values[3][2] = {{55.5, 75.25}, {12, 13}, {12.5, 13.5}};  // TTFT, ITL, TPOT panels
  const Axis x_axis = data_axis(1, 4);
  for (int panel = 0; panel < 3; ++panel) {
    const double left = frames.columns[2 * panel], right = frames.columns[2 * panel + 1];
    const double top = frames.rows[0], bottom = frames.rows[1];
    const Axis y_axis = latency_axis(values[panel][0], values[panel][1]);
    for (int i = 0; i < 2; ++i) {
      const int cx = static_cast<int>(std::lround(left + x_axis.fraction(qps[i]) * (right - left)));
      const int cy = static_cast<int>(std::lround(bottom - y_axis.fraction(values[panel][i]) * (bottom - top)));
      int hits = 0;
      for (int y = cy - 2; y <= cy + 2; ++y) {
        for (int x = cx - 2; x <= cx + 2; ++x) hits += img.rgb[y * img.width + x] == colour;
      }
      EXPECT_EQ(hits, 25) << "panel " << panel << " QPS " << qps[i] << ": no marker at (" << cx << ", " << cy << ")";
    }
  }
  fs::remove_all(suite.parent_path());
}

// Marks a run JSON's numbers invalid, as lmbench run writes it when its client fell behind.
void mark_invalid(const fs::path& json) {
  auto doc = nlohmann::ordered_json::parse(core::read_file(json));
  doc["validity"] = {{"verdict", "invalid"},
                     {"reasons", {"client_lag 64 ms > 25 ms (invalid): client lag p99 64 ms"}},
                     {"checks", nlohmann::ordered_json::array()}};
  core::write_file_atomic(json, doc.dump(2));
}

TEST(ComparisonPng, PointsOfInvalidRunsAreHollow) {
  const fs::path suite = testing::copy_suite("png_invalid");
  generate_suite_report(suite);
  const Image before = read_png(suite / "random_comparison.png");
  // flat_basic_vllm is random's only baseline: QPS 1 and 4 plotted (QPS 2 failed).
  mark_invalid(suite / "flat_basic_vllm_random_4_20250529-0840.json");
  generate_suite_report(suite);
  const Image after = read_png(suite / "random_comparison.png");
  // Three panels lose one filled marker each: the outline stays in the series colour, the inside
  // turns white.
  const int lost = count(before, series_color(0)) - count(after, series_color(0));
  EXPECT_GT(lost, 3 * kOneMarker / 2) << count(before, series_color(0));
  EXPECT_LT(lost, 3 * 400);
  EXPECT_GT(count(after, series_color(0)), kDrawn);  // lines and the other markers remain
  fs::remove_all(suite.parent_path());
}

TEST(ComparisonPng, ManyBaselinesGetDistinctColours) {
  std::map<std::uint32_t, std::size_t> seen;
  for (std::size_t i = 0; i < 40; ++i) {
    const Rgb c = series_color(i);
    EXPECT_FALSE(c.r == c.g && c.g == c.b) << "grey at " << i;
    const std::uint32_t key = (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
    EXPECT_TRUE(seen.emplace(key, i).second) << "colour of " << i << " repeats " << seen[key];
  }
}

TEST(ComparisonPng, EmptyComparisonStillRendersAtMinimumSize) {
  Comparison empty;
  empty.workload = "random";
  const std::string png = render_comparison_png(empty, "nothing", PngOptions{100, 100});
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  const fs::path path = fs::temp_directory_path() / ("lmbench_empty_" + std::to_string(::getpid()) + ".png");
  write_comparison_png(path, empty, "nothing", PngOptions{100, 100});
  const Image img = read_png(path);
  fs::remove(path);
  EXPECT_EQ(img.width, 1800);
  EXPECT_EQ(img.height, 600);
}

}  // namespace
}  // namespace lmbench::report
