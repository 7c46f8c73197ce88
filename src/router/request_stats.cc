#include "router/request_stats.h"

#include <limits>

namespace lmbench::router {

void RequestStats::trim(std::deque<core::TimePoint>& q, core::TimePoint now) const {
  while (!q.empty() && q.front() + window_ <= now) q.pop_front();
}

void RequestStats::on_arrival(const std::string& url, core::TimePoint now) {
  auto& q = arrivals_[url];
  q.push_back(now);
  trim(q, now);
}

double RequestStats::qps(const std::string& url, core::TimePoint now) const {
  const auto it = arrivals_.find(url);
  if (it == arrivals_.end()) return 0.0;
  trim(it->second, now);
  return static_cast<double>(it->second.size()) / core::to_seconds(window_);
}

std::string qps_route(std::span<const Candidate> live, const RequestStats& stats, core::TimePoint now) {
  double lowest = std::numeric_limits<double>::infinity();
  const std::string* best = &live.front().url;
  for (const auto& c : live) {
    if (!stats.seen(c.url)) return c.url;
    const double q = stats.qps(c.url, now);
    if (q < lowest) {
      lowest = q;
      best = &c.url;
    }
  }
  return *best;
}

}  // namespace lmbench::router
