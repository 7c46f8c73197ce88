#include "report/comparison.h"

#include <gtest/gtest.h>

#include <cmath>

#include <algorithm>

#include "core/error.h"
#include "core/files.h"
#include "report/axis.h"
#include "report/suite_report.h"
#include "report_fixture.h"

namespace lmbench::report {
namespace {

namespace fs = std::filesystem;

bool has_note(const Notes& notes, const std::string& part) {
  return std::any_of(notes.begin(), notes.end(), [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

// The golden files were produced by an independent Python oracle of the original's
// suite-workloads-visualization.py (json.dump(indent=2) of round(mean, 2)), with lmbench's
// documented changes: newest rerun wins, failed runs left out, KEYs sorted.
TEST(Comparison, SuiteReportMatchesGoldenFilesByteForByte) {
  const fs::path suite = testing::copy_suite("golden");
  const ReportOutcome out = generate_suite_report(suite);
  EXPECT_EQ(out.suites, 1u);
  EXPECT_EQ(out.runs, 11u);
  ASSERT_EQ(out.written.size(), 5u);  // two workloads x (JSON, PNG) + report.html
  for (const char* workload : {"synthetic", "random"}) {
    const std::string name = std::string(workload) + "_comparison.json";
    EXPECT_EQ(core::read_file(suite / name), core::read_file(testing::data_dir() / "golden" / name)) << name;
    EXPECT_TRUE(fs::exists(suite / (std::string(workload) + "_comparison.png")));
  }
  EXPECT_TRUE(has_note(out.notes, "helm_routing_1_kvaware_synthetic_1_20250529-0801.json: superseded"));
  EXPECT_TRUE(has_note(out.notes, "flat_basic_vllm_random_2_20250529-0835.json: not plotted, no successful requests"));
  EXPECT_TRUE(has_note(out.notes, "notes.json: skipped"));

  // Regenerating reads its own output back as non-runs and gives the same bytes.
  const std::string first = core::read_file(suite / "synthetic_comparison.json");
  generate_suite_report(suite);
  EXPECT_EQ(core::read_file(suite / "synthetic_comparison.json"), first);
  fs::remove_all(suite.parent_path());
}

TEST(Comparison, ResultsRootWithSuiteFoldersAndErrors) {
  const fs::path suite = testing::copy_suite("root");
  const ReportOutcome out = generate_reports(suite.parent_path());
  EXPECT_EQ(out.suites, 1u);
  EXPECT_TRUE(fs::exists(suite / "random_comparison.png"));
  fs::create_directories(suite.parent_path() / "empty");
  EXPECT_THROW(generate_reports(suite.parent_path() / "empty"), core::ConfigError);
  EXPECT_THROW(generate_reports(suite.parent_path() / "missing"), core::ConfigError);
  fs::remove_all(suite.parent_path());
}

TEST(Comparison, RowsSortedByQpsAndKeysPerRow) {
  Notes notes;
  const fs::path suite = testing::copy_suite("rows");
  const auto runs = load_suite_runs(suite, &notes);
  const auto comparisons = build_comparisons(runs, &notes);
  const Comparison& c = comparisons.at("synthetic");
  ASSERT_EQ(c.rows.size(), 3u);
  EXPECT_DOUBLE_EQ(c.rows[0].qps, 0.5);
  EXPECT_DOUBLE_EQ(c.rows[2].qps, 2);
  EXPECT_EQ(c.rows[0].by_key.size(), 2u);
  EXPECT_EQ(c.rows[1].by_key.size(), 3u);  // the one-point baseline is only at QPS 1
  EXPECT_EQ(c.keys(), (std::vector<std::string>{"helm_routing_1_kvaware", "helm_routing_2_session", "sglang_baseline"}));
  fs::remove_all(suite.parent_path());
}

TEST(Axis, NiceTicks) {
  const Axis a = nice_axis(0, 397, 6, true);
  EXPECT_DOUBLE_EQ(a.min, 0);
  EXPECT_DOUBLE_EQ(a.max, 400);
  EXPECT_EQ(a.ticks.size(), 5u);  // 0 100 200 300 400
  EXPECT_EQ(a.label(a.ticks[1]), "100");
  const Axis b = nice_axis(0.5, 2, 7);
  EXPECT_DOUBLE_EQ(b.min, 0.5);
  EXPECT_DOUBLE_EQ(b.max, 2);
  EXPECT_EQ(b.label(b.ticks[1]), "0.75");
  const Axis single = nice_axis(1, 1, 6);
  EXPECT_LT(single.min, 1);
  EXPECT_GT(single.max, 1);
  const Axis zero = nice_axis(0, 0, 6, true);
  EXPECT_DOUBLE_EQ(zero.min, 0);
  EXPECT_DOUBLE_EQ(zero.max, 1);
}

// One baseline 100x slower than the others (prefixaware piling every user onto one engine, say):
// the latency axis turns logarithmic so the fast ones stay readable; a narrow range stays linear.
TEST(Axis, LatencyAxisGoesLogarithmicOnlyForWideRanges) {
  const Axis wide = latency_axis(150, 17000);
  ASSERT_TRUE(wide.log);
  EXPECT_DOUBLE_EQ(wide.min, 100);
  EXPECT_DOUBLE_EQ(wide.max, 20000);
  EXPECT_EQ(wide.ticks, (std::vector<double>{100, 200, 500, 1000, 2000, 5000, 10000, 20000}));
  const double span = std::log10(20000) - 2;
  EXPECT_NEAR(wide.fraction(1000), 1 / span, 1e-12);
  EXPECT_NEAR(wide.fraction(150), (std::log10(150) - 2) / span, 1e-12);
  EXPECT_NEAR(wide.fraction(20000), 1, 1e-12);
  EXPECT_EQ(wide.label(20000), "20000");
  EXPECT_EQ(axis_title("TTFT (ms)", wide), "TTFT (ms, log scale)");

  const Axis narrow = latency_axis(300, 3000);
  EXPECT_FALSE(narrow.log);
  EXPECT_DOUBLE_EQ(narrow.min, 0);
  EXPECT_EQ(axis_title("TTFT (ms)", narrow), "TTFT (ms)");
  EXPECT_FALSE(latency_axis(0, 5000).log);  // a zero value: no log axis

  const Axis small = log_axis(0.03, 2);
  EXPECT_DOUBLE_EQ(small.min, 0.02);
  EXPECT_DOUBLE_EQ(small.max, 2);
  EXPECT_EQ(small.label(0.05), "0.05");
  EXPECT_EQ(small.label(2), "2");
  const Axis many = log_axis(1, 2e6);  // seven decades: powers of ten only
  EXPECT_EQ(many.ticks, (std::vector<double>{1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7}));
}

}  // namespace
}  // namespace lmbench::report
