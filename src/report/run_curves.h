#pragma once
// Per-run curves for the HTML report, from the run's per-request CSV: latency CDFs (TTFT, ITL)
// and requests in flight over time.

#include <optional>
#include <string>
#include <vector>

#include "metrics/csv.h"
#include "report/chart_model.h"

namespace lmbench::report {

struct RunCurves {
  Series ttft_cdf;   // (TTFT ms, fraction of successful requests at or below it)
  Series itl_cdf;    // (ITL ms, fraction of gaps at or below it)
  Series in_flight;  // (seconds since the first send, requests in flight), a step function
};

// How one run's requests spread over the engines behind a router (the CSV's backend column).
struct BackendShare {
  std::string backend;
  int requests = 0;                   // non-warm-up requests routed there
  int failed = 0;
  std::optional<double> ttft_p50_ms;  // of its successful requests
  double mean_prompt_tokens = 0;
  // Share of prompt tokens the engine served from its prefix cache (GPU or LMCache), over the
  // requests whose answer reported it (usage.prompt_tokens_details.cached_tokens); none: unknown.
  std::optional<double> cache_hit_rate;
};
// One entry per engine, in name order; empty when no row names an engine.
std::vector<BackendShare> backend_shares(const std::vector<metrics::CsvRow>& rows);

// Curves of the non-warm-up rows. CDFs over successful rows only; in flight over every row.
// Long curves are thinned to at most `max_points` points (CDFs at evenly spaced ranks, so the
// shape and both ends are kept; in flight at evenly spaced instants).
RunCurves run_curves(const std::vector<metrics::CsvRow>& rows, const std::string& name, std::size_t style,
                     std::size_t max_points = 300);

}  // namespace lmbench::report
