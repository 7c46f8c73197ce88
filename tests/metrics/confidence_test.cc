#include "metrics/confidence.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace lmbench::metrics {
namespace {

// Two-sided 95% and 99% critical values of Student's t from published tables (NIST/SEMATECH
// e-Handbook 1.3.6.7.2, 9 digits from R's qt()).
TEST(StudentT, QuantilesMatchPublishedTables) {
  const std::vector<std::pair<double, double>> q975 = {
      {1, 12.706204736}, {2, 4.302652730}, {3, 3.182446305}, {4, 2.776445105}, {5, 2.570581836},
      {9, 2.262157163},  {10, 2.228138852}, {29, 2.045229642}, {30, 2.042272456}, {60, 2.000297822},
      {120, 1.979930405}};
  for (const auto& [df, t] : q975) EXPECT_NEAR(student_t_quantile(0.975, df), t, 1e-8) << "df " << df;
  EXPECT_NEAR(student_t_quantile(0.995, 1), 63.656741163, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.995, 5), 4.032142984, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.995, 10), 3.169272673, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.959963985, 1e-6);  // the normal's
  EXPECT_NEAR(student_t_quantile(0.025, 4), -2.776445105, 1e-8);    // symmetric
  EXPECT_DOUBLE_EQ(student_t_quantile(0.5, 3), 0);
}

// df 1 (Cauchy) and df 2 have closed forms; non-integer df (Welch's) lies between its neighbours
// and inverts the cdf.
TEST(StudentT, ClosedFormsAndNonIntegerDf) {
  for (double p : {0.6, 0.9, 0.975, 0.999}) {
    EXPECT_NEAR(student_t_quantile(p, 1), std::tan(M_PI * (p - 0.5)), 1e-9 * student_t_quantile(p, 1)) << p;
    EXPECT_NEAR(student_t_quantile(p, 2), (2 * p - 1) / std::sqrt(2 * p * (1 - p)), 1e-9) << p;
  }
  const double t = student_t_quantile(0.975, 2.5);
  EXPECT_NEAR(t, 3.574655, 1e-6);  // Simpson integration of the density (independent)
  EXPECT_LT(t, student_t_quantile(0.975, 2));
  EXPECT_GT(t, student_t_quantile(0.975, 3));
  EXPECT_NEAR(student_t_cdf(t, 2.5), 0.975, 1e-12);
  EXPECT_NEAR(student_t_cdf(0, 7.3), 0.5, 1e-15);
  EXPECT_THROW(student_t_quantile(1, 3), std::invalid_argument);
}

// mean ± t(0.975, 2)·s/√3 for {10, 12, 14}: s = 2, half width 4.302652730·2/√3 = 4.968275.
TEST(Confidence, MeanIntervalHandComputed) {
  const std::vector<double> v = {10, 12, 14};
  const MeanEstimate e = estimate_mean(v);
  EXPECT_EQ(e.n, 3u);
  EXPECT_DOUBLE_EQ(e.mean, 12);
  EXPECT_DOUBLE_EQ(e.sd, 2);
  ASSERT_TRUE(e.ci);
  EXPECT_NEAR(e.ci->lo, 7.031725, 1e-6);
  EXPECT_NEAR(e.ci->hi, 16.968275, 1e-6);
  const std::vector<double> one = {5};
  EXPECT_FALSE(estimate_mean(one).ci);
  EXPECT_DOUBLE_EQ(estimate_mean(one).mean, 5);
  EXPECT_EQ(estimate_mean(std::vector<double>{}).n, 0u);
}

// a = {10, 12, 14}, b = {20, 21, 22}: difference -9, se² = 4/3 + 1/3 = 5/3,
// ν = (5/3)² / ((4/3)²/2 + (1/3)²/2) = 50/17 = 2.941176; t(0.975, 50/17) = 3.218759 (by Simpson
// integration of the t density, independently of this code), half width 3.218759·√(5/3) = 4.155400.
TEST(Confidence, WelchDifferenceHandComputed) {
  const std::vector<double> a = {10, 12, 14}, b = {20, 21, 22};
  const auto d = welch_difference(a, b);
  ASSERT_TRUE(d);
  EXPECT_DOUBLE_EQ(d->estimate, -9);
  EXPECT_NEAR(d->df, 50.0 / 17.0, 1e-12);
  const double half = student_t_quantile(0.975, 50.0 / 17.0) * std::sqrt(5.0 / 3.0);
  EXPECT_NEAR(student_t_quantile(0.975, 50.0 / 17.0), 3.218759, 1e-6);
  EXPECT_NEAR(half, 4.155400, 1e-6);
  EXPECT_NEAR(d->ci.lo, -9 - half, 1e-12);
  EXPECT_NEAR(d->ci.hi, -9 + half, 1e-12);
  EXPECT_FALSE(d->ci.contains(0));
  EXPECT_FALSE(welch_difference(a, std::vector<double>{20}));  // one trial: no interval
  // No spread anywhere: a point interval.
  const auto flat = welch_difference(std::vector<double>{3, 3}, std::vector<double>{3, 3, 3});
  ASSERT_TRUE(flat);
  EXPECT_DOUBLE_EQ(flat->ci.lo, 0);
  EXPECT_DOUBLE_EQ(flat->ci.hi, 0);
}

}  // namespace
}  // namespace lmbench::metrics
