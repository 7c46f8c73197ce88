#include "metrics/prom_histogram.h"

#include <cmath>
#include <algorithm>

namespace lmbench::metrics {

PromHistogram histogram_delta(const PromHistogram& after, const PromHistogram& before) {
  if (after.bounds != before.bounds) return after;
  PromHistogram d = after;
  for (std::size_t i = 0; i < d.cumulative.size(); ++i) d.cumulative[i] = std::max(0.0, after.cumulative[i] - before.cumulative[i]);
  return d;
}

std::optional<double> histogram_quantile(const PromHistogram& h, double q) {
  const double total = h.count();
  if (!(total > 0) || h.bounds.empty()) return std::nullopt;
  const double rank = q * total;
  for (std::size_t i = 0; i < h.bounds.size(); ++i) {
    if (h.cumulative[i] < rank) continue;
    if (std::isinf(h.bounds[i])) return i > 0 ? std::optional<double>(h.bounds[i - 1]) : std::nullopt;
    const double lower = i == 0 ? 0.0 : h.bounds[i - 1];
    const double below = i == 0 ? 0.0 : h.cumulative[i - 1];
    const double in_bucket = h.cumulative[i] - below;
    if (!(in_bucket > 0)) return h.bounds[i];
    return lower + (h.bounds[i] - lower) * (rank - below) / in_bucket;
  }
  return std::nullopt;  // counts that do not reach the total (not cumulative): nothing to say
}

}  // namespace lmbench::metrics
