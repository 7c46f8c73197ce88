#pragma once
// {WORKLOAD}_capacity.json, written by the capacity search (`lmbench run --find-capacity`, in
// suite/): per baseline, the highest rate at which the share of requests meeting every SLO bound
// is at least the goodput target, the bracket it was found in, and the probes. The report reads
// it to put a capacity table at the top of report.html, draw {WORKLOAD}_capacity.png and judge
// capacities pairwise. Layout (one file per suite folder and workload label):
//   {"workload": "synthetic", "rate_key": "QPS", "unit": "req/s", "slo": {"ttft_ms": 2000, ...},
//    "goodput": 0.95, "precision": 0.05, "min_qps": 0.1, "max_qps": 64,
//    "baselines": {"<KEY>": {"capacity": 1.23|null, "status": "found|below_min|at_max|interrupted|failed",
//       "lower": 1.23|null, "upper": 1.29|null, "precision_reached": 0.048, "session_id": "...",
//       "timestamp": "YYYYMMDD-HHMM", "probes": [{"rate", "requests", "good", "goodput", "passed",
//       "early_stop", "run"}]}}}
// status at_max: every probe passed up to max_qps, the capacity (max_qps) is a lower bound;
// below_min: min_qps already failed, no capacity.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "report/comparison.h"

namespace lmbench::report {

struct CapacityProbe {
  double rate = 0;
  std::optional<int> requests;
  std::optional<int> good;
  std::optional<double> goodput;
  bool passed = false;
  bool early_stop = false;
  std::string run;  // the probe's run JSON file name
};

struct CapacityBaseline {
  std::string key;
  std::optional<double> capacity;
  std::string status;  // found | below_min | at_max | interrupted | failed (as written)
  std::optional<double> lower;
  std::optional<double> upper;
  std::optional<double> precision_reached;
  std::string session_id;
  std::string timestamp;
  std::vector<CapacityProbe> probes;
};

struct CapacityFile {
  std::string workload;
  std::string rate_key = "QPS";
  std::string unit = "req/s";
  nlohmann::ordered_json slo = nlohmann::ordered_json::object();
  std::optional<double> goodput;
  std::optional<double> precision;
  std::optional<double> min_qps;
  std::optional<double> max_qps;
  std::vector<CapacityBaseline> baselines;  // sorted by KEY
  std::filesystem::path path;
};

// Parses one file. Fields that are missing or of the wrong type are left empty; a file that is not
// a JSON object with a "baselines" object is an error (a value).
core::Result<CapacityFile> parse_capacity_file(std::string_view text, const std::filesystem::path& origin);

// Every *_capacity.json of a suite folder, sorted by workload; unreadable ones noted and skipped.
std::vector<CapacityFile> load_capacity_files(const std::filesystem::path& dir, Notes* notes);

// "found", "at max_qps (a lower bound)", "below min_qps", ...: the status for a reader.
std::string describe_status(const CapacityBaseline& b);

// The range the capacity lies in, as far as the search knows: [lower, upper] when found; at_max:
// [max_qps (or capacity), +inf); below_min: [0, min_qps]. std::nullopt when nothing is known
// (interrupted or failed searches without a bracket).
struct Bracket {
  double lo = 0;
  double hi = 0;  // +inf when unbounded above
};
std::optional<Bracket> capacity_bracket(const CapacityFile& file, const CapacityBaseline& b);

// A capacity verdict for a pair of baselines. One search per baseline measures no noise, so the
// only honest verdict is from brackets that do not overlap: "A carries more: X vs Y req/s
// (brackets do not overlap)"; otherwise it says why no verdict is possible.
struct CapacityVerdict {
  std::string a;
  std::string b;
  std::optional<double> capacity_a;
  std::optional<double> capacity_b;
  std::optional<Bracket> bracket_a;
  std::optional<Bracket> bracket_b;
  std::string more;  // the KEY that carries more, "" without a verdict
  std::string text;
};
std::vector<CapacityVerdict> capacity_verdicts(const CapacityFile& file);

// "1.23" / "0.1": rates as a reader wants them (up to 3 significant decimals, no trailing zeros).
std::string format_rate(double v);

}  // namespace lmbench::report
