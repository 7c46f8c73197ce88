// End-to-end: `lmbench upload` and `lmbench dashboard` as users run them.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>

#include "core/process.h"
#include "e2e/dashboard_process.h"
#include "e2e/run_binary.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;

std::string run_doc(const std::string& suite, double qps) {
  return fmt::format(
      R"({{"name": "{}", "lmbench-session-id": "lmbench-1700000000-0000abcd", "timestamp": "20231114-2213",
  "results": {{"successful_requests": 100, "request_throughput_req_per_s": 1.0, "output_token_throughput_tok_per_s": 70,
    "ttft_ms": {{"mean": 120, "median": 100, "p99": 200}}, "tpot_ms": {{"mean": 12, "median": 11, "p99": 20}},
    "itl_ms": {{"mean": 12, "median": 11, "p99": 30}}}},
  "infra": {{"Location": "Simulated"}}, "serving": {{"baseline_type": "Simulated", "config": {{}}}},
  "workload": {{"WORKLOAD": "synthetic", "QPS": {}}}}})",
      suite, qps);
}

class DashboardCli : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / fmt::format("lmbench-dashboard-cli-{}-{}", ::getpid(), counter.fetch_add(1));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(DashboardCli, UploadReportsEachFileAndExitsOneWhenAnyFailed) {
  DashboardProcess server(dir_ / "db.sqlite", dir_ / "dashboard.log", {"--token-env", "DASH_TOKEN"},
                          {{"DASH_TOKEN", "t0ken"}});
  const std::string good = write("helm_a_synthetic_1_20231114-2213.json", run_doc("suite-a", 1));
  const std::string bad = write("helm_a_synthetic_2_20231114-2213.json", "{\"name\": \"suite-a\"");
  const std::string missing = (dir_ / "missing.json").string();
  const std::string url = server.base_url() + "/upload";

  const RunResult no_token = run_lmbench({"upload", good, "--api-url", url});
  EXPECT_EQ(no_token.exit_code, 1);
  EXPECT_NE(no_token.out.find("HTTP 401"), std::string::npos) << no_token.out;

  const RunResult r = run_lmbench({"upload", good, bad, missing, good, "--api-url", url, "--token-env", "UP_TOKEN"},
                                  {"UP_TOKEN=t0ken"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("stored     " + good + " (id 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed     " + bad + ": HTTP 400: not valid JSON"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed     " + missing + ": cannot read"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("duplicate  " + good + " (already stored as id 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4 file(s) to " + url + ": 1 stored, 1 duplicate, 2 failed"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(good));
  EXPECT_TRUE(fs::exists(bad));

  // A results folder's *.json also matches the comparison files: skipped with a note, not failed.
  // An interrupted run is stored, and the line says it stays out of charts and regressions.
  auto cut = nlohmann::json::parse(run_doc("suite-a", 1));
  cut["interrupted"] = true;
  const RunResult json_ok = run_lmbench({"upload", write("helm_b_synthetic_1_20231114-2213.json", cut.dump()),
                                         write("synthetic_comparison.json", "[{\"qps\": 1, \"helm_b\": {\"TTFT\": 1}}]"),
                                         "--api-url", url, "--encoding", "json", "--token-env", "UP_TOKEN"},
                                        {"UP_TOKEN=t0ken"});
  EXPECT_EQ(json_ok.exit_code, 0) << json_ok.out;
  EXPECT_NE(json_ok.out.find("1 stored, 0 duplicate, 0 failed, 1 skipped"), std::string::npos) << json_ok.out;
  EXPECT_NE(json_ok.out.find("skipped    " + (dir_ / "synthetic_comparison.json").string() + ": not a run JSON"),
            std::string::npos)
      << json_ok.out;
  EXPECT_NE(json_ok.out.find("; interrupted: kept out of charts and regressions"), std::string::npos) << json_ok.out;

  EXPECT_EQ(server.stop(), 0) << server.log();
  EXPECT_NE(server.log().find("lmbench dashboard: stopped"), std::string::npos) << server.log();
}

// A capacity file is told by content (whatever its name), goes to the same upload URL with its
// suite from its folder, and `lmbench regress` gates on what the dashboard stored.
TEST_F(DashboardCli, UploadTakesCapacityFilesAndRegressGatesOnThem) {
  const fs::path db = dir_ / "db.sqlite";
  DashboardProcess server(db, dir_ / "dashboard.log");
  const std::string url = server.base_url() + "/upload";
  fs::create_directories(dir_ / "capacity-demo");
  const auto capacity_file = [&](int session, double capacity) {
    const std::string path = (dir_ / "capacity-demo" / "synthetic_capacity.json").string();
    std::ofstream(path) << fmt::format(
        R"({{"workload": "synthetic", "rate_key": "QPS", "unit": "req/s", "slo": {{"ttft_ms": 2000, "tpot_ms": 100}},
  "goodput": 0.9, "precision": 0.1, "min_qps": 0.125, "max_qps": 4,
  "baselines": {{"plain_vllm": {{"capacity": {}, "status": "found", "lower": {}, "upper": {}, "precision_reached": 0.09,
    "session_id": "lmbench-{}-0000abcd", "timestamp": "202311{:02}-2213", "probes": []}}}}}})",
        capacity, capacity, capacity * 1.09, 1700000000L + session * 86400L, 14 + session);
    return path;
  };
  for (int s = 0; s < 3; ++s) {
    const std::string file = capacity_file(s, 2.0);
    const RunResult r = run_lmbench({"upload", file, "--api-url", url});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("stored     " + file + " (capacity: plain_vllm stored)"), std::string::npos) << r.out;
  }
  const std::string latest = capacity_file(3, 1.5);
  // Told by content: the same search under a name that is not *_capacity.json.
  const std::string other_name = (dir_ / "capacity-demo" / "search.json").string();
  fs::copy_file(latest, other_name);
  const std::string verdicts = write("synthetic_verdicts.json", R"({"workload": "synthetic", "pairs": []})");
  const RunResult r = run_lmbench({"upload", other_name, verdicts, "--api-url", url, "--encoding", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("stored     " + other_name + " (capacity: plain_vllm stored)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 stored, 0 duplicate, 0 failed, 1 skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped    " + verdicts + ": not a run JSON"), std::string::npos) << r.out;
  const RunResult again = run_lmbench({"upload", latest, "--api-url", url});
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("duplicate  " + latest + " (capacity: plain_vllm duplicate)"), std::string::npos) << again.out;
  EXPECT_EQ(server.stop(), 0) << server.log();

  const RunResult gate = run_lmbench({"regress", "--db", db.string(), "--metric", "capacity"});
  EXPECT_EQ(gate.exit_code, 1) << gate.out << gate.err;
  EXPECT_NE(gate.out.find("suite capacity-demo: session lmbench-1700259200-0000abcd"), std::string::npos) << gate.out;
  EXPECT_NE(gate.out.find("REGRESSION synthetic plain_vllm capacity: 1.50 vs median 2.00 req/s of 3 (-25.0%"),
            std::string::npos)
      << gate.out;
  EXPECT_EQ(run_lmbench({"regress", "--db", db.string(), "--metric", "capacity", "--threshold", "30"}).exit_code, 0);
}

TEST_F(DashboardCli, UploadToNoDashboardFailsWithTheReason) {
  const std::string good = write("helm_a_synthetic_1_20231114-2213.json", run_doc("s", 1));
  std::string url;
  {
    DashboardProcess gone(dir_ / "db.sqlite", dir_ / "dashboard.log");
    url = gone.base_url() + "/upload";
  }
  const RunResult r = run_lmbench({"upload", good, "--api-url", url, "--timeout", "5"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("failed     " + good + ": connect"), std::string::npos) << r.out;
}

TEST_F(DashboardCli, DashboardRefusesATokenVariableThatIsNotSet) {
  const RunResult r = run_lmbench({"dashboard", "--db", (dir_ / "db.sqlite").string(), "--port", "0", "--token-env",
                                   "LMBENCH_SURELY_UNSET_TOKEN_VAR"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("LMBENCH_SURELY_UNSET_TOKEN_VAR is not set"), std::string::npos) << r.err;
}

// A dashboard bound to every interface without an upload token lets anyone who can reach it
// store runs: it does not start unless that is asked for in so many words.
TEST_F(DashboardCli, DashboardOnTheNetworkWithoutATokenNeedsAnExplicitFlag) {
  const fs::path log = dir_ / "refused.log";
  auto child = core::ChildProcess::spawn({.argv = {LMBENCH_BIN, "dashboard", "--db", (dir_ / "db.sqlite").string(),
                                                   "--host", "0.0.0.0", "--port", "0"},
                                          .log_file = log});
  ASSERT_TRUE(child.ok()) << child.error().message;
  std::optional<int> status;
  for (int i = 0; i < 200 && !status; ++i) {
    status = child->poll();
    if (!status) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!status) child->terminate(std::chrono::seconds(2));
  std::string text;
  {
    std::ifstream in(log);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_TRUE(status.has_value()) << "the dashboard started on 0.0.0.0 without a token: " << text;
  EXPECT_EQ(*status, 1) << text;
  EXPECT_NE(text.find("--host 0.0.0.0 exposes the dashboard to the network"), std::string::npos) << text;
  EXPECT_NE(text.find("--token-env"), std::string::npos) << text;
  EXPECT_NE(text.find("--allow-unauthenticated-uploads"), std::string::npos) << text;
  EXPECT_EQ(text.find("serving"), std::string::npos) << text;

  // Asked for: it starts, says so, and serves (reached through loopback).
  DashboardProcess open(dir_ / "db.sqlite", dir_ / "open.log", {"--host", "0.0.0.0", "--allow-unauthenticated-uploads"});
  EXPECT_NE(open.log().find("anyone who can reach"), std::string::npos) << open.log();
  const RunResult up = run_lmbench({"upload", write("k_synthetic_1_20231114-2213.json", run_doc("s", 1)), "--api-url",
                                    open.base_url() + "/upload"});
  EXPECT_EQ(up.exit_code, 0) << up.out;

  // With a token, or on loopback, no flag is needed.
  DashboardProcess tokened(dir_ / "db2.sqlite", dir_ / "tokened.log", {"--host", "0.0.0.0", "--token-env", "DASH_TOKEN"},
                           {{"DASH_TOKEN", "s3cret"}});
  EXPECT_EQ(tokened.log().find("anyone who can reach"), std::string::npos) << tokened.log();
}

TEST_F(DashboardCli, DashboardBindsLoopbackByDefault) {
  DashboardProcess server(dir_ / "db.sqlite", dir_ / "dashboard.log");
  EXPECT_NE(server.log().find("serving http://127.0.0.1:"), std::string::npos) << server.log();
  const RunResult r = run_lmbench({"upload", write("k_synthetic_1_20231114-2213.json", run_doc("x'); DROP TABLE runs;--", 1)),
                                   "--api-url", server.base_url() + "/upload"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

}  // namespace
}  // namespace lmbench::e2e
