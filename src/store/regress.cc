#include "store/regress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "metrics/percentile.h"
#include "store/trial_points.h"

namespace lmbench::store {

namespace {

double change_pct(double value, double base) {
  if (base == 0) return value == 0 ? 0 : std::copysign(std::numeric_limits<double>::infinity(), value);
  return (value - base) / base * 100;
}

// Judges one (workload, key, qps) point of the session, adding to `verdict`. Returns the store's
// error when it could not be read.
std::optional<core::Error> judge_point(Store& store, const RegressOptions& options, const SessionSummary& session,
                               const Run& run, SuiteVerdict& verdict) {
  auto history = store.history(run, session, options.window);
  if (!history) return history.error();
  if (history->empty()) {
    ++verdict.points_without_history;
    return std::nullopt;
  }
  Finding base;
  base.workload = run.workload;
  base.key = run.key;
  base.qps = run.qps;
  base.history = static_cast<int>(history->size());
  if (!run.ok) {
    // Failed while earlier runs succeeded (history holds successful runs only).
    base.error = run.error;
    verdict.regressions.push_back(base);
    return std::nullopt;
  }
  for (Metric m : options.metrics) {
    const auto& value = at(run.metrics, m);
    if (!value) continue;
    std::vector<double> earlier;
    for (const auto& h : *history) {
      if (const auto& v = at(h.run.metrics, m)) earlier.push_back(*v);
    }
    if (earlier.empty()) continue;
    ++verdict.values_compared;
    const double threshold = options.threshold_for(m);
    const Judgement j = judge(earlier, true, value, metric_info(m).better, threshold);
    if (!j.regressed) continue;
    const double med = *j.median;
    Finding f = base;
    f.metric = m;
    f.value = *value;
    f.median = med;
    f.change_pct = change_pct(*value, med);
    f.threshold_pct = threshold;
    f.history = static_cast<int>(earlier.size());
    verdict.regressions.push_back(std::move(f));
  }
  return std::nullopt;
}

// The session's capacity searches against earlier sessions' (see regress.h).
std::optional<core::Error> judge_capacity(Store& store, const RegressOptions& options, SuiteVerdict& verdict) {
  auto rows = store.session_capacity(verdict.suite, verdict.session.session_id);
  if (!rows) return rows.error();
  for (const CapacityRow& row : *rows) {
    if (row.inconclusive()) {
      ++verdict.capacity_skipped;
      continue;
    }
    ++verdict.capacity_searches;
    auto history = store.capacity_history(row, verdict.session, options.window);
    if (!history) return history.error();
    if (history->empty()) {
      ++verdict.capacity_without_history;
      continue;
    }
    std::vector<double> earlier;
    for (const auto& h : *history) earlier.push_back(*h.capacity);
    ++verdict.values_compared;
    const double threshold = options.capacity_threshold();
    const Judgement j = judge(earlier, row.has_capacity(), row.capacity, Better::kHigher, threshold);
    if (!j.regressed) continue;
    Finding f;
    f.workload = row.workload;
    f.key = row.key;
    f.capacity = true;
    f.unit = row.unit;
    f.median = *j.median;
    f.history = j.history;
    f.threshold_pct = threshold;
    if (row.has_capacity()) {
      f.value = *row.capacity;
      f.change_pct = change_pct(f.value, f.median);
    } else {
      f.error = row.status;
    }
    verdict.regressions.push_back(std::move(f));
  }
  return std::nullopt;
}

// The session a suite is judged on: the given one, or the newest of the runs (when run metrics
// are judged) and of the capacity searches (when capacity is). nullopt when the suite has none.
core::Result<std::optional<SessionSummary>> session_to_judge(Store& store, const RegressOptions& options,
                                                             const std::string& suite) {
  const bool runs = !options.metrics.empty();
  if (options.session) {
    SessionSummary s;
    s.session_id = *options.session;
    auto all = store.session_runs(suite, *options.session);
    if (!all) return all.error();
    if (!all->empty()) {
      s.session_time = all->front().run.session_time;
      return std::optional<SessionSummary>(s);
    }
    if (!options.capacity) return std::optional<SessionSummary>();
    auto caps = store.session_capacity(suite, *options.session);
    if (!caps) return caps.error();
    if (caps->empty()) return std::optional<SessionSummary>();  // this suite did not run in that session
    s.session_time = caps->front().session_time;
    return std::optional<SessionSummary>(s);
  }
  std::optional<SessionSummary> best;
  if (runs) {
    auto newest = store.newest_session(suite);
    if (!newest) return newest.error();
    best = *newest;
  }
  if (options.capacity) {
    auto newest = store.newest_capacity_session(suite);
    if (!newest) return newest.error();
    if (*newest && (!best || std::tie((*newest)->session_time, (*newest)->session_id) >
                                 std::tie(best->session_time, best->session_id))) {
      best = *newest;
    }
  }
  return best;
}

core::Result<SuiteVerdict> judge_suite(Store& store, const RegressOptions& options, const std::string& suite) {
  SuiteVerdict verdict;
  verdict.suite = suite;
  auto session = session_to_judge(store, options, suite);
  if (!session) return session.error();
  if (!*session) return verdict;
  verdict.session = **session;
  if (options.capacity) {
    if (auto failed = judge_capacity(store, options, verdict)) return *failed;
  }
  if (options.metrics.empty()) return verdict;
  auto runs = store.session_runs(suite, verdict.session.session_id);
  if (!runs) return runs.error();
  // A point run more than once in the session: its latest run is the one judged, or with trials
  // the mean across them (trial_points.h). session_runs sorts a point's runs oldest first.
  std::size_t begin = 0;
  while (begin < runs->size()) {
    const Run& first = (*runs)[begin].run;
    std::size_t end = begin + 1;
    while (end < runs->size() && (*runs)[end].run.workload == first.workload && (*runs)[end].run.key == first.key &&
           (*runs)[end].run.qps == first.qps) {
      ++end;
    }
    std::vector<const Run*> newest_first;
    for (std::size_t i = end; i-- > begin;) newest_first.push_back(&(*runs)[i].run);
    begin = end;
    std::vector<int> indices;
    for (const Run* r : newest_first) indices.push_back(r->trial_index);
    std::vector<const Run*> members;
    for (std::size_t i : point_members(indices)) {
      const Run* r = newest_first[i];
      if (r->interrupted && !options.include_interrupted) {
        ++verdict.interrupted_skipped;
        continue;
      }
      members.push_back(r);
    }
    if (members.empty()) continue;
    ++verdict.points;
    const Run run = combine_trials(members);
    if (auto failed = judge_point(store, options, verdict.session, run, verdict)) return *failed;
  }
  return verdict;
}

std::string format_value(double v) { return fmt::format("{:.2f}", v); }

std::string format_change(double pct) {
  if (std::isinf(pct)) return pct > 0 ? "+inf%" : "-inf%";
  return fmt::format("{:+.1f}%", pct);
}

}  // namespace

Judgement judge(std::span<const double> earlier, bool ok, std::optional<double> value, Better better,
                double threshold_pct) {
  Judgement j;
  if (earlier.empty()) return j;
  j.history = static_cast<int>(earlier.size());
  j.median = metrics::median(std::vector<double>(earlier.begin(), earlier.end()));
  if (!ok) {
    j.regressed = true;
  } else if (value) {
    const double t = threshold_pct / 100.0;
    j.regressed = better == Better::kLower ? *value > *j.median * (1 + t) : *value < *j.median * (1 - t);
  }
  return j;
}

std::vector<Judgement> judge_series(std::span<const Point> points, Better better, double threshold_pct, int window) {
  std::vector<Judgement> out(points.size());
  std::vector<double> earlier;  // successful, complete values so far, oldest first
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    if (p.interrupted) continue;
    const std::size_t take = std::min<std::size_t>(earlier.size(), static_cast<std::size_t>(std::max(window, 0)));
    out[i] = judge(std::span<const double>(earlier).last(take), p.ok, p.value, better, threshold_pct);
    if (p.ok && p.value) earlier.push_back(*p.value);
  }
  return out;
}

std::vector<Metric> RegressOptions::default_regress_metrics() {
  return {Metric::kTtftP50, Metric::kTtftP99, Metric::kItlP50, Metric::kItlP99, Metric::kTpotP50,
          Metric::kTpotP99, Metric::kRequestThroughput, Metric::kOutputThroughput};
}

double RegressOptions::threshold_for(Metric m) const {
  const auto it = metric_threshold_pct.find(m);
  return it == metric_threshold_pct.end() ? threshold_pct : it->second;
}

bool RegressReport::regressed() const {
  return std::any_of(suites.begin(), suites.end(), [](const SuiteVerdict& s) { return !s.regressions.empty(); });
}

core::Result<RegressReport> check_regressions(Store& store, const RegressOptions& options) {
  RegressReport report;
  std::vector<std::string> names;
  if (options.suite) {
    names.push_back(*options.suite);
  } else {
    auto suites = store.suites();
    if (!suites) return suites.error();
    for (const auto& s : *suites) names.push_back(s.suite);
    if (options.capacity) {
      auto more = store.capacity_suites();
      if (!more) return more.error();
      for (const auto& name : *more) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
      std::sort(names.begin(), names.end());
    }
  }
  for (const auto& name : names) {
    auto verdict = judge_suite(store, options, name);
    if (!verdict) return verdict.error();
    if (verdict->points == 0 && verdict->capacity_searches == 0) {
      if (options.suite) {
        return core::Error{"usage", options.session ? fmt::format("suite '{}' has no runs in session '{}'", name,
                                                                  *options.session)
                                                    : fmt::format("no runs of suite '{}' in the store", name)};
      }
      continue;
    }
    report.suites.push_back(std::move(*verdict));
  }
  if (options.session && report.suites.empty()) {
    return core::Error{"usage", fmt::format("no runs in session '{}'", *options.session)};
  }
  return report;
}

std::string format_report(const RegressReport& report, const RegressOptions& options) {
  std::string out;
  for (const auto& s : report.suites) {
    out += fmt::format("suite {}: session {} against the median of up to {} earlier sessions\n", s.suite,
                       s.session.session_id, options.window);
    for (const auto& f : s.regressions) {
      if (f.capacity && !f.error.empty()) {
        out += fmt::format("  REGRESSION {} {} capacity: none found ({}); earlier sessions found {} {} (median of {})\n",
                           f.workload, f.key, f.error, format_value(f.median), f.unit, f.history);
        continue;
      }
      if (f.capacity) {
        out += fmt::format("  REGRESSION {} {} capacity: {} vs median {} {} of {} ({}, higher is better, threshold {}%)\n",
                           f.workload, f.key, format_value(f.value), format_value(f.median), f.unit, f.history,
                           format_change(f.change_pct), f.threshold_pct);
        continue;
      }
      if (!f.metric) {
        out += fmt::format("  REGRESSION {} {} qps {}: the run failed ({}); it succeeded in {} earlier session(s)\n",
                           f.workload, f.key, f.qps, f.error, f.history);
        continue;
      }
      const MetricInfo& info = metric_info(*f.metric);
      out += fmt::format("  REGRESSION {} {} qps {} {}: {} vs median {} of {} ({}, {} is better, threshold {}%)\n",
                         f.workload, f.key, f.qps, info.name, format_value(f.value), format_value(f.median),
                         f.history, format_change(f.change_pct),
                         info.better == Better::kLower ? "lower" : "higher", f.threshold_pct);
    }
    if (!options.metrics.empty()) {
      out += fmt::format("  {} point(s), {} without earlier sessions, {} value(s) compared, {} regression(s)\n",
                         s.points, s.points_without_history, s.values_compared, s.regressions.size());
    }
    if (options.capacity) {
      out += fmt::format("  {} capacity search(es), {} without earlier sessions{}{}\n", s.capacity_searches,
                         s.capacity_without_history,
                         s.capacity_skipped > 0
                             ? fmt::format(", {} interrupted or failed search(es) left out", s.capacity_skipped)
                             : "",
                         options.metrics.empty() ? fmt::format(", {} regression(s)", s.regressions.size()) : "");
    }
    if (s.interrupted_skipped > 0) {
      out += fmt::format("  {} interrupted run(s) left out (--include-interrupted judges them)\n", s.interrupted_skipped);
    }
  }
  if (report.suites.empty()) out += "no runs to compare\n";
  return out;
}

}  // namespace lmbench::store
