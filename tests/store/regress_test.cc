// The regression check on a real (in-memory) store.
#include "store/regress.h"

#include <gtest/gtest.h>

#include "store/run_fixture.h"

namespace lmbench::store {
namespace {

using testing::make_run_json;
using testing::RunSpec;

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kStart = 1700000000;

class Regress : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(*Store::open_in_memory()); }

  // Session n (0-based) of the default suite, one run at the default point.
  void add(int n, RunSpec spec) {
    spec.session_secs = kStart + n * kDay;
    const auto r = store_->ingest_json(make_run_json(spec));
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void add_stable_history(int sessions) {
    for (int n = 0; n < sessions; ++n) add(n, RunSpec{});
  }
  RegressReport check(const RegressOptions& options = {}) {
    auto r = check_regressions(*store_, options);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::move(*r);
  }

  std::unique_ptr<Store> store_;
};

TEST_F(Regress, LatencyWorseThanTheMedianByMoreThanTheThresholdIsARegression) {
  add_stable_history(5);
  RunSpec slow;
  slow.ttft_p99 = 260;  // +30% against 200
  add(5, slow);
  const auto report = check();
  ASSERT_TRUE(report.regressed());
  ASSERT_EQ(report.suites.size(), 1u);
  const auto& verdict = report.suites[0];
  EXPECT_EQ(verdict.session.session_id, testing::session_id_for(kStart + 5 * kDay));
  ASSERT_EQ(verdict.regressions.size(), 1u);
  const Finding& f = verdict.regressions[0];
  EXPECT_EQ(f.metric, Metric::kTtftP99);
  EXPECT_EQ(f.key, "helm_kvaware");
  EXPECT_EQ(f.workload, "synthetic");
  EXPECT_DOUBLE_EQ(f.qps, 0.7);
  EXPECT_DOUBLE_EQ(f.value, 260);
  EXPECT_DOUBLE_EQ(f.median, 200);
  EXPECT_NEAR(f.change_pct, 30, 1e-9);
  EXPECT_EQ(f.history, 5);
  EXPECT_EQ(verdict.points, 1);
  EXPECT_EQ(verdict.values_compared, 8);
  const std::string text = format_report(report, {});
  EXPECT_NE(text.find("REGRESSION synthetic helm_kvaware qps 0.7 ttft_p99: 260.00 vs median 200.00 of 5 (+30.0%, "
                      "lower is better, threshold 10%)"),
            std::string::npos)
      << text;
}

TEST_F(Regress, WithinTheThresholdOrBetterIsNot) {
  add_stable_history(5);
  RunSpec s;
  s.ttft_p99 = 219;           // +9.5%
  s.itl_p50 = 5;              // much better
  s.output_throughput = 140;  // much better
  add(5, s);
  const auto report = check();
  EXPECT_FALSE(report.regressed());
  EXPECT_NE(format_report(report, {}).find("0 regression(s)"), std::string::npos);
}

TEST_F(Regress, ThroughputLowerThanTheMedianIsARegression) {
  add_stable_history(3);
  RunSpec s;
  s.output_throughput = 56;  // -20% against 70
  add(3, s);
  const auto report = check();
  ASSERT_EQ(report.suites[0].regressions.size(), 1u);
  EXPECT_EQ(report.suites[0].regressions[0].metric, Metric::kOutputThroughput);
  EXPECT_NEAR(report.suites[0].regressions[0].change_pct, -20, 1e-9);
}

TEST_F(Regress, ThresholdsAreConfigurablePerMetric) {
  add_stable_history(5);
  RunSpec s;
  s.ttft_p99 = 260;
  s.itl_p99 = 23;  // +15%
  add(5, s);
  RegressOptions options;
  options.metric_threshold_pct[Metric::kTtftP99] = 50;
  auto report = check(options);
  ASSERT_EQ(report.suites[0].regressions.size(), 1u);
  EXPECT_EQ(report.suites[0].regressions[0].metric, Metric::kItlP99);
  options.threshold_pct = 20;
  EXPECT_FALSE(check(options).regressed());
  // Only the metrics asked for are checked.
  RegressOptions only_tpot;
  only_tpot.metrics = {Metric::kTpotP50};
  EXPECT_FALSE(check(only_tpot).regressed());
}

TEST_F(Regress, TheMedianIsOverThePreviousWindowOfSessionsOnly) {
  for (int n = 0; n < 5; ++n) {
    RunSpec old;
    old.ttft_p99 = 400;
    add(n, old);
  }
  for (int n = 5; n < 8; ++n) add(n, RunSpec{});  // 200
  RunSpec s;
  s.ttft_p99 = 260;
  add(8, s);
  // Previous five: 200, 200, 200, 400, 400 -> median 200: +30%.
  EXPECT_TRUE(check().regressed());
  // Previous eight: median 400: no regression.
  RegressOptions wide;
  wide.window = 8;
  EXPECT_FALSE(check(wide).regressed());
}

TEST_F(Regress, AFailedRunAfterSuccessfulOnesIsARegression) {
  add_stable_history(2);
  RunSpec failed;
  failed.failed = true;
  add(2, failed);
  const auto report = check();
  ASSERT_EQ(report.suites[0].regressions.size(), 1u);
  EXPECT_FALSE(report.suites[0].regressions[0].metric.has_value());
  EXPECT_NE(format_report(report, {}).find("the run failed (No successful requests completed"), std::string::npos);
}

TEST_F(Regress, FailedEarlierRunsAreNotPartOfTheMedian) {
  add_stable_history(2);
  RunSpec failed;
  failed.failed = true;
  add(2, failed);
  RunSpec s;
  s.ttft_p99 = 205;
  add(3, s);
  const auto report = check();
  EXPECT_FALSE(report.regressed());
  EXPECT_EQ(report.suites[0].regressions.size(), 0u);
}

TEST_F(Regress, PointsWithoutHistoryAreCountedNotJudged) {
  add_stable_history(2);
  RunSpec new_point;
  new_point.qps = 5;
  new_point.ttft_p99 = 10000;
  add(2, new_point);
  const auto report = check();
  EXPECT_FALSE(report.regressed());
  EXPECT_EQ(report.suites[0].points_without_history, 1);
  EXPECT_EQ(report.suites[0].points, 1);
}

TEST_F(Regress, EachSuitesNewestSessionIsJudgedAgainstItsOwnHistory) {
  add_stable_history(3);
  for (int n = 0; n < 3; ++n) {
    RunSpec other;
    other.suite = "other";
    other.session_secs = kStart + (10 + n) * kDay;
    other.ttft_p99 = n == 2 ? 500 : 200;
    ASSERT_TRUE(store_->ingest_json(make_run_json(other)).ok());
  }
  const auto report = check();
  ASSERT_EQ(report.suites.size(), 2u);
  EXPECT_EQ(report.suites[0].suite, "other");
  EXPECT_EQ(report.suites[0].regressions.size(), 1u);
  EXPECT_EQ(report.suites[1].regressions.size(), 0u);
  RegressOptions one;
  one.suite = "routing-benchmark";
  EXPECT_FALSE(check(one).regressed());
  one.suite = "missing";
  EXPECT_FALSE(check_regressions(*store_, one).ok());
}

TEST_F(Regress, AChosenSessionIsJudgedAgainstTheSessionsBeforeIt) {
  add_stable_history(3);
  RunSpec slow;
  slow.ttft_p99 = 300;
  add(3, slow);
  add(4, RunSpec{});
  EXPECT_FALSE(check().regressed());
  RegressOptions options;
  options.session = testing::session_id_for(kStart + 3 * kDay);
  EXPECT_TRUE(check(options).regressed());
  // Suites that did not run in that session are left out, not errors.
  RunSpec other;
  other.suite = "other";
  other.session_secs = kStart + 20 * kDay;
  ASSERT_TRUE(store_->ingest_json(make_run_json(other)).ok());
  const auto report = check(options);
  ASSERT_EQ(report.suites.size(), 1u);
  EXPECT_EQ(report.suites[0].suite, "routing-benchmark");
  options.session = "lmbench-1-00000000";
  const auto none = check_regressions(*store_, options);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "no runs in session 'lmbench-1-00000000'");
}

// A run cut short by Ctrl-C is not a regression point: left out (and counted) unless asked, and
// never part of later sessions' history.
TEST_F(Regress, InterruptedRunsAreLeftOutUnlessAsked) {
  add_stable_history(5);
  RunSpec cut;
  cut.ttft_p99 = 900;  // a partial run's figures
  cut.interrupted = true;
  add(5, cut);
  const auto report = check();
  EXPECT_FALSE(report.regressed());
  ASSERT_EQ(report.suites.size(), 0u) << "the newest session has nothing complete to judge";
  RegressOptions with;
  with.include_interrupted = true;
  EXPECT_TRUE(check(with).regressed());
  // A complete session after it: judged against the five complete ones, not the partial one.
  add(6, RunSpec{});
  const auto later = check();
  ASSERT_EQ(later.suites.size(), 1u);
  EXPECT_FALSE(later.regressed());
  // Over the two sessions before it: 6 and 4 (200 each; the interrupted 5 is skipped), so 300 is a
  // regression. Had the partial 900 counted, the median would be 550 and 300 would pass.
  RunSpec slow;
  slow.ttft_p99 = 300;
  add(7, slow);
  RegressOptions two;
  two.window = 2;
  const auto judged = check(two);
  ASSERT_EQ(judged.suites.size(), 1u);
  ASSERT_EQ(judged.suites[0].regressions.size(), 1u);
  EXPECT_DOUBLE_EQ(judged.suites[0].regressions[0].median, 200);
}

}  // namespace
}  // namespace lmbench::store
