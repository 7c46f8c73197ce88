#pragma once
// roundrobin: the live urls in sorted order, one counter: request i goes to urls[i % n].

#include <cstdint>

#include "router/policy.h"

namespace lmbench::router {

class RoundRobinPolicy final : public RoutingPolicy {
 public:
  std::string_view name() const override { return "roundrobin"; }
  Decision route(const RouteInput& input, std::span<const Candidate> live) override;

 private:
  std::uint64_t counter_ = 0;
};

}  // namespace lmbench::router
