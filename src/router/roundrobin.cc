#include "router/roundrobin.h"

namespace lmbench::router {

Decision RoundRobinPolicy::route(const RouteInput&, std::span<const Candidate> live) {
  const auto i = counter_++ % live.size();
  return {live[i].url, "roundrobin"};
}

}  // namespace lmbench::router
