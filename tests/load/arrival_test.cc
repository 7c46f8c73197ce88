#include "load/arrival.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace lmbench::load {
namespace {

std::vector<double> gaps_s(ArrivalProcess& a, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(core::to_seconds(a.next_gap()));
  return out;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// Squared coefficient of variation: 1 for exponential gaps, 1/shape for gamma gaps.
double cv2(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return (s / static_cast<double>(v.size())) / (m * m);
}

TEST(ConstantArrivals, FirstAtStartThenEvenlySpaced) {
  ConstantArrivals a(4.0);
  EXPECT_EQ(a.next_gap(), core::Duration{0});
  EXPECT_EQ(a.next_gap(), std::chrono::milliseconds(250));
  EXPECT_EQ(a.next_gap(), std::chrono::milliseconds(250));
}

TEST(ConstantArrivals, RejectsNonPositiveRate) {
  EXPECT_THROW(ConstantArrivals(0.0), std::invalid_argument);
  EXPECT_THROW(ConstantArrivals(-1.0), std::invalid_argument);
}

TEST(PoissonArrivals, MeanRateAndExponentialSpread) {
  auto a = make_poisson(50.0, 7);
  const auto g = gaps_s(*a, 200000);
  EXPECT_NEAR(mean(g), 1.0 / 50.0, 0.02 / 50.0 * 5);
  EXPECT_NEAR(cv2(g), 1.0, 0.03);
}

TEST(GammaArrivals, BurstinessSetsTheSpreadNotTheRate) {
  GammaArrivals bursty(10.0, 0.25, 1);
  GammaArrivals regular(10.0, 4.0, 1);
  const auto b = gaps_s(bursty, 200000);
  const auto r = gaps_s(regular, 200000);
  EXPECT_NEAR(mean(b), 0.1, 0.003);
  EXPECT_NEAR(mean(r), 0.1, 0.003);
  EXPECT_NEAR(cv2(b), 4.0, 0.2);
  EXPECT_NEAR(cv2(r), 0.25, 0.02);
}

TEST(GammaArrivals, SameSeedSameSchedule) {
  GammaArrivals a(3.0, 1.0, 42), b(3.0, 1.0, 42), c(3.0, 1.0, 43);
  const auto ga = gaps_s(a, 100), gb = gaps_s(b, 100), gc = gaps_s(c, 100);
  EXPECT_EQ(ga, gb);
  EXPECT_NE(ga, gc);
}

TEST(GammaArrivals, InfiniteRateSendsAllAtOnce) {
  GammaArrivals a(std::numeric_limits<double>::infinity(), 1.0, 1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.next_gap(), core::Duration{0});
}

}  // namespace
}  // namespace lmbench::load
