#pragma once
// The trials of one point (`lmbench run --repeat N`: the runs of one session with a trial block at
// the same suite, workload, KEY and QPS) as one value, for the dashboard's series and for
// `lmbench regress`. The rule is the report's (src/report/comparison.cc): the newest run of the
// point in the session decides; without a trial block it alone counts (a rerun replaces earlier
// runs), with one every run with a trial block counts, the newest of each trial index (a resumed
// session that redid a trial). The value is the mean across the successful trials, with a 95%
// Student t-interval (metrics/confidence.h) when there are two or more values.

#include <cstddef>
#include <span>
#include <vector>

#include "store/run.h"
#include "store/store.h"

namespace lmbench::store {

// Positions of the runs that make up one point, given their trial indices newest first (0 for a
// run without a trial block). Newest first; empty for no runs.
std::vector<std::size_t> point_members(std::span<const int> trial_index_newest_first);

// One point per (key, qps, session) of `rows`, in which the runs of one point are adjacent and
// newest first; the order of the points is kept. A point of one run is that run's row unchanged.
// A point of trials is its newest successful trial's row (its newest trial's when none succeeded)
// with `value` the mean of the successful trials' values, `trials_averaged` and `ci95` set when
// two or more were averaged, `validity` the worst of theirs and `interrupted` when any was.
std::vector<Point> collapse_trials(std::vector<Point> rows);

// The value of one point in one session from its members (point_members), newest first: the
// newest successful member with each metric the mean across the successful members that report
// it; the newest member when none succeeded. `members` must not be empty.
Run combine_trials(std::span<const Run* const> members_newest_first);

}  // namespace lmbench::store
