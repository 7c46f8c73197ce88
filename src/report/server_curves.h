#pragma once
// The servers' side of one run for the HTML report (issue 18): KV cache usage and waiting
// requests over time from the run's `.metrics.csv` (one series per engine), and the figures of
// the run JSON's "server" block (hit rates per engine, the server-vs-client TTFT gap).

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "metrics/run_file.h"
#include "report/chart_model.h"

namespace lmbench::report {

struct ServerCurves {
  std::vector<Series> kv_usage;  // (s since the run's start, share of the KV cache in use), per engine
  std::vector<Series> waiting;   // (s, requests waiting), per engine
};

// Series named "<name>" for a single engine, "<name> <endpoint>" for several; the router's rows
// are left out. Errors: the file cannot be read or is not a metrics CSV.
core::Result<ServerCurves> server_curves(const std::filesystem::path& metrics_csv, const std::string& name,
                                         std::size_t style);

// One row per endpoint of a run's "server" block: hit rates, KV usage, queue, and the TTFT gap.
struct ServerRow {
  std::string key;       // the baseline
  std::string endpoint;  // engine-0, router, total
  std::optional<double> kv_max, prefix_hit_rate, external_hit_rate, waiting_max, preemptions;
  std::optional<double> engine_ttft_p50_ms, client_ttft_p50_ms;
  std::string note;
};
std::vector<ServerRow> server_rows(const metrics::RunFile& run);

}  // namespace lmbench::report
