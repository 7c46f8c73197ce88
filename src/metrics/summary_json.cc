#include "metrics/summary_json.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace lmbench::metrics {

double round_to(double value, int decimals) {
  if (!std::isfinite(value)) return value;
  // printf rounds the exact binary value correctly (ties to even), as CPython's round does.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return std::strtod(buf, nullptr);
}

nlohmann::ordered_json distribution_json(const std::optional<Distribution>& d, int decimals) {
  nlohmann::ordered_json j;
  if (!d) {
    j["count"] = 0;
    j["mean"] = nullptr;
    j["median"] = nullptr;
    j["p99"] = nullptr;
    return j;
  }
  auto r = [decimals](double v) { return round_to(v, decimals); };
  j["mean"] = r(d->mean);
  j["median"] = r(d->median);
  j["p99"] = r(d->p99);
  j["p90"] = r(d->p90);
  j["p95"] = r(d->p95);
  j["p99.9"] = r(d->p999);
  j["min"] = r(d->min);
  j["max"] = r(d->max);
  j["stddev"] = r(d->stddev);
  j["count"] = d->count;
  return j;
}

namespace {

std::string failure_message(const Summary& s) {
  if (s.total_requests == 0) return "No requests were sent in the measured run";
  std::string kinds;
  for (const auto& [kind, n] : s.errors) {
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, kind);
  }
  return fmt::format("All {} requests failed: {}; most often ({} times) {}", s.total_requests, kinds,
                     s.top_error_count, s.top_error);
}

}  // namespace

nlohmann::ordered_json results_json(const Summary& s) {
  nlohmann::ordered_json j;
  if (s.successful_requests == 0) {
    j["error"] = "No successful requests completed";
    j["message"] = failure_message(s);
    return j;
  }
  auto r2 = [](double v) { return round_to(v, 2); };
  j["successful_requests"] = s.successful_requests;
  j["benchmark_duration_s"] = r2(s.duration_s);
  j["total_input_tokens"] = s.total_input_tokens;
  j["total_generated_tokens"] = s.total_output_tokens;
  j["request_throughput_req_per_s"] = r2(s.request_throughput);
  j["output_token_throughput_tok_per_s"] = r2(s.output_token_throughput);
  j["input_token_throughput_tok_per_s"] = r2(s.input_token_throughput);
  j["total_token_throughput_tok_per_s"] = r2(s.total_token_throughput);
  j["ttft_ms"] = distribution_json(s.ttft_ms);
  j["tpot_ms"] = distribution_json(s.tpot_ms);
  j["itl_ms"] = distribution_json(s.itl_ms);
  j["e2e_ms"] = distribution_json(s.e2e_ms);
  j["scheduling_lag_ms"] = distribution_json(s.lag_ms, 3);
  j["client_lag_ms"] = distribution_json(s.client_lag_ms, 3);
  j["total_requests"] = s.total_requests;
  j["failed_requests"] = s.failed_requests;
  j["cancelled_requests"] = s.cancelled_requests;
  j["warmup_requests_excluded"] = s.warmup_requests;
  j["errors"] = nlohmann::ordered_json::object();
  for (const auto& [kind, n] : s.errors) j["errors"][kind] = n;
  if (s.top_error_count > 0) j["top_error"] = {{"error", s.top_error}, {"count", s.top_error_count}};
  j["output_tokens_source"] = {{"usage", s.output_tokens_from_usage},
                               {"tokenizer", s.output_tokens_from_tokenizer},
                               {"unknown", s.output_tokens_unknown}};
  j["percentile_method"] = "linear interpolation (numpy default)";
  if (!s.slo.empty()) {
    nlohmann::ordered_json slo = nlohmann::ordered_json::object();
    if (s.slo.ttft_ms) slo["ttft_ms"] = *s.slo.ttft_ms;
    if (s.slo.tpot_ms) slo["tpot_ms"] = *s.slo.tpot_ms;
    if (s.slo.e2e_ms) slo["e2e_ms"] = *s.slo.e2e_ms;
    j["slo"] = slo;
    j["good_requests"] = s.good_requests;
    j["goodput_req_per_s"] = r2(s.goodput);
  }
  return j;
}

}  // namespace lmbench::metrics
