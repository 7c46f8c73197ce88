// Capacity files through a real dashboard on loopback: upload (raw JSON and multipart, through
// the upload client as `lmbench upload` and `--auto-upload` use it), GET /api/capacity for the
// workload page, and the regression flag on its points.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "dashboard/upload_client.h"
#include "dashboard_fixture.h"

namespace lmbench::dashboard::testing {
namespace {

using ::testing::HasSubstr;

// A capacity file as the search writes it: one baseline per (key, capacity), session n on day n.
std::string capacity_text(int session, const std::vector<std::pair<std::string, std::optional<double>>>& searches,
                          const std::string& status = "found") {
  nlohmann::json baselines = nlohmann::json::object();
  for (const auto& [key, cap] : searches) {
    baselines[key] = {{"capacity", cap ? nlohmann::json(*cap) : nlohmann::json(nullptr)},
                      {"status", cap ? status : std::string("below_min")},
                      {"lower", cap ? nlohmann::json(*cap) : nlohmann::json(nullptr)},
                      {"upper", cap ? nlohmann::json(*cap * 1.25) : nlohmann::json(0.125)},
                      {"precision_reached", 0.25},
                      {"session_id", session_id_for(1700000000 + session * 86400)},
                      {"timestamp", "202311" + std::to_string(14 + session) + "-2213"},
                      {"probes", nlohmann::json::array()}};
  }
  return nlohmann::json{{"workload", "synthetic"}, {"rate_key", "QPS"}, {"unit", "req/s"},
                        {"slo", {{"ttft_ms", 2000}, {"tpot_ms", 100}}}, {"goodput", 0.9}, {"precision", 0.1},
                        {"min_qps", 0.125}, {"max_qps", 4}, {"baselines", baselines}}
      .dump(2);
}

nlohmann::json body_of(const http::Response& r) { return nlohmann::json::parse(r.body); }

TEST(DashboardCapacity, UploadStoresABaselinePerRowAndAgainIsADuplicate) {
  LiveDashboard d;
  const std::string text = capacity_text(0, {{"lmcache", 3.1}, {"plain_vllm", 0.5}});
  const auto first = d.post("/upload?suite=capacity-demo", text, "application/json");
  ASSERT_EQ(first.status, 201) << first.body;
  const auto b = body_of(first);
  EXPECT_EQ(b["type"], "capacity");
  EXPECT_EQ(b["suite"], "capacity-demo");
  EXPECT_EQ(b["workload"], "synthetic");
  ASSERT_EQ(b["baselines"].size(), 2u);
  EXPECT_EQ(b["baselines"][1]["key"], "plain_vllm");
  EXPECT_EQ(b["baselines"][1]["status"], "stored");
  const auto again = d.upload_multipart(text, "synthetic_capacity.json");  // no suite: the file has no "name"
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_THAT(again.body, HasSubstr("name"));
  const auto dup = d.post("/api/upload?suite=capacity-demo", text, "application/json");
  ASSERT_EQ(dup.status, 200) << dup.body;
  EXPECT_EQ(body_of(dup)["status"], "duplicate");
  EXPECT_EQ(body_of(dup)["baselines"][0]["status"], "duplicate");
}

TEST(DashboardCapacity, SeriesPerBaselineOverSessionsWithBracketAndRegressionFlag) {
  LiveDashboard d;
  for (int s = 0; s < 3; ++s) {
    ASSERT_EQ(d.post("/upload?suite=capacity-demo", capacity_text(s, {{"plain_vllm", 1.0 + 0.1 * s}, {"lmcache", 3}}),
                     "application/json").status, 201);
  }
  ASSERT_EQ(d.post("/upload?suite=capacity-demo", capacity_text(3, {{"plain_vllm", 0.8}, {"lmcache", std::nullopt}}),
                   "application/json").status, 201);
  const auto r = d.get("/api/capacity?suite=capacity-demo&workload=synthetic");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = body_of(r);
  ASSERT_EQ(j["lines"].size(), 2u);
  const auto& lmcache = j["lines"][0];
  const auto& vllm = j["lines"][1];
  EXPECT_EQ(vllm["name"], "plain_vllm");
  EXPECT_EQ(vllm["unit"], "req/s");
  EXPECT_EQ(vllm["slo"]["ttft_ms"], 2000.0);
  ASSERT_EQ(vllm["points"].size(), 4u);
  EXPECT_EQ(vllm["points"][0]["session_time"], 1700000000);
  EXPECT_DOUBLE_EQ(vllm["points"][2]["capacity"].get<double>(), 1.2);
  EXPECT_DOUBLE_EQ(vllm["points"][2]["upper"].get<double>(), 1.5);
  // 0.8 against the median 1.1 of the three before it: 27% lower, a regression at 10%.
  EXPECT_EQ(vllm["points"][3]["regressed"], true);
  EXPECT_DOUBLE_EQ(vllm["points"][3]["median"].get<double>(), 1.1);
  EXPECT_EQ(vllm["latest_regressed"], true);
  // A search that found none after ones that did: flagged too.
  EXPECT_EQ(lmcache["points"][3]["status"], "below_min");
  EXPECT_TRUE(lmcache["points"][3]["capacity"].is_null());
  EXPECT_EQ(lmcache["latest_regressed"], true);
  // A looser threshold from the page.
  const auto lenient = body_of(d.get("/api/capacity?suite=capacity-demo&workload=synthetic&threshold_pct=30"));
  EXPECT_EQ(lenient["lines"][1]["latest_regressed"], false);
  // Another workload has none; bad parameters are 400.
  EXPECT_EQ(body_of(d.get("/api/capacity?suite=capacity-demo&workload=other"))["lines"].size(), 0u);
  EXPECT_EQ(d.get("/api/capacity?suite=capacity-demo").status, 400);
  EXPECT_EQ(d.get("/api/capacity?suite=capacity-demo&workload=synthetic&window=0").status, 400);
}

TEST(DashboardCapacity, UploadClientSendsTheSuiteFromTheFolderOrAProbeRun) {
  LiveDashboard d;
  TempDir dir;
  core::SteadyClock clock;
  UploadOptions options{.api_url = d.url("/upload")};
  // A suite folder as lmbench writes it: results/<suite name>/{WORKLOAD}_capacity.json.
  std::filesystem::create_directories(dir.path() / "capacity-demo");
  const auto file = dir.path() / "capacity-demo" / "synthetic_capacity.json";
  std::ofstream(file) << capacity_text(0, {{"plain_vllm", 0.5}});
  const UploadOutcome first = upload_capacity_file(file, options, clock);
  ASSERT_EQ(first.status, UploadStatus::kStored) << first.message;
  EXPECT_EQ(first.http_status, 201);
  EXPECT_EQ(first.detail, "plain_vllm stored");
  options.encoding = UploadEncoding::kJson;
  const UploadOutcome again = upload_capacity_file(file, options, clock);
  EXPECT_EQ(again.status, UploadStatus::kDuplicate) << again.message;
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(body_of(d.get("/api/capacity?suite=capacity-demo&workload=synthetic"))["lines"].size(), 1u);

  // In a folder of another name, a probe's run JSON beside it names the suite.
  std::filesystem::create_directories(dir.path() / "renamed");
  auto doc = nlohmann::json::parse(capacity_text(1, {{"helm_kvaware", 2.0}}));
  doc["baselines"]["helm_kvaware"]["probes"] = {{{"rate", 0.5}, {"run", "helm_kvaware_synthetic_0.5_20231115-2213.json"}}};
  const auto other = dir.path() / "renamed" / "synthetic_capacity.json";
  std::ofstream(other) << doc.dump();
  std::ofstream(dir.path() / "renamed" / "helm_kvaware_synthetic_0.5_20231115-2213.json")
      << make_run_text({.suite = "routing-benchmark", .key = "helm_kvaware"});
  const UploadOutcome by_probe = upload_capacity_file(other, options, clock);
  ASSERT_EQ(by_probe.status, UploadStatus::kStored) << by_probe.message;
  EXPECT_EQ(body_of(d.get("/api/capacity?suite=routing-benchmark&workload=synthetic"))["lines"].size(), 1u);

  // upload_file (what --auto-upload's hook calls) takes a capacity file too, with its suite.
  std::filesystem::create_directories(dir.path() / "third-suite");
  const auto third = dir.path() / "third-suite" / "synthetic_capacity.json";
  std::ofstream(third) << capacity_text(2, {{"plain_vllm", 0.7}});
  const UploadOutcome generic = upload_file(third, options, clock);
  ASSERT_EQ(generic.status, UploadStatus::kStored) << generic.message;
  EXPECT_EQ(generic.detail, "plain_vllm stored");
  EXPECT_EQ(body_of(d.get("/api/capacity?suite=third-suite&workload=synthetic"))["lines"].size(), 1u);

  // A run JSON is not a capacity file.
  const auto run = dir.path() / "run.json";
  std::ofstream(run) << make_run_text({});
  EXPECT_EQ(upload_capacity_file(run, options, clock).status, UploadStatus::kFailed);
}

}  // namespace
}  // namespace lmbench::dashboard::testing
