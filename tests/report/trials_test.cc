// Repeated trials (`lmbench run --repeat N`) on disk: grouped into one point per (series,
// workload, QPS), averaged, with a 95% t-interval in {WORKLOAD}_comparison.json.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/files.h"
#include "report/comparison.h"
#include "report/suite_report.h"
#include "report_fixture.h"
#include "trials_fixture.h"

namespace lmbench::report {
namespace {

namespace fs = std::filesystem;
using testing::TrialFigures;

bool has_note(const Notes& notes, const std::string& part) {
  return std::any_of(notes.begin(), notes.end(), [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

// Three trials of A in session S2 at QPS 1:
//   TTFT mean {100, 110, 120}: mean 110, s = 10, half width t(0.975, 2)·10/√3 = 4.302653·5.773503 = 24.84
//   ITL {10, 11, 12}: 11 ± 2.48; TPOT {20, 20, 20}: 20 ± 0; TTFT p99 {300, 330, 360}: 330 ± 74.52;
//   output tok/s {1000, 1100, 1200}: 1100 ± 248.41.
// An older session S1 (three trials too) and an older run without a trial block are superseded;
// B has one run without a trial block and keeps the original layout.
fs::path write_three_trials(const std::string& name) {
  const fs::path dir = testing::empty_suite(name);
  for (int i = 1; i <= 3; ++i) {
    const double d = (i - 2);  // -1, 0, 1
    testing::write_run(dir, testing::make_run("A", 1, "lmbench-2-bbbb", "20261206-110" + std::to_string(i), i, 3,
                                              TrialFigures{110 + 10 * d, 11 + d, 20, 330 + 30 * d, 1100 + 100 * d}));
    testing::write_run(dir, testing::make_run("A", 1, "lmbench-1-aaaa", "20261206-100" + std::to_string(i), i, 3,
                                              TrialFigures{500, 50, 50, 900, 10}));
  }
  testing::write_run(dir, testing::make_run("A", 1, "", "20261205-0900", 0, 0, TrialFigures{700, 70, 70, 900, 10}));
  testing::write_run(dir, testing::make_run("B", 1, "lmbench-2-bbbb", "20261206-1110", 0, 0,
                                            TrialFigures{90.123, 9.876, 19.5, 280, 1200}));
  return dir;
}

TEST(Trials, ThreeTrialsAreOnePointWithMeanAndTInterval) {
  const fs::path dir = write_three_trials("group");
  Notes notes;
  const auto runs = load_suite_runs(dir, &notes);
  ASSERT_EQ(runs.size(), 8u);
  const auto comparisons = build_comparisons(runs, &notes);
  const Comparison& c = comparisons.at("synthetic");
  ASSERT_EQ(c.rows.size(), 1u);
  const ComparisonPoint& a = c.rows[0].by_key.at("A");
  ASSERT_EQ(a.trials.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a.trials[i]->session_id, "lmbench-2-bbbb");
  EXPECT_TRUE(a.has_trials());
  EXPECT_DOUBLE_EQ(*a.ttft_ms, 110);
  EXPECT_DOUBLE_EQ(*a.itl_ms, 11);
  EXPECT_DOUBLE_EQ(*a.tpot_ms, 20);
  const auto ttft = a.estimate(Figure::kTtft);
  ASSERT_TRUE(ttft.ci);
  EXPECT_NEAR(ttft.ci->lo, 85.158623, 1e-5);
  EXPECT_NEAR(ttft.ci->hi, 134.841377, 1e-5);
  EXPECT_NEAR(a.estimate(Figure::kTtftP99).ci->hi, 404.524131, 1e-5);
  EXPECT_NEAR(a.estimate(Figure::kOutputThroughput).ci->lo, 851.586229, 1e-5);
  // The older session and the run without a trial block are superseded, each noted.
  EXPECT_TRUE(has_note(notes, "A_synthetic_1.0_20261206-1001.json: superseded"));
  EXPECT_TRUE(has_note(notes, "A_synthetic_1.0_20261205-0900.json: superseded"));
  EXPECT_EQ(c.rows[0].by_key.at("B").trials.size(), 1u);
  EXPECT_FALSE(c.rows[0].by_key.at("B").has_trials());

  // The file: the original's three numbers (means across trials) plus one "trials" key for A.
  const auto doc = nlohmann::ordered_json::parse(comparison_json(c));
  const auto& ja = doc[0]["A"];
  EXPECT_EQ(ja["TTFT"], 110.0);
  EXPECT_EQ(ja["trials"]["count"], 3);
  EXPECT_EQ(ja["trials"]["ci95"]["TTFT"], nlohmann::ordered_json::array({85.16, 134.84}));
  EXPECT_EQ(ja["trials"]["ci95"]["ITL"], nlohmann::ordered_json::array({8.52, 13.48}));
  EXPECT_EQ(ja["trials"]["ci95"]["TPOT"], nlohmann::ordered_json::array({20.0, 20.0}));
  EXPECT_EQ(ja["trials"]["ci95"]["TTFT_p99"], nlohmann::ordered_json::array({255.48, 404.52}));
  EXPECT_EQ(ja["trials"]["ci95"]["output_tok_per_s"], nlohmann::ordered_json::array({851.59, 1348.41}));
  EXPECT_EQ(ja["trials"]["mean"]["TTFT_p99"], 330.0);
  EXPECT_EQ(ja["trials"]["sd"]["TTFT"], 10.0);
  // B: exactly the original's object.
  EXPECT_EQ(doc[0]["B"].dump(), R"({"TTFT":90.12,"ITL":9.88,"TPOT":19.5})");
  fs::remove_all(dir.parent_path());
}

// A trial where nothing succeeded is listed as failed, by trial, and the others still make the
// point; a newer run without a trial block replaces a whole older set of trials.
TEST(Trials, FailedTrialListedAndNewerPlainRunWins) {
  const fs::path dir = testing::empty_suite("failed");
  for (int i = 1; i <= 3; ++i) {
    auto run = testing::make_run("A", 2, "lmbench-3-cccc", "20261206-120" + std::to_string(i), i, 3, TrialFigures{});
    if (i == 2) run.results = {{"error", "all_failed"}, {"message", "connection refused"}};
    testing::write_run(dir, run);
    testing::write_run(dir, testing::make_run("B", 2, "lmbench-3-cccc", "20261206-121" + std::to_string(i), i, 3, TrialFigures{}));
  }
  testing::write_run(dir, testing::make_run("B", 2, "lmbench-4-dddd", "20261206-1300", 0, 0, TrialFigures{42}));
  Notes notes;
  const auto runs = load_suite_runs(dir, &notes);
  const auto comparisons = build_comparisons(runs, &notes);
  const Comparison& c = comparisons.at("synthetic");
  EXPECT_EQ(c.rows[0].by_key.at("A").trials.size(), 2u);
  ASSERT_EQ(c.failed_runs.size(), 1u);
  EXPECT_EQ(failed_run_label(*c.failed_runs[0]), "A at QPS 2.0 (trial 2 of 3)");
  const ComparisonPoint& b = c.rows[0].by_key.at("B");
  EXPECT_EQ(b.trials.size(), 1u);
  EXPECT_DOUBLE_EQ(*b.ttft_ms, 42);
  fs::remove_all(dir.parent_path());
}

// `--repeat 1` writes a trial block with count 1: the comparison file is the golden one, byte for
// byte (the fixture's rerun at QPS 1 still replaces the earlier run: same trial index, newer).
TEST(Trials, SingleTrialBlocksLeaveTheComparisonFileUnchanged) {
  const fs::path suite = testing::copy_suite("single_trial");
  for (const auto& e : fs::directory_iterator(suite)) {
    if (e.path().extension() != ".json" || e.path().filename() == "notes.json") continue;
    auto doc = nlohmann::ordered_json::parse(core::read_file(e.path()));
    doc["lmbench-session-id"] = "lmbench-1-00000000";
    doc["trial"] = {{"index", 1}, {"count", 1}};
    core::write_file_atomic(e.path(), doc.dump(2));
  }
  generate_suite_report(suite);
  for (const char* workload : {"synthetic", "random"}) {
    const std::string name = std::string(workload) + "_comparison.json";
    EXPECT_EQ(core::read_file(suite / name), core::read_file(testing::data_dir() / "golden" / name)) << name;
  }
  fs::remove_all(suite.parent_path());
}

// The report's own files are never read back as runs.
TEST(Trials, ReportFilesAreNotRuns) {
  EXPECT_TRUE(is_report_json("x/synthetic_comparison.json"));
  EXPECT_TRUE(is_report_json("x/synthetic_verdicts.json"));
  EXPECT_TRUE(is_report_json("x/synthetic_capacity.json"));
  EXPECT_FALSE(is_report_json("x/A_synthetic_1_20250529-0758.json"));
  EXPECT_FALSE(is_report_json("x/synthetic_capacity.png"));
}

}  // namespace
}  // namespace lmbench::report
