#pragma once
// The suite plan: the Cartesian product spec -> baseline -> workload type -> config -> QPS, in the
// original LMBench's order, as plain data the orchestrator iterates (deploy each baseline once,
// run its workloads, tear it down) and `validate` prints.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/run_bench.h"

namespace lmbench::suite {

// One value of a workload's sweep list.
struct RatePoint {
  std::string sweep_key;   // the spec key swept: "QPS", "TIME_BETWEEN_REQUESTS_PER_USER",
                           // "NEW_USER_INTERVALS", "REQUEST_RATES"; "" for a timed trace replay
  std::string single_key;  // the key of this one value in the result JSON's "workload" object
                           // (the original's names: QPS, TIME_BETWEEN_REQUESTS_PER_USER,
                           // NEW_USER_INTERVAL, REQUEST_RATE); "" for a timed trace replay
  config::Number value;    // as written; seconds for the two interval keys
  // Requests per second the schedule aims at: QPS, REQUEST_RATE, or users / time-between for
  // StrictSynthetic. nullopt for Agentic (measured) and timed trace replay.
  std::optional<double> target_qps;
  // The QPS part of file names: the user's text ("0.7", "2"), StrictSynthetic's users/time with
  // two decimals (as the original printed it), "timed" for a timed trace replay. nullopt for
  // Agentic, whose name carries the measured QPS (measured_qps_label).
  std::optional<std::string> qps_label;
};

struct PlannedRun {
  std::size_t spec = 0;      // index into Plan::specs
  std::size_t baseline = 0;  // index into that spec's serving
  std::size_t workload = 0;  // index into that spec's workloads
  std::string key;           // the baseline's result KEY
  std::string workload_name; // "synthetic", ...: the run JSON's WORKLOAD
  RatePoint rate;
  // The WORKLOAD part of this run's artifact names: workload_name, unless an earlier config of the
  // same workload name has a run at the same rate, which would share the file name (the original
  // silently overwrote one): then workload_name + "-" + this config's index in its type's list,
  // e.g. "synthetic-1" for Workload.LMCacheSynthetic[1].
  std::string label;
};

// A capacity search of one workload config (its CAPACITY key, or every config under
// --find-capacity): run after the baseline's planned runs, probe by probe (suite/capacity.h).
struct PlannedSearch {
  std::size_t spec = 0;
  std::size_t baseline = 0;
  std::size_t workload = 0;
  std::string key;
  std::string workload_name;
  // The WORKLOAD part of its probes' artifact names and of {label}_capacity.json: workload_name,
  // or workload_name + "-" + the config's index when the spec has another config of that name.
  std::string label;
};

struct BaselinePlan {
  std::size_t index = 0;  // into the spec's serving
  std::string key;
  std::vector<PlannedRun> runs;  // workload type order, then config order, then sweep order
  std::vector<PlannedSearch> searches;  // in workload order, after the runs
};

struct SuitePlan {
  std::size_t spec = 0;  // index into Plan::specs
  std::vector<BaselinePlan> baselines;
};

struct Plan {
  config::Infrastructure infrastructure;
  std::vector<config::Spec> specs;
  std::vector<SuitePlan> suites;  // one per spec, in run-bench order

  const config::Spec& spec_of(const PlannedRun& r) const { return specs.at(r.spec); }
  const config::Baseline& baseline_of(const PlannedRun& r) const { return specs.at(r.spec).serving.at(r.baseline); }
  const config::WorkloadConfig& workload_of(const PlannedRun& r) const {
    return specs.at(r.spec).workloads.at(r.workload);
  }
  // Runs in the plan; with `only_key`, those of the baselines with that KEY.
  std::size_t run_count(const std::optional<std::string>& only_key = std::nullopt) const;
  // Capacity searches in the plan (each runs a number of probes found as it goes).
  std::size_t search_count(const std::optional<std::string>& only_key = std::nullopt) const;
};

// The sweep of one workload config, in the order written.
std::vector<RatePoint> rate_points(const config::WorkloadConfig& workload);

// A workload config with CAPACITY is searched instead of swept.
Plan make_plan(config::Infrastructure infrastructure, std::vector<config::Spec> specs);
Plan make_plan(config::Suite suite);

// --find-capacity: every workload config without CAPACITY gets `defaults` (its SLO from --slo),
// so make_plan searches every workload instead of sweeping it.
void search_every_workload(std::vector<config::Spec>& specs, const config::CapacitySpec& defaults);

// Agentic's QPS label: the measured rate rounded to two decimals and printed as Python printed a
// float ("1.5", "2.0"), as the original named those files.
std::string measured_qps_label(double measured_qps);

}  // namespace lmbench::suite
