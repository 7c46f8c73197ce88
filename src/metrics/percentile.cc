#include "metrics/percentile.h"

#include <algorithm>
#include <cmath>

namespace lmbench::metrics {

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return percentile_sorted(values, 50);
}

double percentile_sorted(std::span<const double> sorted, double q) {
  q = std::clamp(q, 0.0, 100.0);
  const double h = static_cast<double>(sorted.size() - 1) * q / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = h - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

std::optional<Distribution> describe(std::vector<double> samples) {
  if (samples.empty()) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  Distribution d;
  d.count = samples.size();
  // Two passes (mean, then squared deviations) keep the variance accurate for latencies whose
  // spread is small next to their magnitude.
  double sum = 0;
  for (double v : samples) sum += v;
  d.mean = sum / static_cast<double>(d.count);
  double sq = 0;
  for (double v : samples) sq += (v - d.mean) * (v - d.mean);
  d.stddev = std::sqrt(sq / static_cast<double>(d.count));
  d.median = percentile_sorted(samples, 50);
  d.p90 = percentile_sorted(samples, 90);
  d.p95 = percentile_sorted(samples, 95);
  d.p99 = percentile_sorted(samples, 99);
  d.p999 = percentile_sorted(samples, 99.9);
  d.min = samples.front();
  d.max = samples.back();
  return d;
}

}  // namespace lmbench::metrics
