#pragma once
// One planned run against a baseline that is up: build its workload, send the load, summarise
// the records, write the run's artifacts (CSV first, JSON last), save the deployment's logs and
// hand the JSON to options.after_run. Failures become a row with the reason, never an exception.

#include <filesystem>
#include <optional>

#include "config/spec.h"
#include "metrics/summary.h"
#include "suite/baseline_session.h"
#include "suite/orchestrator.h"
#include "suite/plan.h"
#include "suite/suite_env.h"

namespace lmbench::suite {

struct RunTarget {
  const Plan& plan;
  const config::Spec& spec;
  const BaselinePlan& baseline_plan;
  const config::Baseline& baseline;
  const PlannedRun& run;
  const config::WorkloadConfig& workload;
};

struct RunOutcome {
  RunRow row;
  bool failed = false;       // counts toward the exit code
  bool interrupted = false;  // Ctrl-C stopped it (its artifacts are written, marked)
  bool wrote = false;        // its JSON is on disk
  std::optional<metrics::Summary> summary;
  std::filesystem::path json;  // when wrote
};

RunOutcome execute_run(const SuiteEnv& env, BaselineSession& session, const RunTarget& target);

// The summary-table row of a run that did not produce artifacts.
RunRow plain_row(const RunTarget& target, std::string status, std::string detail);

}  // namespace lmbench::suite
