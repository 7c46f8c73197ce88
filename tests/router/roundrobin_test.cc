#include "router/roundrobin.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "router/request_stats.h"
#include "policy_fixture.h"

namespace lmbench::router {
namespace {

using testing::candidates;

TEST(RoundRobin, CyclesThroughSortedUrls) {
  RoundRobinPolicy p;
  const auto live = candidates({"http://a", "http://b", "http://c"});
  std::vector<std::string> got;
  for (int i = 0; i < 6; ++i) got.push_back(p.route({}, live).url);
  EXPECT_EQ(got, (std::vector<std::string>{"http://a", "http://b", "http://c", "http://a", "http://b", "http://c"}));
}

TEST(RoundRobin, OneCounterAcrossChangingSets) {
  RoundRobinPolicy p;
  EXPECT_EQ(p.route({}, candidates({"http://a", "http://b"})).url, "http://a");
  // Counter is 1 now; with a third backend 1 % 3 picks the second.
  EXPECT_EQ(p.route({}, candidates({"http://a", "http://b", "http://c"})).url, "http://b");
  EXPECT_EQ(p.route({}, candidates({"http://c"})).url, "http://c");
}

TEST(PolicyFactory, KnowsEveryNameAndRejectsOthers) {
  RequestStats stats;
  for (const auto& n : policy_names()) EXPECT_EQ(make_policy(n, {}, stats)->name(), n);
  try {
    make_policy("random", {}, stats);
    FAIL() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("found 'random'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("kvaware"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lmbench::router
