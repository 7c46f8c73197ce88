// {WORKLOAD}_capacity.json in a suite folder: the capacity table at the top of report.html, the
// capacity bar chart and the capacity verdicts, from a hand-written file.

#include "report/capacity.h"

#include <cairo.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "report/chart_model.h"
#include "report/suite_report.h"
#include "report/verdicts.h"
#include "report_fixture.h"

namespace lmbench::report {
namespace {

namespace fs = std::filesystem;

// Four baselines: found in [1.2, 1.26]; at max_qps 64; below min_qps 0.1; found in [1.1, 1.25]
// (overlapping the first).
constexpr const char* kCapacity = R"({
  "workload": "synthetic", "rate_key": "QPS", "unit": "req/s", "slo": {"ttft_ms": 2000, "tpot_ms": 100},
  "goodput": 0.95, "precision": 0.05, "min_qps": 0.1, "max_qps": 64,
  "baselines": {
    "helm_routing_1_kvaware": {"capacity": 1.2, "status": "found", "lower": 1.2, "upper": 1.26, "precision_reached": 0.048,
      "session_id": "lmbench-1-aaaa", "timestamp": "20261206-1200",
      "probes": [{"rate": 0.1, "requests": 120, "good": 120, "goodput": 1.0, "passed": true, "early_stop": false, "run": "a.json"},
                 {"rate": 1.2, "requests": 120, "good": 118, "goodput": 0.983, "passed": true, "early_stop": false, "run": "b.json"},
                 {"rate": 1.26, "requests": 60, "good": 40, "goodput": 0.667, "passed": false, "early_stop": true, "run": "c.json"}]},
    "helm_routing_2_session": {"capacity": 64, "status": "at_max", "lower": 64, "upper": null, "precision_reached": null,
      "session_id": "lmbench-1-aaaa", "timestamp": "20261206-1210",
      "probes": [{"rate": 64, "requests": 500, "good": 500, "goodput": 1.0, "passed": true, "early_stop": false, "run": "d.json"}]},
    "sglang_baseline": {"capacity": null, "status": "below_min", "lower": null, "upper": 0.1,
      "session_id": "lmbench-1-aaaa", "timestamp": "20261206-1220",
      "probes": [{"rate": 0.1, "requests": 20, "good": 2, "goodput": 0.1, "passed": false, "early_stop": true, "run": "e.json"}]},
    "z_other": {"capacity": 1.1, "status": "found", "lower": 1.1, "upper": 1.25, "precision_reached": 0.05,
      "session_id": "lmbench-1-aaaa", "timestamp": "20261206-1230", "probes": []}
  }
})";

const CapacityVerdict& verdict(const std::vector<CapacityVerdict>& all, const std::string& a, const std::string& b) {
  for (const auto& v : all) {
    if (v.a == a && v.b == b) return v;
  }
  throw std::runtime_error("no verdict for " + a + " / " + b);
}

TEST(Capacity, ParsesAndJudgesByBrackets) {
  const auto f = parse_capacity_file(kCapacity, "synthetic_capacity.json");
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_EQ(f->baselines.size(), 4u);
  EXPECT_EQ(f->baselines[0].probes.size(), 3u);
  EXPECT_TRUE(f->baselines[0].probes[2].early_stop);
  EXPECT_FALSE(f->baselines[2].capacity);
  const auto all = capacity_verdicts(*f);
  EXPECT_EQ(all.size(), 6u);
  EXPECT_EQ(verdict(all, "helm_routing_1_kvaware", "helm_routing_2_session").text,
            "helm_routing_2_session carries more: at least 64 vs 1.2 req/s (brackets do not overlap)");
  EXPECT_EQ(verdict(all, "helm_routing_1_kvaware", "sglang_baseline").text,
            "helm_routing_1_kvaware carries more: 1.2 vs below 0.1 req/s (brackets do not overlap)");
  const auto& overlap = verdict(all, "helm_routing_1_kvaware", "z_other");
  EXPECT_TRUE(overlap.more.empty());
  EXPECT_EQ(overlap.text, "no verdict possible: one search per baseline and the brackets overlap");
  EXPECT_FALSE(parse_capacity_file("[1]", "x_capacity.json"));
  EXPECT_FALSE(parse_capacity_file("{}", "x_capacity.json"));
}

// Touching brackets (one passed at the rate where the other failed, once each) are no verdict.
TEST(Capacity, TouchingBracketsAreNoVerdict) {
  auto f = parse_capacity_file(kCapacity, "synthetic_capacity.json");
  ASSERT_TRUE(f);
  f->baselines[3].lower = 1.26;
  f->baselines[3].upper = 1.3;
  EXPECT_TRUE(verdict(capacity_verdicts(*f), "helm_routing_1_kvaware", "z_other").more.empty());
  f->baselines[3].lower = 1.27;
  EXPECT_EQ(verdict(capacity_verdicts(*f), "helm_routing_1_kvaware", "z_other").more, "z_other");
}

struct Pixels {
  int width = 0, height = 0;
  std::vector<std::uint32_t> rgb;
  int count(Rgb c) const {
    const std::uint32_t key = (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
    return static_cast<int>(std::count(rgb.begin(), rgb.end(), key));
  }
};

Pixels read_png(const fs::path& path) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  Pixels p;
  if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
    p.width = cairo_image_surface_get_width(s);
    p.height = cairo_image_surface_get_height(s);
    const int stride = cairo_image_surface_get_stride(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    for (int y = 0; y < p.height; ++y) {
      const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * stride);
      for (int x = 0; x < p.width; ++x) p.rgb.push_back(row[x] & 0xffffff);
    }
  }
  cairo_surface_destroy(s);
  return p;
}

TEST(Capacity, SuiteReportGetsTableChartAndVerdicts) {
  const fs::path suite = testing::copy_suite("capacity");
  core::write_file_atomic(suite / "synthetic_capacity.json", kCapacity);
  const ReportOutcome out = generate_suite_report(suite);
  EXPECT_EQ(out.runs, 11u);  // the capacity file is not read as a run
  EXPECT_NE(std::find(out.written.begin(), out.written.end(), suite / "synthetic_capacity.png"), out.written.end());

  // The table comes first, before any workload's section.
  const std::string html = core::read_file(suite / "report.html");
  const auto table = html.find(R"(<section id="capacity">)");
  ASSERT_NE(table, std::string::npos);
  EXPECT_LT(table, html.find(R"(<section id="random">)"));
  EXPECT_LT(table, html.find(R"(<section id="synthetic">)"));
  for (const char* part :
       {"<td class=k>helm_routing_1_kvaware</td><td>1.2 req/s</td><td>[1.2, 1.26]</td><td>95%</td>"
        "<td class=k>ttft_ms &le; 2000, tpot_ms &le; 100</td><td>3 (2 passed)</td><td>4.8%</td><td class=k>found</td>",
        "<td>&ge; 64 req/s</td><td>[64, &infin;)</td>", "hit max_qps (a lower bound)",
        "<td>&lt; 0.1 req/s</td><td>[0, 0.1]</td>", "below min_qps",
        "helm_routing_2_session carries more: at least 64 vs 1.2 req/s (brackets do not overlap)"}) {
    EXPECT_NE(html.find(part), std::string::npos) << part;
  }

  // The verdicts file carries the capacity pairs.
  const auto doc = nlohmann::ordered_json::parse(core::read_file(suite / "synthetic_verdicts.json"));
  ASSERT_TRUE(doc.contains("capacity"));
  EXPECT_EQ(doc["capacity"]["unit"], "req/s");
  EXPECT_EQ(doc["capacity"]["pairs"].size(), 6u);
  EXPECT_EQ(doc["capacity"]["pairs"][0]["bracket_b"], nlohmann::ordered_json::parse("[64.0, null]"));
  EXPECT_EQ(doc["capacity"]["pairs"][0]["more"], "helm_routing_2_session");
  // A workload of single runs without a capacity search gets no verdicts file.
  EXPECT_FALSE(fs::exists(suite / "random_verdicts.json"));

  // The chart: a bar per baseline with a capacity in its colour (by index), none for the one
  // below min_qps; black whiskers.
  const Pixels png = read_png(suite / "synthetic_capacity.png");
  EXPECT_EQ(png.width, 1200);
  EXPECT_EQ(png.height, 720);
  EXPECT_GT(png.count(series_color(0)), 500);  // 1.2 of 64: a short bar, still 140 px wide
  EXPECT_GT(png.count(series_color(1)), 20000);  // the full-height bar
  EXPECT_LT(png.count(series_color(2)), 5);     // below min_qps: no bar
  EXPECT_GT(png.count(series_color(3)), 500);
  EXPECT_GT(png.count(Rgb{0, 0, 0}), 50);       // whiskers and the arrow
  fs::remove_all(suite.parent_path());
}

}  // namespace
}  // namespace lmbench::report
