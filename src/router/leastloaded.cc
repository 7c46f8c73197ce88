#include "router/leastloaded.h"

namespace lmbench::router {

Decision LeastLoadedPolicy::route(const RouteInput&, std::span<const Candidate> live) {
  const Candidate* best = nullptr;
  std::uint64_t best_last = 0;
  for (const auto& c : live) {
    const auto it = last_pick_.find(c.url);
    const std::uint64_t last = it == last_pick_.end() ? 0 : it->second;
    if (!best || c.in_flight < best->in_flight || (c.in_flight == best->in_flight && last < best_last)) {
      best = &c;
      best_last = last;
    }
  }
  last_pick_[best->url] = ++picks_;
  return {best->url, "least_loaded"};
}

}  // namespace lmbench::router
