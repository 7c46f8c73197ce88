#pragma once
// One histogram read from a Prometheus text exposition (0.0.4), summed over every label set
// other than `le`, and its quantiles as PromQL's histogram_quantile computes them (linear within
// a bucket). Enough for the validity check to read a simulated engine's emission lag
// (lmbench:sim_emission_lag_seconds); a general scraper is issue 18's.

#include <optional>
#include <string_view>
#include <vector>

namespace lmbench::metrics {

struct PromHistogram {
  std::vector<double> bounds;      // ascending `le` values, +Inf last
  std::vector<double> cumulative;  // observations <= bounds[i]
  double count() const { return cumulative.empty() ? 0 : cumulative.back(); }
};

// The `<name>_bucket` samples of `text`; nullopt when there are none.
std::optional<PromHistogram> read_prom_histogram(std::string_view text, std::string_view name);

// after - before, bucket by bucket (the observations made in between). Both must have the same
// bounds; otherwise `after` is returned (a restarted server).
PromHistogram histogram_delta(const PromHistogram& after, const PromHistogram& before);

// The q-quantile (0..1): the upper bound of the bucket where the rank falls, interpolated
// linearly from the bucket's lower bound; the highest finite bound when the rank falls in +Inf;
// nullopt without observations.
std::optional<double> histogram_quantile(const PromHistogram& h, double q);

}  // namespace lmbench::metrics
