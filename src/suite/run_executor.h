#pragma once
// One planned run against a baseline that is up: build its workload, send the load, summarise
// the records, write the run's artifacts (CSV first, JSON last), save the deployment's logs and
// hand the JSON to options.after_run. Failures become a row with the reason, never an exception.

#include <filesystem>
#include <optional>

#include "config/spec.h"
#include "metrics/slo.h"
#include "metrics/summary.h"
#include "suite/baseline_session.h"
#include "suite/orchestrator.h"
#include "suite/plan.h"
#include "suite/suite_env.h"

namespace lmbench::suite {

// A run that is a capacity search's probe (suite/capacity.h).
struct CapacityProbe {
  metrics::Slo slo;       // replaces --slo for this run's goodput
  double goodput = 0.95;  // the target share, for the early stop
  int index = 0;          // 1-based, in the search's order
};

struct RunTarget {
  const Plan& plan;
  const config::Spec& spec;
  const BaselinePlan& baseline_plan;
  const config::Baseline& baseline;
  const PlannedRun& run;
  const config::WorkloadConfig& workload;
  // Set: a capacity probe. Its goodput uses the search's SLO, it stops sending once its failure
  // is certain (not with workers), and its failed requests are its finding: they do not count
  // toward the exit code.
  const CapacityProbe* probe = nullptr;
  // Which trial (--repeat) or probe of this point: part of its prompt salt (run_salt), so no two
  // runs of an invocation send the same prompts. trial_count > 1 writes "trial" into the JSON.
  int trial = 0;
  int trial_count = 1;
};

struct RunOutcome {
  RunRow row;
  bool failed = false;       // counts toward the exit code
  bool interrupted = false;  // Ctrl-C stopped it (its artifacts are written, marked)
  bool wrote = false;        // its JSON is on disk
  bool early_stop = false;   // a capacity probe stopped once its failure was certain
  std::optional<metrics::Summary> summary;
  std::filesystem::path json;  // when wrote
};

RunOutcome execute_run(const SuiteEnv& env, BaselineSession& session, const RunTarget& target);

// The summary-table row of a run that did not produce artifacts.
RunRow plain_row(const RunTarget& target, std::string status, std::string detail);

}  // namespace lmbench::suite
