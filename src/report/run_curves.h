#pragma once
// Per-run curves for the HTML report, from the run's per-request CSV: latency CDFs (TTFT, ITL)
// and requests in flight over time.

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

// Curves of the non-warm-up rows. CDFs over successful rows only; in flight over every row.
// Long curves are thinned to at most `max_points` points (CDFs at evenly spaced ranks, so the
// shape and both ends are kept; in flight at evenly spaced instants).
RunCurves run_curves(const std::vector<metrics::CsvRow>& rows, const std::string& name, std::size_t style,
                     std::size_t max_points = 300);

}  // namespace lmbench::report
