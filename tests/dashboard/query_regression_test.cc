#include <gtest/gtest.h>

#include <vector>

#include "dashboard/query.h"
#include "store/regress.h"

namespace lmbench::dashboard {
namespace {

TEST(Query, DecodesPercentAndPlus) {
  auto q = parse_query("suite=x%27%29%3B+DROP&empty=&flag&w=a%2Bb&suite2=%E2%9C%93");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->at("suite"), "x'); DROP");
  EXPECT_EQ(q->at("empty"), "");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(q->at("w"), "a+b");
  EXPECT_EQ(q->at("suite2"), "\xE2\x9C\x93");
  EXPECT_FALSE(parse_query("a=%zz").ok());
  EXPECT_FALSE(parse_query("a=%2").ok());
  EXPECT_FALSE(parse_query("a=%").ok());
}

TEST(Query, EncodeRoundTrips) {
  const std::string s = "x'); DROP TABLE runs;-- & = + % / ✓";
  EXPECT_EQ(*url_decode(url_encode(s)), s);
  EXPECT_EQ(url_encode("a-b_c.d~e f"), "a-b_c.d~e%20f");
}

store::Point ok(double v) {
  store::Point p;
  p.value = v;
  return p;
}
store::Point failed() {
  store::Point p;
  p.ok = false;
  return p;
}

TEST(JudgeSeries, ComparesWithTheMedianOfThePreviousWindow) {
  // Window 5: the last point is compared with the median of 110,100,120,90,105 = 105.
  const std::vector<store::Point> pts = {ok(1000), ok(110), ok(100), ok(120), ok(90), ok(105), ok(116)};
  const auto j = store::judge_series(pts, store::Better::kLower, 10, 5);
  ASSERT_EQ(j.size(), pts.size());
  EXPECT_FALSE(j[0].median.has_value());
  EXPECT_FALSE(j[0].regressed);
  EXPECT_EQ(j[0].history, 0);
  EXPECT_DOUBLE_EQ(*j[6].median, 105);
  EXPECT_EQ(j[6].history, 5);
  EXPECT_TRUE(j[6].regressed);  // 116 > 105 * 1.1 = 115.5
  EXPECT_FALSE(judge_series(pts, store::Better::kLower, 11, 5)[6].regressed);
  // Higher is better: 110 after 1000 is a drop.
  EXPECT_TRUE(judge_series(pts, store::Better::kHigher, 10, 5)[1].regressed);
  EXPECT_FALSE(judge_series(pts, store::Better::kHigher, 10, 5)[6].regressed);
}

TEST(JudgeSeries, AFailureAfterSuccessesIsARegressionAndFailuresAreNotHistory) {
  const std::vector<store::Point> pts = {failed(), ok(100), failed(), ok(100)};
  const auto j = store::judge_series(pts, store::Better::kLower, 10, 5);
  EXPECT_FALSE(j[0].regressed);  // nothing before it
  EXPECT_TRUE(j[2].regressed);
  EXPECT_EQ(j[3].history, 1);
  EXPECT_FALSE(j[3].regressed);
}

}  // namespace
}  // namespace lmbench::dashboard
