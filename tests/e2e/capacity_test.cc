// `lmbench run` with CAPACITY against a real server on 127.0.0.1 whose latency rises sharply at a
// known rate: the search brackets that rate within the precision asked, every probe is an
// ordinary run on disk, and {WORKLOAD}_capacity.json and the summary say what was found.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/temp_tree.h"
#include "core/files.h"
#include "e2e/dashboard_process.h"
#include "e2e/run_binary.h"
#include "load/raw_server.h"

namespace lmbench::e2e {
namespace {

using lmbench::testing::TempTree;
namespace fs = std::filesystem;

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";

// A server that answers at once while requests arrive no faster than `knee` per second and
// 300 ms late once they arrive faster (the median of the gaps between its last five requests is
// under 1 / knee; a median, so the short gap between one probe's last request and the next
// probe's first does not count): a rate-paced Random workload (evenly spaced sends) passes a
// 100 ms TTFT bound exactly below it. The knees below sit mid-way in the search's last bracket,
// at least 8% from every rate it probes (a few ms of a gap's jitter cannot flip a probe).
class KneeServer {
 public:
  explicit KneeServer(double knee)
      : server_([this, knee](int, const testing::RawRequest& req) {
          if (auto other = testing::raw_housekeeping(req, kModel)) return *other;
          const auto now = std::chrono::steady_clock::now();
          bool fast = true;
          {
            std::lock_guard lock(mu_);
            arrivals_.push_back(now);
            if (arrivals_.size() > 5) arrivals_.erase(arrivals_.begin());
            if (arrivals_.size() == 5) {
              std::vector<double> gaps;
              for (std::size_t i = 1; i < arrivals_.size(); ++i) {
                gaps.push_back(std::chrono::duration<double>(arrivals_[i] - arrivals_[i - 1]).count());
              }
              std::sort(gaps.begin(), gaps.end());
              fast = (gaps[1] + gaps[2]) / 2 >= 1.0 / knee;
            }
          }
          std::vector<testing::RawStep> steps;
          if (!fast) steps.push_back(testing::raw_sleep(std::chrono::milliseconds(300)));
          steps.push_back(testing::raw_write(testing::raw_stream_answer(4, false, true)));
          return steps;
        }) {}
  std::string url() const { return server_.url(); }

 private:
  std::mutex mu_;
  std::vector<std::chrono::steady_clock::time_point> arrivals_;  // the last five
  testing::RawServer server_;
};

std::string spec(const std::string& url, double precision) {
  return "Name: knee\nServing:\n  - Endpoint: {baseURL: '" + url + "', modelURL: " + kModel +
         ", name: knee}\nWorkload:\n  Random:\n    - NUM_USERS: 4\n      NUM_ROUNDS: 6\n      PROMPT_LEN: 8\n"
         "      ANSWER_LEN: 4\n      CAPACITY:\n        slo: {ttft_ms: 100}\n        goodput: 0.9\n"
         "        min_qps: 5\n        max_qps: 80\n        precision: " +
         std::to_string(precision) + "\n";
}

TEST(Capacity, FindsTheRateWhereLatencyRisesWithinThePrecisionAsked) {
  // Probes 5, 10, 20, 14.14, 16.82 at 20% precision: every one at least 8% from the knee, so a
  // send a few ms late on a loaded machine cannot flip one (at 5% precision the last probes come
  // within 2% of it: 1.3 ms of a gap; the 5% case is the unit tests' and the bench's).
  constexpr double kKnee = 15.48;
  KneeServer server(kKnee);
  TempTree t;
  t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: Simulated\n");
  t.write("0-bench-specs/suite.yaml", spec(server.url(), 0.2));
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"}, {}, t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  const auto j = nlohmann::json::parse(core::read_file(t.path("out/knee/random_capacity.json")));
  EXPECT_EQ(j["workload"], "random");
  EXPECT_EQ(j["rate_key"], "QPS");
  EXPECT_EQ(j["unit"], "req/s");
  EXPECT_EQ(j["slo"], nlohmann::json({{"ttft_ms", 100.0}}));
  EXPECT_EQ(j["goodput"], 0.9);
  const auto& b = j["baselines"]["knee"];
  EXPECT_EQ(b["status"], "found") << b.dump(1);
  const double lower = b["lower"].get<double>(), upper = b["upper"].get<double>();
  // The knee is inside the bracket, and the bracket is as tight as asked.
  EXPECT_LE(lower, kKnee) << b.dump(1);
  EXPECT_GT(upper, kKnee) << b.dump(1);
  EXPECT_LE((upper - lower) / lower, 0.2 + 1e-9) << b.dump(1);
  EXPECT_EQ(b["capacity"], b["lower"]);
  EXPECT_NEAR(b["precision_reached"].get<double>(), (upper - lower) / lower, 1e-3);

  // Bracketing by doubling from min_qps (5, 10, 20), then bisecting: every probe is a run on
  // disk with its own JSON, and a probe's verdict agrees with its own measurement.
  const auto& probes = b["probes"];
  ASSERT_GE(probes.size(), 5u) << b.dump(1);
  EXPECT_EQ(probes[0]["rate"], 5.0);
  EXPECT_EQ(probes[1]["rate"], 10.0);
  EXPECT_EQ(probes[2]["rate"], 20.0);
  std::set<std::string> runs;
  for (const auto& p : probes) {
    const double rate = p["rate"].get<double>();
    EXPECT_EQ(p["passed"].get<bool>(), rate < kKnee) << p.dump();
    EXPECT_EQ(p["passed"].get<bool>(), p["goodput"].get<double>() >= 0.9) << p.dump();
    const auto run_file = t.path("out/knee") / p["run"].get<std::string>();
    ASSERT_TRUE(fs::exists(run_file)) << run_file;
    EXPECT_TRUE(runs.insert(p["run"].get<std::string>()).second) << "two probes share " << p["run"];
    const auto run = nlohmann::json::parse(core::read_file(run_file));
    EXPECT_EQ(run["workload"]["QPS"].get<double>(), rate);
    EXPECT_EQ(run["capacity_probe"]["requests"], p["requests"]);
    EXPECT_EQ(run["capacity_probe"]["good"], p["good"]);
    EXPECT_EQ(run["results"]["slo"]["ttft_ms"], 100.0);
  }
  // The summary puts the capacity first.
  const auto cap_at = r.out.find("Capacity:");
  ASSERT_NE(cap_at, std::string::npos) << r.out;
  EXPECT_LT(cap_at, r.out.find("TTFT p50 ms")) << r.out;
  EXPECT_NE(r.out.find(fmt::format("{} req/s", lower)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("== capacity of knee on random: "), std::string::npos) << r.out;
}

// --resume continues a search from the probes on disk: none is run again, the result is the same.
TEST(Capacity, ResumeReadsTheProbesOnDiskInsteadOfRunningThemAgain) {
  constexpr double kKnee = 13.0;  // probes 5, 10, 20, 14.14, 11.89
  KneeServer server(kKnee);
  TempTree t;
  t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: Simulated\n");
  t.write("0-bench-specs/suite.yaml", spec(server.url(), 0.2));
  const auto first = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"}, {}, t.root().string());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const auto before = nlohmann::json::parse(core::read_file(t.path("out/knee/random_capacity.json")));
  const auto again =
      run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--resume"}, {}, t.root().string());
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out.find("   run knee random"), std::string::npos) << again.out;
  const auto after = nlohmann::json::parse(core::read_file(t.path("out/knee/random_capacity.json")));
  EXPECT_EQ(after["baselines"]["knee"]["capacity"], before["baselines"]["knee"]["capacity"]);
  EXPECT_EQ(after["baselines"]["knee"]["probes"], before["baselines"]["knee"]["probes"]);
}

// --auto-upload sends the capacity file after its search, beside the probes: uploading it again
// by hand finds it already stored.
TEST(Capacity, AutoUploadSendsTheSearchToTheDashboard) {
  KneeServer server(13.0);
  TempTree t;
  t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: Simulated\n");
  t.write("0-bench-specs/suite.yaml", spec(server.url(), 0.2));
  DashboardProcess dashboard(t.path("db.sqlite"), t.path("dashboard.log"));
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--auto-upload", "--api-url",
                              dashboard.base_url() + "/upload"},
                             {}, t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto again = run_lmbench(
      {"upload", "--api-url", dashboard.base_url() + "/upload", t.path("out/knee/random_capacity.json").string()});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("(capacity: knee duplicate)"), std::string::npos) << again.out << again.err;
  EXPECT_NE(again.out.find("0 stored, 1 duplicate"), std::string::npos) << again.out << again.err;
}

// The shipped example (0-bench-specs/examples/capacity.yaml via run-bench-capacity.yaml) on the
// simulator with --repeat 2, each run's window cut to 3 s of wall time (30 s modelled): both
// baselines get a search whose probes are runs on disk, the capacity file, the chart and the
// report's table; the fixed-rate config runs twice per baseline, interleaved, and its comparison
// carries the trials' intervals and its verdicts file the pair.
TEST(Capacity, TheShippedExampleRunsOnTheSimulator) {
  TempTree t;
  fs::create_directories(t.path("0-bench-specs/examples"));
  fs::copy_file(fs::path(LMBENCH_SOURCE_DIR) / "run-bench-capacity.yaml", t.path("run-bench-capacity.yaml"));
  fs::copy_file(fs::path(LMBENCH_SOURCE_DIR) / "0-bench-specs/examples/capacity.yaml",
                t.path("0-bench-specs/examples/capacity.yaml"));
  const auto r = run_lmbench({"run", "run-bench-capacity.yaml", "--results", "out", "--quiet", "--max-run-seconds", "3",
                              "--repeat", "2"},
                             {}, t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path dir = t.path("out/capacity-example");
  const auto j = nlohmann::json::parse(core::read_file(dir / "synthetic-0_capacity.json"));
  EXPECT_EQ(j["slo"], nlohmann::json({{"ttft_ms", 2000.0}, {"tpot_ms", 100.0}}));
  EXPECT_EQ(j["goodput"], 0.9);
  for (const char* key : {"plain_vllm", "vllm_lmcache"}) {
    const auto& b = j["baselines"][key];
    const std::string status = b["status"];
    EXPECT_TRUE(status == "found" || status == "at_max" || status == "below_min") << key << " " << b.dump(1);
    ASSERT_FALSE(b["probes"].empty()) << key;
    EXPECT_EQ(b["probes"][0]["rate"], 0.125);
    for (const auto& p : b["probes"]) {
      EXPECT_TRUE(fs::exists(dir / p["run"].get<std::string>())) << p.dump();
      EXPECT_GT(p["requests"].get<int>(), 0) << p.dump();
    }
    if (status == "found") {
      EXPECT_LE((b["upper"].get<double>() - b["lower"].get<double>()) / b["lower"].get<double>(), 0.1 + 1e-9);
    }
  }
  EXPECT_TRUE(fs::exists(dir / "synthetic-0_capacity.png"));
  // The fixed-rate comparison: two trials a baseline, interleaved, with intervals and a verdict.
  EXPECT_NE(r.out.find("2 trials of every run, the baselines interleaved"), std::string::npos) << r.out;
  // (The probes are in the same comparison as series "KEY (synthetic-0)", one trial each.)
  const auto cmp = nlohmann::json::parse(core::read_file(dir / "synthetic_comparison.json"));
  const nlohmann::json* half = nullptr;
  for (const auto& row : cmp) {
    if (row["qps"] == 0.5 && row.contains("plain_vllm")) half = &row;
  }
  ASSERT_NE(half, nullptr) << cmp.dump();
  for (const char* key : {"plain_vllm", "vllm_lmcache"}) {
    EXPECT_EQ((*half)[key]["trials"]["count"], 2) << half->dump();
    EXPECT_TRUE((*half)[key]["trials"]["ci95"]["TTFT"].is_array()) << half->dump();
  }
  const auto verdicts = nlohmann::json::parse(core::read_file(dir / "synthetic_verdicts.json"));
  const nlohmann::json* pair = nullptr;
  for (const auto& p : verdicts["pairs"]) {
    if (p["qps"] == 0.5 && p["a"] == "plain_vllm" && p["b"] == "vllm_lmcache") pair = &p;
  }
  ASSERT_NE(pair, nullptr) << verdicts.dump();
  EXPECT_EQ((*pair)["trials"], nlohmann::json({{"a", 2}, {"b", 2}}));
  const std::string verdict = (*pair)["figures"]["TTFT"]["verdict"];
  EXPECT_TRUE(verdict.find("faster by") != std::string::npos || verdict == "no difference beyond noise") << verdict;
  const auto html = core::read_file(dir / "report.html");
  EXPECT_NE(html.find("plain_vllm"), std::string::npos);
  EXPECT_NE(html.find("capacity"), std::string::npos);
  EXPECT_NE(r.out.find("Capacity:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("== capacity of vllm_lmcache on synthetic-0: "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace lmbench::e2e
