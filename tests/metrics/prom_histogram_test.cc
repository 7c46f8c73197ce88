// A histogram's quantiles as histogram_quantile has them, and the observations between two reads.

#include "metrics/prom_histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lmbench::metrics {
namespace {

TEST(PromHistogram, QuantilesInterpolateWithinTheBucket) {
  PromHistogram h{{0.001, 0.01, std::numeric_limits<double>::infinity()}, {50, 100, 100}};
  // Rank 25 of 100 is half-way through the first bucket [0, 1 ms].
  EXPECT_DOUBLE_EQ(*histogram_quantile(h, 0.25), 0.0005);
  // Rank 99: 49/50 of the way through (1 ms, 10 ms].
  EXPECT_NEAR(*histogram_quantile(h, 0.99), 0.001 + 0.009 * 49.0 / 50.0, 1e-12);
  // In the +Inf bucket: the highest finite bound.
  PromHistogram tail{{0.001, std::numeric_limits<double>::infinity()}, {10, 100}};
  EXPECT_DOUBLE_EQ(*histogram_quantile(tail, 0.5), 0.001);
  EXPECT_FALSE(histogram_quantile(PromHistogram{{0.001, std::numeric_limits<double>::infinity()}, {0, 0}}, 0.5));
}

TEST(PromHistogram, DeltaIsWhatHappenedInBetween) {
  PromHistogram before{{0.001, std::numeric_limits<double>::infinity()}, {10, 10}};
  PromHistogram after{{0.001, std::numeric_limits<double>::infinity()}, {10, 30}};
  const auto d = histogram_delta(after, before);
  EXPECT_EQ(d.cumulative, (std::vector<double>{0, 20}));
  EXPECT_DOUBLE_EQ(*histogram_quantile(d, 0.99), 0.001);
  // A restarted server (other bounds): the later figures stand.
  PromHistogram other{{0.5, std::numeric_limits<double>::infinity()}, {1, 1}};
  EXPECT_EQ(histogram_delta(other, before).cumulative, other.cumulative);
}

}  // namespace
}  // namespace lmbench::metrics
