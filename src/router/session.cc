#include "router/session.h"

#include <algorithm>

#include "router/request_stats.h"

namespace lmbench::router {

Decision SessionRouter::route(const RouteInput& input, std::span<const Candidate> live) {
  if (input.session_id.empty()) return {qps_route(live, stats_, input.now), "qps_fallback"};
  // Ring nodes are the backends' positions ("backend-0", ...), not their urls (see Candidate).
  const auto node = [](const Candidate& c) { return "backend-" + std::to_string(c.position); };
  const bool same = ring_.nodes().size() == live.size() &&
                    std::equal(live.begin(), live.end(), ring_.nodes().begin(),
                               [&](const Candidate& c, const std::string& n) { return node(c) == n; });
  if (!same) {
    std::vector<std::string> nodes;
    nodes.reserve(live.size());
    for (const auto& c : live) nodes.push_back(node(c));
    ring_ = HashRing(nodes);
  }
  const std::string& owner = ring_.node_for(input.session_id);
  for (const auto& c : live) {
    if (node(c) == owner) return {c.url, "hash"};
  }
  return {live.front().url, "hash"};
}

}  // namespace lmbench::router
