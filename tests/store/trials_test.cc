// A point run as trials (`lmbench run --repeat N`) is one value per session in the store's series
// and in the regression check: the mean across its trials, with the 95% Student t-interval.
#include <gtest/gtest.h>

#include <cmath>

#include "store/regress.h"
#include "store/run_fixture.h"
#include "store/store.h"

namespace lmbench::store {
namespace {

using testing::make_run;
using testing::RunSpec;
using testing::session_id_for;

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kStart = 1700000000;
// t(0.975, 2) from published tables (4.303), to more places: the interval is computed by hand here.
constexpr double kT975df2 = 4.302652729749464;

class Trials : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(*Store::open_in_memory()); }

  // One run of session n (0-based); `trial` 0 leaves the block out.
  void add(int n, RunSpec spec, int trial = 0, int count = 3) {
    spec.session_secs = kStart + n * kDay;
    auto doc = make_run(spec);
    if (trial > 0) doc["trial"] = {{"index", trial}, {"count", count}};
    const auto r = store_->ingest_json(doc.dump());
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void add_trials(int n, std::initializer_list<double> ttft_p99, RunSpec spec = {}) {
    int i = 0;
    for (double v : ttft_p99) {
      spec.ttft_p99 = v;
      add(n, spec, ++i, static_cast<int>(ttft_p99.size()));
    }
  }

  std::unique_ptr<Store> store_;
};

TEST_F(Trials, APointOfThreeTrialsIsTheirMeanWithTheTInterval) {
  add_trials(0, {200, 210, 230});
  add(0, RunSpec{.key = "single", .ttft_p99 = 300});
  const auto points = store_->metric_vs_qps("routing-benchmark", "synthetic", session_id_for(kStart), Metric::kTtftP99);
  ASSERT_TRUE(points.ok()) << points.error().message;
  ASSERT_EQ(points->size(), 2u);
  const Point& p = (*points)[0];
  EXPECT_EQ(p.key, "helm_kvaware");
  // mean 640/3; s = sqrt(((-40/3)^2 + (-10/3)^2 + (50/3)^2) / 2) = sqrt(700/3); half = t * s / sqrt(3).
  const double mean = 640.0 / 3, half = kT975df2 * std::sqrt(700.0 / 3) / std::sqrt(3.0);
  ASSERT_TRUE(p.value);
  EXPECT_NEAR(*p.value, mean, 1e-9);
  EXPECT_EQ(p.trials_averaged, 3);
  ASSERT_TRUE(p.ci95);
  EXPECT_NEAR(p.ci95->lo, 175.38750299736574, 1e-6);
  EXPECT_NEAR(p.ci95->hi, 251.27916366930094, 1e-6);
  EXPECT_NEAR(p.ci95->hi - p.ci95->lo, 2 * half, 1e-6);
  EXPECT_EQ(p.trial_index, 3);  // the row standing for the point is the newest trial's
  // A run without trials is as it was: its own value, no interval.
  const Point& single = (*points)[1];
  EXPECT_EQ(single.key, "single");
  EXPECT_DOUBLE_EQ(*single.value, 300);
  EXPECT_EQ(single.trials_averaged, 0);
  EXPECT_FALSE(single.ci95);

  // The same mean over time, one point per session.
  const auto over = store_->metric_over_time("routing-benchmark", "synthetic", 0.7, Metric::kTtftP99);
  ASSERT_TRUE(over.ok());
  ASSERT_EQ(over->size(), 2u);
  EXPECT_NEAR(*(*over)[0].value, mean, 1e-9);
  EXPECT_EQ((*over)[0].trials_averaged, 3);
}

TEST_F(Trials, FailedTrialsAreLeftOutAndARedoneTrialCountsOnce) {
  add_trials(0, {200, 210});
  add(0, RunSpec{.failed = true}, 3);
  // Trial 1 redone later in the session (a resumed session): the newer counts.
  add(0, RunSpec{.timestamp = "20231114-2300", .ttft_p99 = 230}, 1);
  const auto points = store_->metric_vs_qps("routing-benchmark", "synthetic", session_id_for(kStart), Metric::kTtftP99);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 1u);
  EXPECT_TRUE((*points)[0].ok);
  EXPECT_DOUBLE_EQ(*(*points)[0].value, 220);
  EXPECT_EQ((*points)[0].trials_averaged, 2);

  // A newer run without a trial block replaces the trials, as a rerun replaces a run.
  add(0, RunSpec{.timestamp = "20231114-2330", .ttft_p99 = 500});
  const auto rerun = store_->metric_vs_qps("routing-benchmark", "synthetic", session_id_for(kStart), Metric::kTtftP99);
  ASSERT_EQ(rerun->size(), 1u);
  EXPECT_DOUBLE_EQ(*(*rerun)[0].value, 500);
  EXPECT_FALSE((*rerun)[0].ci95);
}

// The last trial alone (250, +25%) would be judged a regression; the session's mean (650/3,
// +8.3%) is within the 10% threshold.
TEST_F(Trials, RegressJudgesTheMeanOfTheNewestSessionsTrials) {
  for (int n = 0; n < 5; ++n) add(n, RunSpec{});
  add_trials(5, {200, 200, 250});
  const auto report = check_regressions(*store_, RegressOptions{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->suites.size(), 1u);
  EXPECT_FALSE(report->regressed());
  EXPECT_EQ(report->suites[0].points, 1);

  // With a third trial far worse the mean regresses, and the finding reports the mean.
  add(5, RunSpec{.timestamp = "20231114-2300", .ttft_p99 = 400}, 3);
  const auto worse = check_regressions(*store_, RegressOptions{});
  ASSERT_TRUE(worse.ok());
  ASSERT_TRUE(worse->regressed());
  ASSERT_EQ(worse->suites[0].regressions.size(), 1u);
  EXPECT_DOUBLE_EQ(worse->suites[0].regressions[0].value, 800.0 / 3);
  EXPECT_DOUBLE_EQ(worse->suites[0].regressions[0].median, 200);
}

// Earlier sessions' values are their trials' means too: each ran 150, 150, 300 (mean 200, last
// 300). A newest value of 260 is +30% on the means' median, -13% on the last trials'.
TEST_F(Trials, RegressHistoryIsTheMeanOfEachEarlierSessionsTrials) {
  for (int n = 0; n < 5; ++n) add_trials(n, {150, 150, 300});
  add(5, RunSpec{.ttft_p99 = 260});
  const auto report = check_regressions(*store_, RegressOptions{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_TRUE(report->regressed());
  const Finding& f = report->suites[0].regressions[0];
  EXPECT_EQ(f.metric, Metric::kTtftP99);
  EXPECT_DOUBLE_EQ(f.median, 200);
  EXPECT_EQ(f.history, 5);
}

}  // namespace
}  // namespace lmbench::store
