#include "metrics/percentile.h"

#include <gtest/gtest.h>

#include "metrics/histogram.h"

namespace lmbench::metrics {
namespace {

// Expected values are numpy.percentile(a, q) with the default method ("linear").
TEST(Percentile, MatchesNumpyLinear) {
  const std::vector<double> a = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(percentile_sorted(a, 50), 2.5);
  EXPECT_DOUBLE_EQ(percentile_sorted(a, 0), 1);
  EXPECT_DOUBLE_EQ(percentile_sorted(a, 100), 4);
  EXPECT_DOUBLE_EQ(percentile_sorted(a, 90), 3.7);
  const std::vector<double> b = {15, 20, 35, 40, 50};
  EXPECT_DOUBLE_EQ(percentile_sorted(b, 40), 29);
  EXPECT_DOUBLE_EQ(percentile_sorted(b, 99), 49.6);
  const std::vector<double> one = {7};
  EXPECT_DOUBLE_EQ(percentile_sorted(one, 99.9), 7);
}

TEST(Percentile, DescribeSortsAndReportsEveryStatistic) {
  const auto d = describe({400, 100, 300, 200});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->count, 4u);
  EXPECT_DOUBLE_EQ(d->mean, 250);
  EXPECT_DOUBLE_EQ(d->median, 250);
  EXPECT_DOUBLE_EQ(d->p90, 370);
  EXPECT_DOUBLE_EQ(d->p95, 385);
  EXPECT_DOUBLE_EQ(d->p99, 397);
  EXPECT_DOUBLE_EQ(d->p999, 399.7);
  EXPECT_DOUBLE_EQ(d->min, 100);
  EXPECT_DOUBLE_EQ(d->max, 400);
  EXPECT_NEAR(d->stddev, 111.80339887, 1e-6);
  EXPECT_FALSE(describe({}));
}

TEST(LogHistogram, PercentilesWithinRelativeError) {
  LogHistogram h(0.001, 100000, 0.01);
  for (int i = 1; i <= 10000; ++i) h.record(i * 0.1);  // 0.1 .. 1000 ms
  EXPECT_EQ(h.count(), 10000u);
  EXPECT_EQ(h.underflow(), 0u);
  EXPECT_EQ(h.overflow(), 0u);
  EXPECT_NEAR(*h.percentile(50), 500, 500 * 0.011);
  EXPECT_NEAR(*h.percentile(99), 990, 990 * 0.011);
  EXPECT_NEAR(*h.percentile(100), 1000, 1000 * 0.011);
  EXPECT_NEAR(*h.percentile(0), 0.1, 0.1 * 0.011);
  EXPECT_NEAR(h.mean(), 500.05, 1e-6);
}

TEST(LogHistogram, OutOfRangeIsCountedNotDropped) {
  LogHistogram h(1, 1000, 0.01);
  h.record(0);
  h.record(-3);
  h.record(5000, 2);
  h.record(10);
  EXPECT_EQ(h.count(), 5u);
  EXPECT_EQ(h.underflow(), 2u);
  EXPECT_EQ(h.overflow(), 2u);
  EXPECT_DOUBLE_EQ(*h.percentile(10), 1);      // rank 1: an underflow, reported as `lowest`
  EXPECT_DOUBLE_EQ(*h.percentile(100), 1000);  // an overflow, reported as `highest`
  EXPECT_NEAR(*h.percentile(60), 10, 0.11);
}

TEST(LogHistogram, MergeAddsCountsAndRejectsOtherLayouts) {
  LogHistogram a(1, 1000), b(1, 1000);
  for (int i = 0; i < 100; ++i) a.record(10);
  for (int i = 0; i < 100; ++i) b.record(100);
  b.record(2000);
  a.merge(b);
  EXPECT_EQ(a.count(), 201u);
  EXPECT_EQ(a.overflow(), 1u);
  EXPECT_NEAR(*a.percentile(25), 10, 0.11);
  EXPECT_NEAR(*a.percentile(75), 100, 1.1);
  LogHistogram other(1, 10000);
  EXPECT_THROW(a.merge(other), std::invalid_argument);
  EXPECT_FALSE(LogHistogram(1, 2).percentile(50));
  EXPECT_THROW(LogHistogram(0, 10), std::invalid_argument);
}

}  // namespace
}  // namespace lmbench::metrics
