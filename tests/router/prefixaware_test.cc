#include "router/prefixaware.h"

#include <gtest/gtest.h>

#include <map>

#include "policy_fixture.h"
#include "router/prefix_trie.h"
#include "router/request_stats.h"

namespace lmbench::router {
namespace {

using testing::candidates;

RouteInput prompt(std::string text) {
  RouteInput in;
  in.prompt = std::move(text);
  return in;
}

std::string doc(char c, std::size_t n) { return std::string(n, c); }

TEST(PrefixTrie, ChunksOf128CharactersLastOneShorter) {
  EXPECT_EQ(PrefixTrie::chunk_hashes(doc('a', 300)).size(), 3u);
  EXPECT_EQ(PrefixTrie::chunk_hashes(doc('a', 256)).size(), 2u);
  EXPECT_TRUE(PrefixTrie::chunk_hashes("").empty());
}

TEST(PrefixTrie, MatchLengthCountsWholeChunksAndNarrowsToHolders) {
  PrefixTrie t;
  const std::string shared = doc('s', 256);
  t.insert(shared + doc('x', 128), "http://a");
  t.insert(shared + doc('y', 128), "http://b");
  const std::set<std::string> all = {"http://a", "http://b", "http://c"};
  auto m = t.longest_match(shared + doc('y', 128) + "tail", all);
  EXPECT_EQ(m.length, 384u);
  EXPECT_EQ(m.backends, (std::set<std::string>{"http://b"}));
  m = t.longest_match(shared + doc('z', 128), all);
  EXPECT_EQ(m.length, 256u);
  EXPECT_EQ(m.backends, (std::set<std::string>{"http://a", "http://b"}));
  // A holder that is not available does not count.
  m = t.longest_match(shared + doc('y', 128), {"http://a", "http://c"});
  EXPECT_EQ(m.length, 256u);
  EXPECT_EQ(m.backends, (std::set<std::string>{"http://a"}));
  m = t.longest_match("other", all);
  EXPECT_EQ(m.length, 0u);
  EXPECT_EQ(m.backends, all);
}

TEST(PrefixAware, SharedPrefixGoesWhereItWentBefore) {
  RequestStats stats;
  PrefixAwarePolicy p(stats, 0, 42);
  const auto live = candidates({"http://a", "http://b", "http://c", "http://d"});
  std::map<char, std::string> home;
  for (char c : std::string("pqrstuvw")) {
    const Decision first = p.route(prompt(doc(c, 1000) + " question 0"), live);
    EXPECT_EQ(first.outcome, "no_match_random");
    home[c] = first.url;
  }
  for (int round = 1; round < 5; ++round) {
    for (char c : std::string("pqrstuvw")) {
      const Decision d = p.route(prompt(doc(c, 1000) + " question " + std::to_string(round)), live);
      EXPECT_EQ(d.url, home[c]) << c;
      EXPECT_EQ(d.outcome, "prefix_match");
    }
  }
  std::set<std::string> used;
  for (const auto& [c, url] : home) used.insert(url);
  EXPECT_GT(used.size(), 1u) << "new prefixes should land on random backends";
}

TEST(PrefixAware, SameSeedSameChoices) {
  RequestStats s1, s2;
  PrefixAwarePolicy p1(s1, 0, 7), p2(s2, 0, 7);
  const auto live = candidates({"http://a", "http://b", "http://c"});
  for (int i = 0; i < 20; ++i) {
    const std::string text = doc(static_cast<char>('a' + i), 200);
    EXPECT_EQ(p1.route(prompt(text), live).url, p2.route(prompt(text), live).url);
  }
}

TEST(PrefixAware, ShortMatchFallsBackToQpsAndAHolderGoneMovesOn) {
  RequestStats stats;
  PrefixAwarePolicy p(stats, 256, 1);
  const auto live = candidates({"http://a", "http://b"});
  stats.on_arrival("http://a", {});
  Decision d = p.route(prompt(doc('k', 100)), live);
  EXPECT_EQ(d.outcome, "qps_fallback");
  EXPECT_EQ(d.url, "http://b");  // never seen: first
  // 300 characters inserted under b; the same prompt now matches 384 >= 256.
  d = p.route(prompt(doc('m', 300)), candidates({"http://b"}));
  d = p.route(prompt(doc('m', 300)), live);
  EXPECT_EQ(d.outcome, "prefix_match");
  EXPECT_EQ(d.url, "http://b");
  // b gone: no holder among the live ones, below the minimum.
  d = p.route(prompt(doc('m', 300)), candidates({"http://a"}));
  EXPECT_EQ(d.url, "http://a");
  EXPECT_EQ(d.outcome, "qps_fallback");
}

}  // namespace
}  // namespace lmbench::router
