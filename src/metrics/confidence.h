#pragma once
// Confidence intervals over repeated trials (`lmbench run --repeat N`): the mean of one figure
// across trials, and the difference of two baselines' means.
//
// Method: Student's t-interval on the trials' own summary numbers (one value per trial, e.g. each
// run's mean TTFT). Why not a bootstrap: with the 3-10 trials people run, resampling 3 values has
// only 10 distinct resamples and its percentile interval is systematically too narrow (it cannot
// see beyond the sample's own range); the t-interval is exact for normal data and each trial's
// value is itself an average over hundreds of requests, so by the central limit theorem the trial
// values are close to normal. Differences use Welch's interval (no equal-variance assumption: a
// baseline near saturation is noisier than one far from it; trials are not paired because
// baselines are not always interleaved run by run).

#include <cstddef>
#include <optional>
#include <span>

namespace lmbench::metrics {

// Student's t distribution with `df` > 0 degrees of freedom (df need not be an integer: Welch's
// df is not): P(T <= t).
double student_t_cdf(double t, double df);

// The quantile: the t with P(T <= t) = p, 0 < p < 1. Exact to about 1e-10 (bisection on the cdf,
// computed from the regularized incomplete beta function).
double student_t_quantile(double p, double df);

struct Interval {
  double lo = 0;
  double hi = 0;
  bool contains(double v) const { return lo <= v && v <= hi; }
};

// Mean of `values` and, with at least two values, the t-interval mean ± t(1-(1-c)/2, n-1)·s/√n
// (s the sample standard deviation, n-1 in its denominator).
struct MeanEstimate {
  std::size_t n = 0;
  double mean = 0;
  double sd = 0;                  // 0 with one value
  std::optional<Interval> ci;     // none with fewer than two values
};
MeanEstimate estimate_mean(std::span<const double> values, double confidence = 0.95);

// Welch's interval for mean(a) - mean(b): (ma - mb) ± t(1-(1-c)/2, ν)·√(sa²/na + sb²/nb), with
// ν the Welch–Satterthwaite degrees of freedom. std::nullopt when either side has fewer than two
// values: one trial says nothing about its own noise, so no interval can be honest.
struct Difference {
  double estimate = 0;  // mean(a) - mean(b)
  Interval ci;
  double df = 0;
};
std::optional<Difference> welch_difference(std::span<const double> a, std::span<const double> b,
                                           double confidence = 0.95);

}  // namespace lmbench::metrics
