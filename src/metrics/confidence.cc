#include "metrics/confidence.h"

#include <cmath>
#include <numeric>
#include <stdexcept>

namespace lmbench::metrics {

namespace {

// Continued fraction of the incomplete beta function, evaluated by the modified Lentz method
// (Numerical Recipes, 3rd ed., 6.4 "betacf"); converges fast for x < (a+1)/(a+b+2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 500;
  constexpr double kEpsilon = 1e-15, kTiny = 1e-300;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1) < kEpsilon) break;
  }
  return h;
}

// The regularized incomplete beta function I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

double two_sided_quantile(double confidence, double df) { return student_t_quantile(1 - (1 - confidence) / 2, df); }

}  // namespace

double student_t_cdf(double t, double df) {
  if (!(df > 0)) throw std::invalid_argument("student_t_cdf: degrees of freedom must be > 0");
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2).
  const double tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return t > 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("student_t_quantile: p must be in (0, 1)");
  if (p < 0.5) return -student_t_quantile(1 - p, df);
  if (p == 0.5) return 0;
  double lo = 0, hi = 2;
  while (student_t_cdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
  }
  // The cdf is increasing: bisect to a relative width of 1e-13 (about 45 steps).
  while (hi - lo > 1e-13 * hi) {
    const double mid = (lo + hi) / 2;
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

MeanEstimate estimate_mean(std::span<const double> values, double confidence) {
  MeanEstimate e;
  e.n = values.size();
  if (e.n == 0) return e;
  e.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(e.n);
  if (e.n < 2) return e;
  double ss = 0;
  for (double v : values) ss += (v - e.mean) * (v - e.mean);
  e.sd = std::sqrt(ss / static_cast<double>(e.n - 1));
  const double half = two_sided_quantile(confidence, static_cast<double>(e.n - 1)) * e.sd / std::sqrt(static_cast<double>(e.n));
  e.ci = Interval{e.mean - half, e.mean + half};
  return e;
}

std::optional<Difference> welch_difference(std::span<const double> a, std::span<const double> b, double confidence) {
  if (a.size() < 2 || b.size() < 2) return std::nullopt;
  const MeanEstimate ea = estimate_mean(a, confidence), eb = estimate_mean(b, confidence);
  const double va = ea.sd * ea.sd / static_cast<double>(ea.n), vb = eb.sd * eb.sd / static_cast<double>(eb.n);
  Difference d;
  d.estimate = ea.mean - eb.mean;
  const double se = std::sqrt(va + vb);
  // Welch–Satterthwaite. With no spread on either side the formula is 0/0; the interval is then a
  // point and any df gives it, so take the pooled one.
  d.df = va + vb > 0 ? (va + vb) * (va + vb) /
                           (va * va / static_cast<double>(ea.n - 1) + vb * vb / static_cast<double>(eb.n - 1))
                     : static_cast<double>(ea.n + eb.n - 2);
  const double half = two_sided_quantile(confidence, d.df) * se;
  d.ci = Interval{d.estimate - half, d.estimate + half};
  return d;
}

}  // namespace lmbench::metrics
