#pragma once
// leastloaded (not in production-stack): the backend with the fewest proxied requests in
// flight; ties go to the one that has waited longest since it was last chosen, so an idle set
// is filled in turn rather than always from the first url.

#include <cstdint>
#include <map>
#include <string>

#include "router/policy.h"

namespace lmbench::router {

class LeastLoadedPolicy final : public RoutingPolicy {
 public:
  std::string_view name() const override { return "leastloaded"; }
  Decision route(const RouteInput& input, std::span<const Candidate> live) override;

 private:
  std::uint64_t picks_ = 0;
  std::map<std::string, std::uint64_t> last_pick_;  // url -> picks_ when last chosen
};

}  // namespace lmbench::router
