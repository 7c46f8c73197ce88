// Points run as trials (`lmbench run --repeat N`) through the real API on loopback: a session's
// trials at a point are one point, their mean, with the 95% Student t-interval; single runs keep
// the shape they had (no "trials" key).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "dashboard_fixture.h"

namespace lmbench::dashboard::testing {
namespace {

using nlohmann::json;

json body_of_or_die(const http::Response& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body);
}

constexpr std::int64_t kSession0 = 1700000000;
constexpr std::int64_t kSession1 = 1700000000 + 86400;
// t(0.975, 2) from published tables (4.303), to more places.
constexpr double kT975df2 = 4.302652729749464;

class DashboardTrials : public ::testing::Test {
 protected:
  void SetUp() override {
    // Session 0: one run per point. Session 1: helm_kvaware at QPS 1 as 3 trials (200, 210, 230),
    // helm_roundrobin at QPS 1 as one run.
    upload({.session_secs = kSession0, .key = "helm_kvaware", .qps = 1, .ttft_p99 = 190});
    upload({.session_secs = kSession0, .key = "helm_roundrobin", .qps = 1, .ttft_p99 = 300});
    int trial = 0;
    for (double v : {200.0, 210.0, 230.0}) {
      upload({.session_secs = kSession1, .timestamp = "20231115-2213", .key = "helm_kvaware", .qps = 1, .ttft_p99 = v},
             ++trial);
    }
    upload({.session_secs = kSession1, .timestamp = "20231115-2213", .key = "helm_roundrobin", .qps = 1,
            .ttft_p99 = 310});
  }
  void upload(const RunDoc& doc, int trial = 0) {
    json j = make_run(doc);
    if (trial > 0) j["trial"] = {{"index", trial}, {"count", 3}};
    const auto r = d_.upload_json(j.dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  LiveDashboard d_;
};

// mean 640/3; s = sqrt(((-40/3)^2 + (-10/3)^2 + (50/3)^2) / 2) = sqrt(700/3); half = t * s / sqrt(3).
void expect_three_trials(const json& p) {
  const double mean = 640.0 / 3, half = kT975df2 * std::sqrt(700.0 / 3) / std::sqrt(3.0);
  EXPECT_NEAR(p["value"].get<double>(), mean, 1e-9) << p.dump();
  ASSERT_TRUE(p.contains("trials")) << p.dump();
  EXPECT_EQ(p["trials"]["count"], 3);
  ASSERT_EQ(p["trials"]["ci95"].size(), 2u);
  EXPECT_NEAR(p["trials"]["ci95"][0].get<double>(), mean - half, 1e-6);
  EXPECT_NEAR(p["trials"]["ci95"][1].get<double>(), mean + half, 1e-6);
  EXPECT_NEAR(p["trials"]["ci95"][0].get<double>(), 175.387503, 1e-5);  // by hand, as above
  EXPECT_NEAR(p["trials"]["ci95"][1].get<double>(), 251.279164, 1e-5);
  EXPECT_EQ(p["trial"]["index"], 3);  // the row standing for the point: the newest trial
}

TEST_F(DashboardTrials, SeriesAgainstQpsGivesTheMeanOfATrialPointAndItsInterval) {
  const json s = body_of_or_die(d_.get("/api/series/qps?suite=routing-benchmark&workload=synthetic&metric=ttft_p99"));
  ASSERT_EQ(s["lines"].size(), 2u);
  ASSERT_EQ(s["lines"][0]["points"].size(), 1u);
  expect_three_trials(s["lines"][0]["points"][0]);
  const json& single = s["lines"][1]["points"][0];
  EXPECT_DOUBLE_EQ(single["value"].get<double>(), 310);
  EXPECT_FALSE(single.contains("trials")) << single.dump();
  EXPECT_TRUE(single["trial"].is_null());
}

TEST_F(DashboardTrials, SeriesOverTimeGivesTheMeanAndJudgesIt) {
  // The last trial alone (230) is +21% on 190; the mean (213.3) is +12.3%: judged at 15% it is
  // no regression, at 10% it is one.
  const std::string base = "/api/series/time?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&qps=1";
  const json t = body_of_or_die(d_.get(base + "&threshold_pct=15"));
  ASSERT_EQ(t["lines"].size(), 2u);
  const json& kv = t["lines"][0];
  ASSERT_EQ(kv["points"].size(), 2u);
  EXPECT_FALSE(kv["points"][0].contains("trials"));
  expect_three_trials(kv["points"][1]);
  EXPECT_FALSE(kv["latest_regressed"].get<bool>());
  EXPECT_FALSE(t["lines"][1]["points"][1].contains("trials"));
  const json strict = body_of_or_die(d_.get(base + "&threshold_pct=10"));
  EXPECT_TRUE(strict["lines"][0]["latest_regressed"].get<bool>());
}

}  // namespace
}  // namespace lmbench::dashboard::testing
