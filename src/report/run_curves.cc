#include "report/run_curves.h"

#include <algorithm>
#include <map>

#include "metrics/percentile.h"

namespace lmbench::report {

namespace {

std::vector<std::pair<double, double>> cdf(std::vector<double> v, std::size_t max_points) {
  std::vector<std::pair<double, double>> out;
  if (v.empty()) return out;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const std::size_t k = std::min(n, std::max<std::size_t>(max_points, 2));
  for (std::size_t i = 0; i < k; ++i) {
    // Evenly spaced ranks from the smallest (rank 0) to the largest (rank n-1).
    const std::size_t rank = k == 1 ? 0 : i * (n - 1) / (k - 1);
    out.emplace_back(v[rank], static_cast<double>(rank + 1) / static_cast<double>(n));
  }
  return out;
}

std::vector<std::pair<double, double>> in_flight(const std::vector<metrics::CsvRow>& rows, std::size_t max_points) {
  std::vector<std::pair<double, int>> events;  // (time, +1 send / -1 end)
  for (const auto& r : rows) {
    if (r.warmup) continue;
    events.emplace_back(r.launch_time, +1);
    events.emplace_back(std::max(r.finish_time, r.launch_time), -1);
  }
  std::vector<std::pair<double, double>> out;
  if (events.empty()) return out;
  // Ends before sends at the same instant: a request that ends as another starts is not overlap.
  std::sort(events.begin(), events.end());
  const double t0 = events.front().first;
  const double span = events.back().first - t0;
  if (events.size() <= max_points || span <= 0) {
    int count = 0;
    out.emplace_back(0, 0);
    for (const auto& [t, d] : events) {
      count += d;
      if (!out.empty() && out.back().first == t - t0) out.back().second = count;
      else out.emplace_back(t - t0, count);
    }
    return out;
  }
  // Thinned: the largest count in each of max_points equal slices, so peaks stay visible. A slice
  // starts at the count carried over from the one before it: a slice in which nothing starts or
  // ends still shows the requests that are running through it.
  std::vector<double> peak(max_points, 0);
  int count = 0;
  std::size_t current = 0;
  for (const auto& [t, d] : events) {
    const auto slice = std::min(max_points - 1, static_cast<std::size_t>((t - t0) / span * max_points));
    while (current < slice) peak[++current] = count;
    count += d;
    peak[slice] = std::max(peak[slice], static_cast<double>(count));
  }
  for (std::size_t i = 0; i < max_points; ++i) out.emplace_back(span * i / max_points, peak[i]);
  out.emplace_back(span, 0);
  return out;
}

}  // namespace

std::vector<BackendShare> backend_shares(const std::vector<metrics::CsvRow>& rows) {
  struct Acc {
    BackendShare share;
    std::vector<double> ttfts;
    double prompt = 0;
    double cached = 0, cached_of = 0;  // over rows that report cached tokens
  };
  std::map<std::string, Acc> by;
  for (const auto& r : rows) {
    if (r.warmup || r.backend.empty()) continue;
    Acc& a = by[r.backend];
    a.share.backend = r.backend;
    ++a.share.requests;
    a.prompt += r.prompt_tokens;
    if (r.cached_tokens && r.prompt_tokens > 0) {
      a.cached += *r.cached_tokens;
      a.cached_of += r.prompt_tokens;
    }
    if (r.outcome != "ok") ++a.share.failed;
    else if (r.ttft_s) a.ttfts.push_back(*r.ttft_s * 1000);
  }
  std::vector<BackendShare> out;
  for (auto& [name, a] : by) {
    if (!a.ttfts.empty()) {
      std::sort(a.ttfts.begin(), a.ttfts.end());
      a.share.ttft_p50_ms = metrics::percentile_sorted(a.ttfts, 50);
    }
    a.share.mean_prompt_tokens = a.prompt / a.share.requests;
    if (a.cached_of > 0) a.share.cache_hit_rate = a.cached / a.cached_of;
    out.push_back(std::move(a.share));
  }
  return out;
}

RunCurves run_curves(const std::vector<metrics::CsvRow>& rows, const std::string& name, std::size_t style,
                     std::size_t max_points) {
  std::vector<double> ttft, itl;
  for (const auto& r : rows) {
    if (r.warmup || r.outcome != "ok") continue;
    if (r.ttft_s) ttft.push_back(*r.ttft_s * 1000);
    itl.insert(itl.end(), r.itl_ms.begin(), r.itl_ms.end());
  }
  RunCurves c;
  c.ttft_cdf = Series{name, style, cdf(std::move(ttft), max_points)};
  c.itl_cdf = Series{name, style, cdf(std::move(itl), max_points)};
  c.in_flight = Series{name, style, in_flight(rows, max_points)};
  return c;
}

}  // namespace lmbench::report
