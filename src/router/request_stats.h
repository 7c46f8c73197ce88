#pragma once
// Router-side arrival counts per backend over a sliding window (production-stack's
// `--request-stats-window`, 60 s), and the QPS fallback every policy shares (`_qps_routing`):
// a backend with no arrivals recorded yet first, otherwise the lowest QPS.

#include <deque>
#include <map>
#include <span>
#include <string>

#include "core/clock.h"
#include "router/policy.h"

namespace lmbench::router {

class RequestStats {
 public:
  explicit RequestStats(core::Duration window = std::chrono::seconds(60)) : window_(window) {}

  void on_arrival(const std::string& url, core::TimePoint now);
  // Arrivals within the window ending at `now`, per second. 0 for unknown backends.
  double qps(const std::string& url, core::TimePoint now) const;
  // Whether any arrival was ever recorded for `url`.
  bool seen(const std::string& url) const { return arrivals_.count(url) > 0; }

 private:
  void trim(std::deque<core::TimePoint>& q, core::TimePoint now) const;

  core::Duration window_;
  // Mutable so that qps() can drop arrivals that left the window.
  mutable std::map<std::string, std::deque<core::TimePoint>> arrivals_;
};

// `live` non-empty. Ties go to the first in `live` order (sorted urls).
std::string qps_route(std::span<const Candidate> live, const RequestStats& stats, core::TimePoint now);

}  // namespace lmbench::router
