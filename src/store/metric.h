#pragma once
// The main metrics of a run, as the store indexes them and the dashboard and the regression
// check name them. Each is one column of the `runs` table; the column names come only from this
// fixed table, never from user input, so queries built from them stay prepared statements with
// every value bound.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace lmbench::store {

enum class Metric {
  kTtftMean, kTtftP50, kTtftP99,
  kItlMean, kItlP50, kItlP99,
  kTpotMean, kTpotP50, kTpotP99,
  kRequestThroughput,  // requests/s
  kOutputThroughput,   // output tokens/s
  kInputThroughput,    // input tokens/s
  kTotalThroughput,    // input + output tokens/s
};
inline constexpr int kMetricCount = 13;

enum class Better { kLower, kHigher };

struct MetricInfo {
  Metric metric;
  std::string_view name;    // the public name: "ttft_p99", "output_throughput", ...
  std::string_view column;  // column of `runs`
  std::string_view label;   // for people: "TTFT p99 (ms)"
  Better better;
};

const MetricInfo& metric_info(Metric m);
const std::array<MetricInfo, kMetricCount>& all_metrics();
// By public name; nullopt when unknown.
std::optional<Metric> parse_metric(std::string_view name);
// "ttft_mean, ttft_p50, ..." for error messages.
std::string metric_names();

// One value per metric; nullopt where the run did not report it (failed runs report none).
using MetricValues = std::array<std::optional<double>, kMetricCount>;
inline std::optional<double>& at(MetricValues& v, Metric m) { return v[static_cast<int>(m)]; }
inline const std::optional<double>& at(const MetricValues& v, Metric m) { return v[static_cast<int>(m)]; }

}  // namespace lmbench::store
