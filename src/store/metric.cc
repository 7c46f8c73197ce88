#include "store/metric.h"

namespace lmbench::store {

namespace {
constexpr std::array<MetricInfo, kMetricCount> kMetrics = {{
    {Metric::kTtftMean, "ttft_mean", "ttft_mean_ms", "TTFT mean (ms)", Better::kLower},
    {Metric::kTtftP50, "ttft_p50", "ttft_p50_ms", "TTFT p50 (ms)", Better::kLower},
    {Metric::kTtftP99, "ttft_p99", "ttft_p99_ms", "TTFT p99 (ms)", Better::kLower},
    {Metric::kItlMean, "itl_mean", "itl_mean_ms", "ITL mean (ms)", Better::kLower},
    {Metric::kItlP50, "itl_p50", "itl_p50_ms", "ITL p50 (ms)", Better::kLower},
    {Metric::kItlP99, "itl_p99", "itl_p99_ms", "ITL p99 (ms)", Better::kLower},
    {Metric::kTpotMean, "tpot_mean", "tpot_mean_ms", "TPOT mean (ms)", Better::kLower},
    {Metric::kTpotP50, "tpot_p50", "tpot_p50_ms", "TPOT p50 (ms)", Better::kLower},
    {Metric::kTpotP99, "tpot_p99", "tpot_p99_ms", "TPOT p99 (ms)", Better::kLower},
    {Metric::kRequestThroughput, "request_throughput", "request_throughput", "requests/s", Better::kHigher},
    {Metric::kOutputThroughput, "output_throughput", "output_throughput", "output tokens/s", Better::kHigher},
    {Metric::kInputThroughput, "input_throughput", "input_throughput", "input tokens/s", Better::kHigher},
    {Metric::kTotalThroughput, "total_throughput", "total_throughput", "total tokens/s", Better::kHigher},
}};
}  // namespace

const MetricInfo& metric_info(Metric m) { return kMetrics[static_cast<int>(m)]; }

const std::array<MetricInfo, kMetricCount>& all_metrics() { return kMetrics; }

std::optional<Metric> parse_metric(std::string_view name) {
  for (const auto& info : kMetrics) {
    if (info.name == name) return info.metric;
  }
  return std::nullopt;
}

std::string metric_names() {
  std::string out;
  for (const auto& info : kMetrics) {
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

}  // namespace lmbench::store
