#pragma once
// {WORKLOAD}_comparison.json (LMBENCH-FORMAT.md "Artifacts"): per suite and workload, the mean
// TTFT, ITL and TPOT of every baseline KEY at every QPS:
//   [{"qps": 0.7, "<KEY>": {"TTFT": ms, "ITL": ms, "TPOT": ms}, ...}, ...]   sorted by qps
// Values are the run JSONs' `mean`s rounded to 2 decimals, as the original's
// suite-workloads-visualization.py wrote them, and the file is laid out as its
// json.dump(indent=2) (no trailing newline), so tools reading the original's files read ours.
// Differences, on purpose: KEYs within an entry are sorted (the original followed directory
// order); runs where nothing succeeded are left out (the original plotted them as 0 ms); a metric
// a run does not have (TPOT when every answer had one token) is null rather than 0.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metrics/run_file.h"

namespace lmbench::report {

struct ComparisonPoint {
  std::optional<double> ttft_ms;
  std::optional<double> itl_ms;
  std::optional<double> tpot_ms;
  const metrics::RunFile* run = nullptr;  // the run it came from (owned by the caller's vector)
};

struct ComparisonRow {
  double qps = 0;
  nlohmann::ordered_json qps_json;  // as written in the run JSON (1 stays 1, 0.7 stays 0.7)
  std::map<std::string, ComparisonPoint> by_key;
};

struct Comparison {
  std::string workload;
  std::vector<ComparisonRow> rows;  // ascending qps
  // Newest runs in which nothing succeeded: left out of rows, listed so charts and tables can
  // say so. Sorted by KEY, then QPS.
  std::vector<const metrics::RunFile*> failed_runs;
  // Plotted runs whose own numbers are invalid (their "validity"): drawn hollow and listed.
  // Sorted by KEY, then QPS.
  std::vector<const metrics::RunFile*> invalid_runs;
  std::vector<std::string> keys() const;  // every KEY with a point, sorted
};

// Notes for the user about runs that were not used (failed, superseded by a rerun, no QPS).
using Notes = std::vector<std::string>;

// Groups runs by workload. For one series (the KEY; "KEY (synthetic-1)" for a second config of a
// workload at the same rate, RunFile::series), workload and QPS, the newest run (timestamp, then
// file name) wins, failed or not: reruns replace earlier results. Interrupted runs are left out
// (noted). `runs` must outlive the result.
std::map<std::string, Comparison> build_comparisons(const std::vector<metrics::RunFile>& runs, Notes* notes);

// "KEY at QPS q" for a failed run, as charts print it.
std::string failed_run_label(const metrics::RunFile& run);

// "Invalid (hollow markers): KEY at QPS q, ..." under a chart; "" when every point is trusted.
std::string invalid_runs_line(const Comparison& comparison);

// The file's text (see above).
std::string comparison_json(const Comparison& comparison);

// Run JSONs of one suite folder: every *.json except *_comparison.json. Unreadable files are
// reported in `notes` and skipped.
std::vector<metrics::RunFile> load_suite_runs(const std::filesystem::path& dir, Notes* notes);

}  // namespace lmbench::report
