#include "router/session.h"

#include <algorithm>

#include "router/request_stats.h"

namespace lmbench::router {

Decision SessionRouter::route(const RouteInput& input, std::span<const Candidate> live) {
  if (input.session_id.empty()) return {qps_route(live, stats_, input.now), "qps_fallback"};
  const bool same = ring_.nodes().size() == live.size() &&
                    std::equal(live.begin(), live.end(), ring_.nodes().begin(),
                               [](const Candidate& c, const std::string& n) { return c.url == n; });
  if (!same) {
    std::vector<std::string> urls;
    urls.reserve(live.size());
    for (const auto& c : live) urls.push_back(c.url);
    ring_ = HashRing(urls);
  }
  return {ring_.node_for(input.session_id), "hash"};
}

}  // namespace lmbench::router
