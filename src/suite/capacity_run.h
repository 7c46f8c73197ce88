#pragma once
// Runs one capacity search (suite/capacity.h) on a baseline that is up: each probe is an ordinary
// run (execute_run: its own JSON, CSV and logs, a "capacity_probe" block in the JSON), then the
// search is merged into {label}_capacity.json. With --resume, a probe whose run is already on disk
// is read back instead of run again, so an interrupted search continues where it stopped.

#include <vector>

#include "suite/baseline_session.h"
#include "suite/orchestrator.h"
#include "suite/plan.h"
#include "suite/suite_env.h"

namespace lmbench::suite {

struct SearchOutcome {
  CapacityRow capacity;
  std::vector<RunRow> rows;  // one per probe
  bool failed = false;       // a probe could not run or write its artifacts
};

SearchOutcome run_capacity_search(const SuiteEnv& env, BaselineSession& session, const Plan& plan,
                                  const BaselinePlan& bp, const PlannedSearch& search);

}  // namespace lmbench::suite
