#include "report/html_report.h"

#include <cairo.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

#include "core/files.h"
#include "report/suite_report.h"
#include "report_fixture.h"
#include "svg_points.h"

namespace lmbench::report {
namespace {

namespace fs = std::filesystem;

// Runs a shell command and returns its stdout (the node script's JSON line).
std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Pixels of a clearly saturated colour (series lines and markers; the grid, frame and text are
// grey) inside a box of the screenshot.
int coloured_pixels(cairo_surface_t* s, double bx, double by, double bw, double bh) {
  const int width = cairo_image_surface_get_width(s), height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  int n = 0;
  for (int y = std::max(0, static_cast<int>(by)); y < std::min(height, static_cast<int>(by + bh)); ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * stride);
    for (int x = std::max(0, static_cast<int>(bx)); x < std::min(width, static_cast<int>(bx + bw)); ++x) {
      const int r = (row[x] >> 16) & 0xff, g = (row[x] >> 8) & 0xff, b = row[x] & 0xff;
      if (std::max({r, g, b}) - std::min({r, g, b}) > 60) ++n;
    }
  }
  return n;
}

TEST(HtmlReport, SelfContainedAndEscaped) {
  const fs::path suite = testing::copy_suite("html");
  // A server's error message is text from outside: give the failed run one that must be escaped.
  const fs::path failed = suite / "flat_basic_vllm_random_2_20250529-0835.json";
  auto doc = nlohmann::ordered_json::parse(core::read_file(failed));
  doc["results"]["message"] = "All 10 requests failed: 10 http_500 <script>alert(\"x & 'y'\")</script>";
  core::write_file_atomic(failed, doc.dump(2));
  generate_suite_report(suite);
  const std::string html = core::read_file(suite / "report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* external : {"http://", "https://", "<script", "src="}) {
    // The SVG namespace URI is an identifier, never fetched.
    std::string rest = html;
    for (std::size_t at; (at = rest.find("xmlns=\"http://www.w3.org/2000/svg\"")) != std::string::npos;) rest.erase(at, 34);
    EXPECT_EQ(rest.find(external), std::string::npos) << external;
  }
  EXPECT_NE(html.find("no successful request: All 10 requests failed: 10 http_500 "
                      "&lt;script&gt;alert(&quot;x &amp; &#39;y&#39;&quot;)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_EQ(html.find("alert(\""), std::string::npos);
  EXPECT_NE(html.find("sglang_baseline_synthetic_1_20250529-0820.json: no curves"), std::string::npos);
  fs::remove_all(suite.parent_path());
}

// The comparison chart of a workload draws each run where the axes drawn with it put its values:
// random's one baseline, flat_basic_vllm, has TTFT 55.5 ms at QPS 1 and 75.25 ms at QPS 4 (the
// mean ttft_ms of the fixture's run JSONs; QPS 2 failed and is not plotted).
TEST(HtmlReport, ComparisonChartDrawsTheRunsAtTheirValues) {
  const fs::path suite = testing::copy_suite("html_points");
  generate_suite_report(suite);
  const std::string html = core::read_file(suite / "report.html");
  const std::size_t section = html.find("<h2>random</h2>");
  ASSERT_NE(section, std::string::npos);
  const std::size_t ttft = html.find("aria-label=\"Time to first token (TTFT)\"", section);
  ASSERT_NE(ttft, std::string::npos);
  const auto chart = testing::read_svg_chart(html, html.rfind("<svg", ttft));
  ASSERT_TRUE(chart);
  ASSERT_GE(chart->x.ticks.size(), 2u);
  ASSERT_GE(chart->y.ticks.size(), 2u);
  EXPECT_LT(chart->y.ticks.back().second, chart->y.ticks.front().second);  // upwards
  const std::vector<std::pair<double, double>> known = {{1, 55.5}, {4, 75.25}};
  ASSERT_EQ(chart->circles.size(), known.size());
  for (std::size_t i = 0; i < known.size(); ++i) {
    EXPECT_NEAR(chart->circles[i].first, chart->x.position(known[i].first), 0.15) << "QPS " << known[i].first;
    EXPECT_NEAR(chart->circles[i].second, chart->y.position(known[i].second), 0.15) << "QPS " << known[i].first;
  }
  fs::remove_all(suite.parent_path());
}

// Each run has a validity badge; an invalid run's points are hollow and listed under the chart.
TEST(HtmlReport, ValidityBadgesAndInvalidPointsListed) {
  const fs::path suite = testing::copy_suite("html_validity");
  const fs::path json = suite / "flat_basic_vllm_random_4_20250529-0840.json";
  auto doc = nlohmann::ordered_json::parse(core::read_file(json));
  doc["validity"] = {{"verdict", "invalid"},
                     {"reasons", {"client_lag 64 ms > 25 ms (invalid): client lag p99 64 ms", "client_cpu 95% > 90% (invalid): busy"}},
                     {"checks", nlohmann::ordered_json::array()}};
  core::write_file_atomic(json, doc.dump(2));
  const fs::path json1 = suite / "flat_basic_vllm_random_1_20250529-0830.json";
  doc = nlohmann::ordered_json::parse(core::read_file(json1));
  doc["validity"] = {{"verdict", "valid"}, {"reasons", nlohmann::ordered_json::array()}, {"checks", nlohmann::ordered_json::array()}};
  core::write_file_atomic(json1, doc.dump(2));
  generate_suite_report(suite);
  const std::string html = core::read_file(suite / "report.html");
  EXPECT_NE(html.find(R"(<span class="badge invalid" title="client_lag 64 ms &gt; 25 ms (invalid): client lag p99 64 ms)"
                      "\n"
                      R"(client_cpu 95% &gt; 90% (invalid): busy">invalid</span>)"),
            std::string::npos);
  EXPECT_NE(html.find(R"(<span class="badge valid" title="every check within its threshold">valid</span>)"), std::string::npos);
  EXPECT_NE(html.find("<p class=invalid>Invalid measurement, see each run&#39;s validity (hollow markers): flat_basic_vllm at QPS 4</p>"),
            std::string::npos)
      << html.substr(html.find("<section id=\"random\""), 3000);
  // Three panels, one hollow marker each; runs written before validity existed show a dash.
  std::size_t hollow = 0;
  for (std::size_t at = 0; (at = html.find(R"(class="invalid")", at)) != std::string::npos; ++at) ++hollow;
  EXPECT_EQ(hollow, 3u);
  EXPECT_NE(html.find("<td class=k>&mdash;</td></tr>"), std::string::npos);
  fs::remove_all(suite.parent_path());
}

// A run routed over several engines gets a table of requests per engine (load imbalance).
TEST(HtmlReport, RequestsPerEngineOfARoutedRun) {
  const fs::path suite = testing::copy_suite("engines");
  const fs::path csv = suite / "helm_routing_2_session_synthetic_1_20250529-0812.csv";
  // Name an engine in the backend column (the 17th): rows alternate engine A, A, B.
  std::string text = core::read_file(csv), out;
  std::size_t line = 0, start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string row = text.substr(start, end - start);
    if (line > 0 && !row.empty()) {
      std::size_t pos = 0;
      for (int commas = 0; commas < 16; ++commas) pos = row.find(',', pos) + 1;
      row.insert(pos, line % 3 == 0 ? "http://engine-b:8000" : "http://engine-a:8000");
    }
    out += row + "\n";
    ++line;
    start = end + 1;
  }
  core::write_file_atomic(csv, out);
  generate_suite_report(suite);
  const std::string html = core::read_file(suite / "report.html");
  const auto at = html.find("<table class=engines>");
  ASSERT_NE(at, std::string::npos);
  const std::string table = html.substr(at, html.find("</table>", at) - at);
  // 40 requests: rows 1..40, every third (3, 6, ..., 39) on engine B.
  EXPECT_NE(table.find("<td class=k>helm_routing_2_session</td><td class=k>http://engine-a:8000</td><td>27</td><td>68%</td>"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("<td class=k>http://engine-b:8000</td><td>13</td><td>32%</td>"), std::string::npos) << table;
  // Only that run names engines: only it has rows.
  EXPECT_EQ(table.find("kvaware"), std::string::npos);
  EXPECT_EQ(html.find("<table class=engines>", at + 1), std::string::npos);
  fs::remove_all(suite.parent_path());
}

TEST(HtmlReport, OpensInHeadlessChromiumWithoutErrorsAndChartsAreDrawn) {
  ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "Debian's chromium is needed (scripts/setup.sh installs it)";
  const fs::path suite = testing::copy_suite("browser");
  generate_suite_report(suite);
  const fs::path shot = suite / "screenshot.png";
  const std::string out = run_command("node " + quoted(LMBENCH_SOURCE_DIR "/tests/report/browser_check.mjs") + " " +
                                      quoted(LMBENCH_NPM_DIR) + " " + quoted(suite / "report.html") + " " +
                                      quoted(shot) + " 2>&1");
  const auto j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out;
  EXPECT_TRUE(j["errors"].empty()) << j["errors"].dump();
  for (const auto& url : j["requests"]) EXPECT_EQ(url.get<std::string>().rfind("file://", 0), 0u) << url;
  // random: 3 comparison charts + 3 per QPS (1, 4); synthetic: 3 + 3 per QPS (0.5, 1, 2).
  ASSERT_EQ(j["charts"].size(), 3u + 6 + 3 + 9);

  cairo_surface_t* s = cairo_image_surface_create_from_png(shot.c_str());
  ASSERT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  for (const auto& c : j["charts"]) {
    const int n = coloured_pixels(s, c["x"], c["y"], c["w"], c["h"]);
    EXPECT_GT(n, 150) << "chart '" << c["label"].get<std::string>() << "' at y=" << c["y"] << " looks blank";
  }
  cairo_surface_destroy(s);
  fs::remove_all(suite.parent_path());
}

}  // namespace
}  // namespace lmbench::report
