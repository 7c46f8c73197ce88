#pragma once
// Shared inputs for the policy unit tests.

#include <string>
#include <vector>

#include "router/policy.h"

namespace lmbench::router::testing {

inline std::vector<Candidate> candidates(std::initializer_list<const char*> urls) {
  std::vector<Candidate> out;
  // A backend's position is its letter ("http://a" is 0, "http://c" is 2), as stable as the
  // position the router gives each backend of its command line.
  for (const char* u : urls) {
    const std::string url = u;
    out.push_back({url, 0, static_cast<std::size_t>(url.back() - 'a')});
  }
  return out;
}

inline core::TimePoint at_seconds(double s) { return core::TimePoint{} + core::from_seconds(s); }

}  // namespace lmbench::router::testing
