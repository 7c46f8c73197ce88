#pragma once
// Shared inputs for the policy unit tests.

#include <string>
#include <vector>

#include "router/policy.h"

namespace lmbench::router::testing {

inline std::vector<Candidate> candidates(std::initializer_list<const char*> urls) {
  std::vector<Candidate> out;
  for (const char* u : urls) out.push_back({u, 0});
  return out;
}

inline core::TimePoint at_seconds(double s) { return core::TimePoint{} + core::from_seconds(s); }

}  // namespace lmbench::router::testing
