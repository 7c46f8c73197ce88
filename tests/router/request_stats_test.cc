#include "router/request_stats.h"

#include <gtest/gtest.h>

#include "policy_fixture.h"

namespace lmbench::router {
namespace {

using testing::at_seconds;
using testing::candidates;

TEST(RequestStats, CountsArrivalsInTheWindow) {
  RequestStats s(std::chrono::seconds(10));
  for (int i = 0; i < 5; ++i) s.on_arrival("http://a", at_seconds(i));
  EXPECT_DOUBLE_EQ(s.qps("http://a", at_seconds(5)), 0.5);
  EXPECT_DOUBLE_EQ(s.qps("http://a", at_seconds(12.5)), 0.2);  // arrivals at 3 and 4 remain
  EXPECT_DOUBLE_EQ(s.qps("http://b", at_seconds(5)), 0.0);
  EXPECT_TRUE(s.seen("http://a"));
  EXPECT_FALSE(s.seen("http://b"));
}

TEST(QpsRoute, UnseenBackendFirstThenLowestQps) {
  RequestStats s;
  const auto live = candidates({"http://a", "http://b", "http://c"});
  s.on_arrival("http://a", at_seconds(0));
  s.on_arrival("http://c", at_seconds(0));
  EXPECT_EQ(qps_route(live, s, at_seconds(1)), "http://b");
  s.on_arrival("http://b", at_seconds(1));
  s.on_arrival("http://b", at_seconds(1));
  s.on_arrival("http://a", at_seconds(1));
  EXPECT_EQ(qps_route(live, s, at_seconds(2)), "http://c");
}

}  // namespace
}  // namespace lmbench::router
