#include "router/kvaware.h"

#include <gtest/gtest.h>

#include "policy_fixture.h"
#include "router/request_stats.h"

namespace lmbench::router {
namespace {

using testing::candidates;

RouteInput lookups(std::vector<CacheHit> hits, std::string session = "") {
  RouteInput in;
  in.cache_hits = std::move(hits);
  in.session_id = std::move(session);
  return in;
}

TEST(KvAware, RoutesToTheLongestCachedPrefix) {
  RequestStats stats;
  KvAwarePolicy p(stats, 2000);
  const auto live = candidates({"http://a", "http://b", "http://c"});
  const Decision d = p.route(lookups({{"http://a", 256, 5000}, {"http://b", 4096, 5000}, {"http://c", 0, 5000}}), live);
  EXPECT_EQ(d.url, "http://b");
  EXPECT_EQ(d.outcome, "kv_hit");
}

TEST(KvAware, ThresholdSendsShortMatchesToSessionRouting) {
  RequestStats stats;
  KvAwarePolicy p(stats, 2000);
  SessionPolicy session(stats);
  const auto live = candidates({"http://a", "http://b", "http://c"});
  // 1000 cached of 5000: more than 2000 short.
  const Decision d = p.route(lookups({{"http://a", 1000, 5000}}, "user-9"), live);
  EXPECT_EQ(d.outcome, "kv_miss_hash");
  EXPECT_EQ(d.url, session.route(lookups({}, "user-9"), live).url);
  // Exactly at the threshold still counts as a hit.
  EXPECT_EQ(p.route(lookups({{"http://c", 3000, 5000}}), live).outcome, "kv_hit");
  // A short prompt: any cached prefix is within the threshold.
  EXPECT_EQ(p.route(lookups({{"http://a", 16, 40}}), live).url, "http://a");
}

TEST(KvAware, NothingCachedNoSessionUsesQps) {
  RequestStats stats;
  KvAwarePolicy p(stats, 2000);
  const auto live = candidates({"http://a", "http://b"});
  stats.on_arrival("http://a", {});
  const Decision d = p.route(lookups({{"http://a", 0, 100}, {"http://b", 0, 100}}), live);
  EXPECT_EQ(d.outcome, "kv_miss_qps_fallback");
  EXPECT_EQ(d.url, "http://b");
}

TEST(KvAware, IgnoresAnswersFromBackendsNotLiveAndBreaksTiesByUrl) {
  RequestStats stats;
  KvAwarePolicy p(stats, 2000);
  const auto live = candidates({"http://b", "http://c"});
  EXPECT_EQ(p.route(lookups({{"http://a", 900, 1000}, {"http://c", 500, 1000}, {"http://b", 500, 1000}}), live).url, "http://b");
}

}  // namespace
}  // namespace lmbench::router
