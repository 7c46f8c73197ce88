#include "report/run_curves.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace lmbench::report {
namespace {

metrics::CsvRow row(double launch, double finish) {
  metrics::CsvRow r;
  r.launch_time = launch;
  r.finish_time = finish;
  r.ttft_s = 0.1;
  return r;
}

TEST(RunCurves, InFlightIsExactForShortRuns) {
  // Two overlapping requests, then one alone; a warm-up row is left out.
  std::vector<metrics::CsvRow> rows = {row(100, 103), row(101, 102), row(104, 105), row(90, 200)};
  rows[3].warmup = true;
  const auto curves = run_curves(rows, "k", 0);
  const std::vector<std::pair<double, double>> expected = {{0, 1}, {1, 2}, {2, 1}, {3, 0}, {4, 1}, {5, 0}};
  EXPECT_EQ(curves.in_flight.points, expected);
}

TEST(RunCurves, ThinnedInFlightKeepsRequestsRunningThroughQuietSlices) {
  // 400 requests, one every 0.5 s, each lasting 5 s: ten in flight through the middle of the run,
  // with 800 events thinned to 300 slices. Many slices hold no event at all; each must still show
  // the ten requests running through it, never drop to zero.
  std::vector<metrics::CsvRow> rows;
  for (int i = 0; i < 400; ++i) rows.push_back(row(1000 + 0.5 * i, 1000 + 0.5 * i + 5));
  const auto curves = run_curves(rows, "k", 0, 300);
  const auto& p = curves.in_flight.points;
  ASSERT_EQ(p.size(), 301u);
  const double span = 0.5 * 399 + 5;
  int quiet_slices = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    const double t = p[i].first;
    EXPECT_NEAR(t, span * static_cast<double>(i) / 300, 1e-9);
    // Between 5 s and the last send, exactly ten are in flight at every instant.
    if (t > 6 && t < 0.5 * 399 - 1) {
      EXPECT_EQ(p[i].second, 10) << "slice " << i << " at " << t << " s";
      ++quiet_slices;
    }
  }
  EXPECT_GT(quiet_slices, 250);
  EXPECT_EQ(p.back(), (std::pair<double, double>{span, 0}));
  const auto peak = std::max_element(p.begin(), p.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  EXPECT_EQ(peak->second, 10);  // a request ends at the instant the tenth after it starts
}

TEST(RunCurves, CdfsOverSuccessfulRowsWithBothEnds) {
  std::vector<metrics::CsvRow> rows;
  for (int i = 1; i <= 1000; ++i) {
    auto r = row(i, i + 1);
    r.ttft_s = i / 1000.0;  // 1..1000 ms
    r.itl_ms = {static_cast<double>(i)};
    rows.push_back(r);
  }
  rows[0].outcome = "error";  // the 1 ms one failed: not in the CDF
  const auto curves = run_curves(rows, "k", 0, 100);
  ASSERT_EQ(curves.ttft_cdf.points.size(), 100u);
  EXPECT_DOUBLE_EQ(curves.ttft_cdf.points.front().first, 2);
  EXPECT_DOUBLE_EQ(curves.ttft_cdf.points.back().first, 1000);
  EXPECT_DOUBLE_EQ(curves.ttft_cdf.points.back().second, 1);
  ASSERT_EQ(curves.itl_cdf.points.size(), 100u);
  EXPECT_DOUBLE_EQ(curves.itl_cdf.points.front().first, 2);
  for (std::size_t i = 1; i < curves.ttft_cdf.points.size(); ++i)
    EXPECT_GT(curves.ttft_cdf.points[i].second, curves.ttft_cdf.points[i - 1].second);
}

// Load imbalance behind a router: requests, failures and TTFT per engine, warm-ups left out.
TEST(RunCurves, BackendSharesCountEachEngine) {
  std::vector<metrics::CsvRow> rows;
  auto add = [&](const std::string& backend, double ttft_s, int prompt, const std::string& outcome = "ok") {
    auto r = row(0, 1);
    r.backend = backend;
    r.ttft_s = ttft_s;
    r.prompt_tokens = prompt;
    r.outcome = outcome;
    rows.push_back(r);
  };
  add("http://127.0.0.1:2", 0.3, 100);
  add("http://127.0.0.1:1", 0.1, 200);
  add("http://127.0.0.1:1", 0.2, 400);
  add("http://127.0.0.1:1", 0.9, 300, "error");
  add("http://127.0.0.1:2", 5.0, 100);
  rows.back().warmup = true;
  rows[1].cached_tokens = 150;  // engine 1: 150 + 100 cached of the 600 prompt tokens reported
  rows[2].cached_tokens = 100;
  const auto shares = backend_shares(rows);
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[0].backend, "http://127.0.0.1:1");
  EXPECT_EQ(shares[0].requests, 3);
  EXPECT_EQ(shares[0].failed, 1);
  ASSERT_TRUE(shares[0].ttft_p50_ms);
  EXPECT_DOUBLE_EQ(*shares[0].ttft_p50_ms, 150);  // of the two successful ones
  EXPECT_DOUBLE_EQ(shares[0].mean_prompt_tokens, 300);
  ASSERT_TRUE(shares[0].cache_hit_rate);
  EXPECT_DOUBLE_EQ(*shares[0].cache_hit_rate, 250.0 / 600);  // the failed row reported nothing
  EXPECT_FALSE(shares[1].cache_hit_rate);
  EXPECT_EQ(shares[1].requests, 1);
  EXPECT_DOUBLE_EQ(*shares[1].ttft_p50_ms, 300);
  EXPECT_TRUE(backend_shares({row(0, 1)}).empty());  // no router: no engine named
}

}  // namespace
}  // namespace lmbench::report
