#pragma once
// A Prometheus histogram's cumulative buckets (read from a server's /metrics by
// telemetry::summed_histogram), the observations between two reads, and its quantiles as PromQL's
// histogram_quantile computes them (linear within a bucket).

#include <optional>
#include <string_view>
#include <vector>

namespace lmbench::metrics {

struct PromHistogram {
  std::vector<double> bounds;      // ascending `le` values, +Inf last
  std::vector<double> cumulative;  // observations <= bounds[i]
  double count() const { return cumulative.empty() ? 0 : cumulative.back(); }
};

// after - before, bucket by bucket (the observations made in between). Both must have the same
// bounds; otherwise `after` is returned (a restarted server).
PromHistogram histogram_delta(const PromHistogram& after, const PromHistogram& before);

// The q-quantile (0..1): the upper bound of the bucket where the rank falls, interpolated
// linearly from the bucket's lower bound; the highest finite bound when the rank falls in +Inf;
// nullopt without observations.
std::optional<double> histogram_quantile(const PromHistogram& h, double q);

}  // namespace lmbench::metrics
