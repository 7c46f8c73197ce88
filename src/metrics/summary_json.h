#pragma once
// The `results` object of a run JSON (LMBENCH-FORMAT.md "Artifacts"). Keys of the original
// LMBench come first and keep their names and rounding (2 decimals); lmbench's extra fields follow
// them so readers of the original format keep working.

#include <nlohmann/json.hpp>

#include "metrics/summary.h"

namespace lmbench::metrics {

// Rounds like Python's round(x, decimals) (correctly rounded, ties to even on the exact binary
// value), which the original applies to every number it writes.
double round_to(double value, int decimals);

// When no request succeeded: {"error": "No successful requests completed", "message": <counts
// per error kind>}, the original's shape. Otherwise, in this order:
//   successful_requests, benchmark_duration_s, total_input_tokens, total_generated_tokens,
//   request_throughput_req_per_s, output_token_throughput_tok_per_s,
//   input_token_throughput_tok_per_s, total_token_throughput_tok_per_s,
//   ttft_ms, tpot_ms, itl_ms        {mean, median, p99, p90, p95, "p99.9", min, max, stddev, count}
//   e2e_ms, scheduling_lag_ms       (same shape; lag with 3 decimals: sub-millisecond matters)
//   total_requests, failed_requests, cancelled_requests, warmup_requests_excluded, errors{kind: n},
//   output_tokens_source {usage, tokenizer, unknown}, percentile_method,
//   and when an SLO was given: slo {ttft_ms,...}, good_requests, goodput_req_per_s.
// A metric without samples is {"count": 0, "mean": null, "median": null, "p99": null}: absent
// data is null, never a made-up zero.
nlohmann::ordered_json results_json(const Summary& summary);

// The distribution object alone, rounded to `decimals`.
nlohmann::ordered_json distribution_json(const std::optional<Distribution>& d, int decimals = 2);

}  // namespace lmbench::metrics
