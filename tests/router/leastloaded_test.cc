#include "router/leastloaded.h"

#include <gtest/gtest.h>

namespace lmbench::router {
namespace {

TEST(LeastLoaded, PicksFewestInFlight) {
  LeastLoadedPolicy p;
  std::vector<Candidate> live = {{"http://a", 3}, {"http://b", 1}, {"http://c", 2}};
  EXPECT_EQ(p.route({}, live).url, "http://b");
}

TEST(LeastLoaded, TiesRotateSoAnIdleSetFillsEvenly) {
  LeastLoadedPolicy p;
  std::vector<Candidate> live = {{"http://a", 0}, {"http://b", 0}, {"http://c", 0}};
  std::vector<std::string> got;
  for (int i = 0; i < 3; ++i) {
    const std::string url = p.route({}, live).url;
    got.push_back(url);
    for (auto& c : live) {
      if (c.url == url) ++c.in_flight;
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{"http://a", "http://b", "http://c"}));
  // All finished: ties again, and the least recently chosen goes first.
  for (auto& c : live) c.in_flight = 0;
  EXPECT_EQ(p.route({}, live).url, "http://a");
  EXPECT_EQ(p.route({}, live).url, "http://b");
}

}  // namespace
}  // namespace lmbench::router
