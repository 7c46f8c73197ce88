#pragma once
// Differences with confidence: for every pair of baselines (series) at every rate both have, per
// figure, the difference of the means across trials and its 95% Welch interval, and a verdict a
// reader can act on; and, from {WORKLOAD}_capacity.json, a capacity verdict per pair.
//
// {WORKLOAD}_verdicts.json (lmbench's own file; the original had none):
//   {"workload": "synthetic", "confidence": 0.95,
//    "method": "Welch t-interval on the difference of trial means",
//    "pairs": [                                        // by qps, then a, then b (a < b)
//      {"qps": 1, "a": "<KEY A>", "b": "<KEY B>", "trials": {"a": 5, "b": 5},
//       "figures": {"TTFT": {"unit": "ms", "mean_a": 512.3, "mean_b": 468.1,
//                            "difference": 44.2,            // mean_a - mean_b
//                            "ci95": [30.1, 58.3],          // of the difference; null with one trial
//                            "df": 7.6,                     // Welch-Satterthwaite; null with one trial
//                            "better": "b",                 // "a" | "b" | null (no verdict)
//                            "verdict": "<KEY B> faster by 44.20 ms (95% CI 30.10..58.30)"},
//                   "ITL": {...}, "TPOT": {...}, "TTFT_p99": {...}, "output_tok_per_s": {...}}}],
//    "capacity": {"unit": "req/s", "pairs": [{"a", "b", "capacity_a", "capacity_b",
//                 "bracket_a": [lo, hi|null], "bracket_b": [...], "more": "<KEY>"|null, "verdict": "..."}]}}
// "capacity" is present only when the suite folder holds {WORKLOAD}_capacity.json. Numbers are
// rounded to 2 decimals (df to 1). A figure missing on either side (TPOT of one-token answers) is
// left out of "figures".

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "report/capacity.h"
#include "report/comparison.h"

namespace lmbench::report {

struct FigureVerdict {
  Figure figure = Figure::kTtft;
  double mean_a = 0;
  double mean_b = 0;
  std::optional<metrics::Difference> difference;  // mean_a - mean_b with its 95% interval; none with one trial
  std::string better;                              // "a", "b" or "" (no verdict)
  std::string text;
};

// One figure of a pair: "A faster by X ms (95% CI lo..hi)" (for throughput "A higher by X tok/s
// (...)") when the interval of the difference excludes 0, "no difference beyond noise" when it
// does not, and "one trial: no verdict possible" when either side has a single trial. X and the
// interval are the winner's advantage (positive numbers). Needs at least one value per side.
FigureVerdict judge_figure(Figure f, const std::string& a, std::span<const double> values_a, const std::string& b,
                           std::span<const double> values_b);

struct PairVerdict {
  double qps = 0;
  nlohmann::ordered_json qps_json;
  std::string a;
  std::string b;
  std::size_t trials_a = 0;
  std::size_t trials_b = 0;
  std::vector<FigureVerdict> figures;  // kFigures order, those both sides have
};

// Every pair of series at every QPS of the comparison where both have a point.
std::vector<PairVerdict> rate_verdicts(const Comparison& comparison);

// The file's text (see above). `capacity` may be null.
std::string verdicts_json(const std::string& workload, const std::vector<PairVerdict>& pairs,
                          const CapacityFile* capacity);

}  // namespace lmbench::report
