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
//
// Repeated trials (`lmbench run --repeat N`, each run JSON with "trial": {"index", "count"}): the
// runs of one session at the same series and QPS are one point; its TTFT/ITL/TPOT are the means
// across trials (of each trial's mean, then rounded), and, with at least two trials, the KEY's
// object gains one key the original never wrote (readers of the original layout ignore it):
//   "trials": {"count": 3,
//              "mean": {"TTFT": ms, "ITL": ms, "TPOT": ms, "TTFT_p99": ms, "output_tok_per_s": x},
//              "sd":   {... the same figures: standard deviation across trials ...},
//              "ci95": {"TTFT": [lo, hi], ...: Student t-interval on the trial values}}
// With one trial per point the file is exactly as before.

#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metrics/confidence.h"
#include "metrics/run_file.h"
#include "report/figures.h"

namespace lmbench::report {

struct ComparisonPoint {
  // Means (across trials, when there are several), rounded to 2 decimals as the file writes them.
  std::optional<double> ttft_ms;
  std::optional<double> itl_ms;
  std::optional<double> tpot_ms;
  const metrics::RunFile* run = nullptr;  // the (newest) run it came from (owned by the caller's vector)
  // Every successful trial of the point, by trial index; just `run` for a run without a trial block.
  std::vector<const metrics::RunFile*> trials;
  // Per figure (index_of(Figure)), the value of each trial that has it, in `trials` order.
  std::array<std::vector<double>, kFigures.size()> values;

  // Mean and 95% t-interval of a figure across trials (no interval with fewer than two values).
  metrics::MeanEstimate estimate(Figure f) const;
  // The point's trial statistics are shown (error bars, "trials" in the file): two trials or more.
  bool has_trials() const { return trials.size() >= 2; }
  // Some trial's own numbers are invalid (metrics/validity.h): drawn hollow.
  bool any_invalid() const;
};

struct ComparisonRow {
  double qps = 0;
  nlohmann::ordered_json qps_json;  // as written in the run JSON (1 stays 1, 0.7 stays 0.7)
  std::map<std::string, ComparisonPoint> by_key;
};

struct Comparison {
  std::string workload;
  std::vector<ComparisonRow> rows;  // ascending qps
  // Newest runs (or trials of the newest session) in which nothing succeeded: left out of rows,
  // listed so charts and tables can say so. Sorted by KEY, then QPS, then trial.
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
// file name) wins, failed or not: reruns replace earlier results. When that newest run carries a
// "trial" block, every run of its session with a trial block at that point is a trial of it (the
// newest session wins as a whole); trials where nothing succeeded are listed in failed_runs and
// the others averaged. Interrupted runs are left out (noted). `runs` must outlive the result.
std::map<std::string, Comparison> build_comparisons(const std::vector<metrics::RunFile>& runs, Notes* notes);

// "KEY at QPS q" for a failed run, as charts print it ("KEY at QPS q (trial 2 of 3)" for a trial).
std::string failed_run_label(const metrics::RunFile& run);

// "Invalid (hollow markers): KEY at QPS q, ..." under a chart; "" when every point is trusted.
std::string invalid_runs_line(const Comparison& comparison);

// The file's text (see above).
std::string comparison_json(const Comparison& comparison);

// Whether a file name is one of the report's own outputs or the capacity search's
// (*_comparison.json, *_verdicts.json, *_capacity.json): never read as a run.
bool is_report_json(const std::filesystem::path& path);

// Run JSONs of one suite folder: every *.json except the report's own (is_report_json).
// Unreadable files are reported in `notes` and skipped.
std::vector<metrics::RunFile> load_suite_runs(const std::filesystem::path& dir, Notes* notes);

}  // namespace lmbench::report
