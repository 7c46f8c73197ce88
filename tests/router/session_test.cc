#include "router/session.h"

#include <gtest/gtest.h>

#include <map>

#include "router/request_stats.h"
#include "policy_fixture.h"

namespace lmbench::router {
namespace {

using testing::candidates;

RouteInput session(const std::string& id) {
  RouteInput in;
  in.session_id = id;
  return in;
}

TEST(SessionPolicy, SameSessionSameBackendAndUsersSpread) {
  RequestStats stats;
  SessionPolicy p(stats);
  const auto live = candidates({"http://a", "http://b", "http://c", "http://d"});
  std::map<std::string, int> per_backend;
  for (int u = 0; u < 200; ++u) {
    const std::string first = p.route(session("user-" + std::to_string(u)), live).url;
    for (int again = 0; again < 3; ++again) EXPECT_EQ(p.route(session("user-" + std::to_string(u)), live).url, first);
    ++per_backend[first];
  }
  ASSERT_EQ(per_backend.size(), 4u);
  for (const auto& [url, n] : per_backend) EXPECT_GT(n, 20) << url;  // 50 each on average
}

TEST(SessionPolicy, RemovingABackendMovesOnlyItsSessions) {
  RequestStats stats;
  SessionPolicy p(stats);
  const auto all = candidates({"http://a", "http://b", "http://c", "http://d"});
  const auto without_b = candidates({"http://a", "http://c", "http://d"});
  int moved = 0;
  for (int u = 0; u < 300; ++u) {
    const std::string id = "u" + std::to_string(u);
    const std::string before = p.route(session(id), all).url;
    const std::string after = p.route(session(id), without_b).url;
    if (before != "http://b") {
      EXPECT_EQ(before, after) << id;
    } else {
      EXPECT_NE(after, "http://b");
      ++moved;
    }
  }
  EXPECT_GT(moved, 0);
}

// The ring is keyed on each backend's position, not its url: a simulated run whose engines got
// other ports sends every user to the same engine (by position) as before, so its results do not
// depend on the ports (they did: a different user split overflowed one engine's GPU cache).
TEST(SessionPolicy, WhichEngineAUserGetsDoesNotDependOnItsPort) {
  RequestStats stats;
  SessionPolicy p(stats), q(stats);
  const std::vector<Candidate> one = {{"http://127.0.0.1:40001", 0, 0}, {"http://127.0.0.1:40002", 0, 1}};
  const std::vector<Candidate> other = {{"http://127.0.0.1:51713", 0, 0}, {"http://127.0.0.1:51714", 0, 1}};
  int first_engine = 0;
  for (int u = 0; u < 100; ++u) {
    const std::string id = std::to_string(u);
    const std::string a = p.route(session(id), one).url, b = q.route(session(id), other).url;
    EXPECT_EQ(a == one[0].url, b == other[0].url) << "user " << id;
    first_engine += a == one[0].url;
  }
  EXPECT_GT(first_engine, 20);
  EXPECT_LT(first_engine, 80);
}

TEST(SessionPolicy, NoSessionIdFallsBackToQps) {
  RequestStats stats;
  SessionPolicy p(stats);
  const auto live = candidates({"http://a", "http://b"});
  stats.on_arrival("http://a", {});
  const Decision d = p.route({}, live);
  EXPECT_EQ(d.url, "http://b");
  EXPECT_EQ(d.outcome, "qps_fallback");
}

}  // namespace
}  // namespace lmbench::router
