// `lmbench run --repeat N` through the real binary against two real servers on 127.0.0.1 whose
// first token comes 5 ms and 40 ms after the request: every point is run N times with fresh
// prompts (the same for both baselines in a trial), the baselines interleaved, and the reports say
// with confidence which one is faster.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "config/temp_tree.h"
#include "core/files.h"
#include "e2e/run_binary.h"
#include "load/raw_server.h"

namespace lmbench::e2e {
namespace {

using lmbench::testing::TempTree;
namespace fs = std::filesystem;

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";

// Answers after `ttft`, and keeps every completion body it was sent.
class DelayServer {
 public:
  explicit DelayServer(std::chrono::milliseconds ttft)
      : server_([this, ttft](int, const testing::RawRequest& req) {
          if (auto other = testing::raw_housekeeping(req, kModel)) return *other;
          {
            std::lock_guard lock(mu_);
            prompts_.push_back(nlohmann::json::parse(req.body).value("prompt", ""));
          }
          return std::vector<testing::RawStep>{testing::raw_sleep(ttft),
                                               testing::raw_write(testing::raw_stream_answer(4, false, true))};
        }) {}
  std::string url() const { return server_.url(); }
  std::vector<std::string> prompts() const {
    std::lock_guard lock(mu_);
    return prompts_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> prompts_;
  testing::RawServer server_;
};

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(core::read_file(p)); }

TEST(Trials, RepeatRunsEveryPointNTimesInterleavedAndTheReportsGiveVerdicts) {
  DelayServer fast(std::chrono::milliseconds(5));
  DelayServer slow(std::chrono::milliseconds(40));
  TempTree t;
  t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: Simulated\n");
  t.write("0-bench-specs/suite.yaml",
          std::string("Name: trials\nServing:\n") + "  - Endpoint: {baseURL: '" + fast.url() + "', modelURL: " + kModel +
              ", name: fast}\n" + "  - Endpoint: {baseURL: '" + slow.url() + "', modelURL: " + kModel +
              ", name: slow}\n" +
              "Workload:\n  Random:\n    - {NUM_USERS: 2, NUM_ROUNDS: 4, PROMPT_LEN: 16, ANSWER_LEN: 4, QPS: [10]}\n");
  const auto r =
      run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--repeat", "3"}, {}, t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("6 run(s) planned"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 trials of every run, the baselines interleaved"), std::string::npos) << r.out;

  // Interleaved: fast, slow, fast, slow, ... (both up at once, one trial at a time).
  std::vector<std::string> order;
  for (std::size_t at = 0; (at = r.out.find("   run ", at)) != std::string::npos; at += 7) {
    order.push_back(r.out.substr(at + 7, 4));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"fast", "slow", "fast", "slow", "fast", "slow"})) << r.out;

  // Six run JSONs (none overwrote another within the minute), each with its trial block.
  const fs::path dir = t.path("out/trials");
  std::map<std::string, std::set<int>> trials;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (e.path().extension() != ".json" || name.find("_random_10_") == std::string::npos) continue;
    const auto j = read_json(e.path());
    ASSERT_TRUE(j.contains("trial")) << name;
    EXPECT_EQ(j["trial"]["count"], 3);
    trials[j["key"].get<std::string>()].insert(j["trial"]["index"].get<int>());
  }
  EXPECT_EQ(trials["fast"], (std::set<int>{1, 2, 3}));
  EXPECT_EQ(trials["slow"], (std::set<int>{1, 2, 3}));

  // Each trial sends fresh prompts (no trial finds the previous one's prompts cached), and both
  // baselines get the same prompts in the same trial. Bodies: the warm-up, then 8 per trial.
  const auto pf = fast.prompts(), ps = slow.prompts();
  ASSERT_EQ(pf.size(), 25u);
  ASSERT_EQ(ps.size(), 25u);
  std::vector<std::set<std::string>> fast_trials(3), slow_trials(3);
  for (int trial = 0; trial < 3; ++trial) {
    for (int i = 0; i < 8; ++i) {
      fast_trials[trial].insert(pf[1 + trial * 8 + i]);
      slow_trials[trial].insert(ps[1 + trial * 8 + i]);
    }
    EXPECT_EQ(fast_trials[trial], slow_trials[trial]) << "trial " << trial + 1;
  }
  for (int a = 0; a < 3; ++a) {
    for (int b = a + 1; b < 3; ++b) {
      std::vector<std::string> shared;
      std::set_intersection(fast_trials[a].begin(), fast_trials[a].end(), fast_trials[b].begin(), fast_trials[b].end(),
                            std::back_inserter(shared));
      EXPECT_TRUE(shared.empty()) << "trials " << a + 1 << " and " << b + 1 << " share a prompt";
    }
  }

  // The comparison keeps the original's keys (means across trials) and adds the trials' figures.
  const auto cmp = read_json(dir / "random_comparison.json");
  ASSERT_EQ(cmp.size(), 1u);
  for (const char* key : {"fast", "slow"}) {
    const auto& k = cmp[0][key];
    EXPECT_TRUE(k["TTFT"].is_number()) << k.dump();
    EXPECT_EQ(k["trials"]["count"], 3) << k.dump();
    const auto& ci = k["trials"]["ci95"]["TTFT"];
    ASSERT_TRUE(ci.is_array()) << k.dump();
    EXPECT_LE(ci[0].get<double>(), k["TTFT"].get<double>() + 0.01);
    EXPECT_GE(ci[1].get<double>(), k["TTFT"].get<double>() - 0.01);
  }
  EXPECT_GT(cmp[0]["slow"]["TTFT"].get<double>(), cmp[0]["fast"]["TTFT"].get<double>() + 25);

  // The verdict: fast is faster on TTFT by about 35 ms, beyond noise.
  const auto v = read_json(dir / "random_verdicts.json");
  ASSERT_EQ(v["pairs"].size(), 1u) << v.dump(1);
  const auto& ttft = v["pairs"][0]["figures"]["TTFT"];
  const std::string winner = ttft["better"].is_string() ? ttft["better"].get<std::string>() : "";
  EXPECT_EQ(winner == "a" ? v["pairs"][0]["a"] : v["pairs"][0]["b"], "fast") << v.dump(1);
  EXPECT_NE(ttft["verdict"].get<std::string>().find("fast faster by"), std::string::npos) << ttft.dump();
  const auto html = core::read_file(dir / "report.html");
  EXPECT_NE(html.find("Differences"), std::string::npos);
  EXPECT_NE(html.find("fast faster by"), std::string::npos);
}

}  // namespace
}  // namespace lmbench::e2e
