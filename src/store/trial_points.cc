#include "store/trial_points.h"

#include <algorithm>
#include <set>

#include "metrics/confidence.h"

namespace lmbench::store {

namespace {

int validity_rank(const std::string& v) { return v == "invalid" ? 2 : v == "suspect" ? 1 : 0; }

bool same_point(const Point& a, const Point& b) {
  return a.key == b.key && a.qps == b.qps && a.session_id == b.session_id;
}

Point collapse_one(std::span<const Point> runs) {
  std::vector<int> indices;
  for (const Point& p : runs) indices.push_back(p.trial_index);
  const std::vector<std::size_t> members = point_members(indices);
  if (members.size() == 1 || runs[members.front()].trial_index == 0) return runs[members.front()];
  std::vector<const Point*> ok;
  for (std::size_t i : members) {
    if (runs[i].ok) ok.push_back(&runs[i]);
  }
  if (ok.empty()) return runs[members.front()];
  Point out = *ok.front();
  std::vector<double> values;
  for (const Point* p : ok) {
    if (p->value) values.push_back(*p->value);
    if (validity_rank(p->validity) > validity_rank(out.validity)) out.validity = p->validity;
    out.interrupted = out.interrupted || p->interrupted;
  }
  const metrics::MeanEstimate e = metrics::estimate_mean(values);
  out.value = values.empty() ? std::nullopt : std::optional<double>(e.mean);
  if (e.ci) {
    out.trials_averaged = static_cast<int>(e.n);
    out.ci95 = e.ci;
  }
  return out;
}

}  // namespace

std::vector<std::size_t> point_members(std::span<const int> trial_index_newest_first) {
  if (trial_index_newest_first.empty()) return {};
  if (trial_index_newest_first[0] == 0) return {0};
  std::vector<std::size_t> out;
  std::set<int> seen;
  for (std::size_t i = 0; i < trial_index_newest_first.size(); ++i) {
    const int t = trial_index_newest_first[i];
    if (t > 0 && seen.insert(t).second) out.push_back(i);
  }
  return out;
}

std::vector<Point> collapse_trials(std::vector<Point> rows) {
  std::vector<Point> out;
  std::size_t begin = 0;
  while (begin < rows.size()) {
    std::size_t end = begin + 1;
    while (end < rows.size() && same_point(rows[end], rows[begin])) ++end;
    out.push_back(collapse_one(std::span<const Point>(rows.data() + begin, end - begin)));
    begin = end;
  }
  return out;
}

Run combine_trials(std::span<const Run* const> members_newest_first) {
  std::vector<const Run*> ok;
  for (const Run* r : members_newest_first) {
    if (r->ok) ok.push_back(r);
  }
  if (ok.empty()) return *members_newest_first.front();
  Run out = *ok.front();
  if (ok.size() == 1) return out;
  for (int m = 0; m < kMetricCount; ++m) {
    std::vector<double> values;
    for (const Run* r : ok) {
      if (r->metrics[m]) values.push_back(*r->metrics[m]);
    }
    out.metrics[m] = values.empty() ? std::nullopt : std::optional<double>(metrics::estimate_mean(values).mean);
  }
  return out;
}

}  // namespace lmbench::store
