#pragma once
// The regression check behind `lmbench regress`: the newest session of each suite against the
// earlier sessions of the same suite, for each (workload, baseline KEY, QPS) point it ran.
//
// A metric regressed when the newest value is worse than the median of the previous `window`
// sessions' values (successful runs only, one per session) by more than its threshold. A
// session's value at a point it ran as trials (`lmbench run --repeat N`) is the mean across its
// trials, in the judged session and in the earlier ones alike (store/trial_points.h):
//   lower is better (latencies):    value > median * (1 + threshold)
//   higher is better (throughputs): value < median * (1 - threshold)
// A point that failed outright in the newest session while earlier sessions succeeded is a
// regression too. Points without history are counted, not judged.
//
// Capacity (RegressOptions::capacity, `lmbench regress --metrics capacity`): each capacity search
// of the session (workload label, KEY) against the median capacity of the previous `window`
// sessions' searches under the same SLO and goodput target, higher is better, by the same rule
// (judge()). A search that found none (below_min) while earlier ones found one is a regression;
// interrupted and failed searches are counted and left out, as interrupted runs are.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/metric.h"
#include "store/store.h"

namespace lmbench::store {

struct RegressOptions {
  double threshold_pct = 10;                  // default for every metric
  std::map<Metric, double> metric_threshold_pct;  // per-metric overrides
  // Run metrics to judge; empty judges no runs (e.g. capacity alone).
  std::vector<Metric> metrics = default_regress_metrics();
  bool capacity = false;                          // judge capacity searches too
  std::optional<double> capacity_threshold_pct;   // default: threshold_pct
  int window = 5;                             // earlier sessions the median is taken over
  std::optional<std::string> suite;           // only this suite (default: every suite)
  std::optional<std::string> session;         // judge this session instead of each suite's newest
  // Judge interrupted runs too. By default they are left out: Ctrl-C cut them short, so their
  // figures are not the workload's (they are never part of the history either).
  bool include_interrupted = false;

  static std::vector<Metric> default_regress_metrics();
  double threshold_for(Metric m) const;
  double capacity_threshold() const { return capacity_threshold_pct.value_or(threshold_pct); }
};

struct Finding {
  std::string workload;
  std::string key;
  double qps = 0;
  std::optional<Metric> metric;  // nullopt: the run failed while earlier ones succeeded, or a capacity finding
  bool capacity = false;         // a capacity search's finding (qps is 0; `unit` says the rate's unit)
  std::string unit;              // of a capacity
  double value = 0;              // the newest session's value
  double median = 0;             // of the earlier sessions
  double change_pct = 0;         // signed change of value against median (+ means larger)
  double threshold_pct = 0;
  int history = 0;               // earlier sessions the median was taken over
  std::string error;             // the run's error when it failed; a capacity search's status when it found none
};

struct SuiteVerdict {
  std::string suite;
  SessionSummary session;       // the session judged
  int points = 0;               // (workload, key, qps) points in that session
  int points_without_history = 0;
  int interrupted_skipped = 0;  // interrupted runs of the session, not judged
  int values_compared = 0;
  int capacity_searches = 0;               // judged searches of the session (found, at_max, below_min)
  int capacity_without_history = 0;
  int capacity_skipped = 0;                // interrupted or failed searches, not judged
  std::vector<Finding> regressions;
};

struct RegressReport {
  std::vector<SuiteVerdict> suites;
  bool regressed() const;
};

// The rule, in one place (`lmbench regress` and the dashboard's over-time chart both use it): a
// value regressed when it is worse than the median of the earlier values by more than
// threshold_pct; a failed run (`ok` false) regressed when earlier runs succeeded. Without
// earlier values nothing is judged.
struct Judgement {
  std::optional<double> median;  // of the earlier values it was compared with
  int history = 0;               // how many earlier values that median is over
  bool regressed = false;
};
Judgement judge(std::span<const double> earlier, bool ok, std::optional<double> value, Better better,
                double threshold_pct);

// One key's series in session order (oldest first): each point judged against the successful,
// complete points of the `window` sessions before it. An interrupted point is neither judged nor
// part of any later point's history.
std::vector<Judgement> judge_series(std::span<const Point> points, Better better, double threshold_pct, int window);

core::Result<RegressReport> check_regressions(Store& store, const RegressOptions& options);

// Human-readable, one line per regression, a summary line per suite.
std::string format_report(const RegressReport& report, const RegressOptions& options);

}  // namespace lmbench::store
