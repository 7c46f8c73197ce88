#pragma once
// Exact percentiles from samples. Definition: linear interpolation between the two closest ranks,
// numpy's default (`numpy.percentile(a, q)`, method "linear"), chosen because vLLM's
// benchmark_serving and the original LMBench compute their percentiles with numpy, so numbers
// from lmbench and from those tools mean the same thing. For n sorted samples x[0..n-1] and
// q in [0, 100]: h = (n - 1) * q / 100, result = x[floor(h)] + (h - floor(h)) * (x[floor(h)+1] - x[floor(h)]).

#include <optional>
#include <span>
#include <vector>

namespace lmbench::metrics {

// `sorted` must be sorted ascending and non-empty; q is clamped to [0, 100].
double percentile_sorted(std::span<const double> sorted, double q);

// The median (percentile 50 as above: the mean of the two middle values for an even count) of
// `values`, taken by value; `values` must be non-empty. The one median of the project.
double median(std::vector<double> values);

// The statistics every summary reports for one metric. All fields are in the samples' unit.
struct Distribution {
  std::size_t count = 0;
  double mean = 0;
  double median = 0;
  double p90 = 0;
  double p95 = 0;
  double p99 = 0;
  double p999 = 0;  // p99.9
  double min = 0;
  double max = 0;
  double stddev = 0;  // population standard deviation (numpy.std default, ddof=0)
};

// Statistics of `samples` (taken by value: sorted in place). std::nullopt when there are none,
// so an empty metric is reported as absent instead of as a fake zero.
std::optional<Distribution> describe(std::vector<double> samples);

}  // namespace lmbench::metrics
