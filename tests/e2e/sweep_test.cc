// A rate sweep must not contaminate itself: every run of a suite sends prompts no earlier run
// sent, and its warm-up warms the users it measures. Checked end to end on the simulator (plain
// vLLM-like engine with prefix caching): the QPS-2 run of a sweep [1, 2] gives the QPS-2 figures
// of QPS 2 alone, and no first-round request is served from cache beyond the system prompt.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "config/temp_tree.h"
#include "core/files.h"
#include "e2e/run_binary.h"
#include "metrics/csv.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;
using lmbench::testing::TempTree;

constexpr int kSystemPrompt = 200;

struct RunData {
  nlohmann::json json;
  std::vector<metrics::CsvRow> rows;
};

// The run JSON (and its CSV rows) of `key` at `qps` in `dir`.
RunData find_run(const fs::path& dir, const std::string& qps) {
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (e.path().extension() != ".json" || name.rfind("plain_synthetic_" + qps + "_", 0) != 0) continue;
    RunData d;
    d.json = nlohmann::json::parse(core::read_file(e.path()));
    auto csv = e.path();
    csv.replace_extension(".csv");
    auto rows = metrics::read_csv(csv);
    if (!rows) throw std::runtime_error(rows.error().message);
    d.rows = std::move(*rows);
    return d;
  }
  throw std::runtime_error("no run at QPS " + qps + " in " + dir.string());
}

std::string suite_text(const std::string& name, const std::string& qps) {
  return "Name: " + name +
         "\nServing:\n"
         "  - Simulated: {name: plain, modelURL: meta-llama/Llama-3.1-8B-Instruct, enablePrefixCaching: true, "
         "timeScale: 10}\n"
         "Workload:\n  LMCacheSynthetic:\n"
         "    - {NUM_USERS_WARMUP: 1, NUM_USERS: 4, NUM_ROUNDS: 3, SYSTEM_PROMPT: " +
         std::to_string(kSystemPrompt) + ", CHAT_HISTORY: 2000, ANSWER_LEN: 8, QPS: " + qps + ", DURATION: 24}\n";
}

TEST(Sweep, LaterRatesFindNoCacheEarlierRatesFilled) {
  TempTree t;
  t.write("run-bench.yaml", "0-bench-specs:\n  - sweep.yaml\n  - alone.yaml\n  - again.yaml\n1-infrastructure:\n"
                            "  Location: Simulated\n");
  t.write("0-bench-specs/sweep.yaml", suite_text("sweep", "[1, 2]"));
  t.write("0-bench-specs/alone.yaml", suite_text("alone", "[2]"));
  t.write("0-bench-specs/again.yaml", suite_text("again", "[2]"));
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"}, {}, t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  const RunData swept = find_run(t.path("out/sweep"), "2");
  const RunData alone = find_run(t.path("out/alone"), "2");
  const RunData again = find_run(t.path("out/again"), "2");
  const RunData first = find_run(t.path("out/sweep"), "1");
  // Every run of the invocation records the one prompt salt that reproduces it.
  EXPECT_EQ(swept.json["prompt_salt"], alone.json["prompt_salt"]);
  EXPECT_GT(swept.json["prompt_salt"].get<long long>(), 0);

  // Run to run, the same QPS-2 run alone twice differs by little (measured here: `again`); the
  // sweep's QPS-2 run must be as close to the lone one. Before each run got its own prompts, the
  // QPS-2 run after QPS 1 found its users' contexts cached and its mean TTFT fell by a third.
  const double m_swept = swept.json["results"]["ttft_ms"]["mean"];
  const double m_alone = alone.json["results"]["ttft_ms"]["mean"];
  const double m_again = again.json["results"]["ttft_ms"]["mean"];
  const double noise = std::abs(m_again - m_alone) / m_alone;
  std::printf("[ figures ] QPS-2 mean TTFT: after QPS 1 %.2f ms, alone %.2f ms, alone again %.2f ms\n", m_swept, m_alone,
              m_again);
  EXPECT_LT(std::abs(m_swept - m_alone) / m_alone, std::max(0.10, 2 * noise))
      << "sweep " << m_swept << " ms, alone " << m_alone << " ms, alone again " << m_again << " ms";

  // No first-round request is cached beyond the system prompt (the completions prompt starts
  // "System: " + system prompt + "\nUser:", a few tokens more, rounded down to 16-token blocks);
  // a measured user that starts mid-conversation finds its history, which its own warm-up sent.
  for (const RunData* d : {&first, &swept, &alone}) {
    int first_rounds = 0, warmed_users = 0;
    std::set<std::string> seen_user;
    for (const auto& row : d->rows) {
      if (row.warmup) continue;
      ASSERT_TRUE(row.cached_tokens.has_value());
      const bool first_seen = seen_user.insert(row.user_id).second;
      if (row.question_id == 1) {
        ++first_rounds;
        EXPECT_LE(*row.cached_tokens, kSystemPrompt + 16) << "user " << row.user_id;
      } else if (first_seen) {
        // This user's first measured request, at round > 1: its own warm-up sent its history.
        ++warmed_users;
        EXPECT_GT(*row.cached_tokens, 2000) << "user " << row.user_id << " round " << row.question_id;
      }
    }
    EXPECT_GT(first_rounds, 0);
    EXPECT_EQ(warmed_users, 2) << "of 4 users with 3 rounds, users 2 and 3 start with 1 and 2 rounds done";
  }
}

}  // namespace
}  // namespace lmbench::e2e

namespace lmbench::e2e {
namespace {

// Two configs of one workload type at a common rate: both runs are kept under their own names
// and drawn as separate series; validate shows the names (the original overwrote one of them).
TEST(Sweep, TwoConfigsAtOneRateKeepBothRuns) {
  TempTree t;
  t.write("run-bench.yaml", "0-bench-specs:\n  - two.yaml\n1-infrastructure:\n  Location: Simulated\n");
  t.write("0-bench-specs/two.yaml",
          "Name: two\nServing:\n  - Simulated: {name: plain, modelURL: meta-llama/Llama-3.1-8B-Instruct, timeScale: 20}\n"
          "Workload:\n  Random:\n"
          "    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 16, ANSWER_LEN: 4, QPS: [4, 8]}\n"
          "    - {NUM_USERS: 1, NUM_ROUNDS: 3, PROMPT_LEN: 64, ANSWER_LEN: 4, QPS: [4]}\n");
  const auto v = run_lmbench({"validate", "run-bench.yaml"}, {}, t.root().string());
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("QPS 4 is also in an earlier Random config: its files are {KEY}_random-1_4_..."),
            std::string::npos)
      << v.out;
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"}, {}, t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(t.path("out/two"))) {
    if (e.path().extension() == ".json") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 4u) << r.out;
  EXPECT_EQ(names[0].rfind("plain_random-1_4_", 0), 0u) << names[0];
  EXPECT_EQ(names[1].rfind("plain_random_4_", 0), 0u) << names[1];
  EXPECT_EQ(names[2].rfind("plain_random_8_", 0), 0u) << names[2];
  EXPECT_EQ(names[3], "random_comparison.json");
  const auto second = nlohmann::json::parse(core::read_file(t.path("out/two") / names[0]));
  EXPECT_EQ(second["workload"]["WORKLOAD"], "random");
  EXPECT_EQ(second["workload_label"], "random-1");
  EXPECT_EQ(second["results"]["successful_requests"], 3);
  const auto cmp = nlohmann::json::parse(core::read_file(t.path("out/two/random_comparison.json")));
  ASSERT_EQ(cmp.size(), 2u);
  EXPECT_EQ(cmp[0]["qps"], 4);
  EXPECT_TRUE(cmp[0].contains("plain")) << cmp.dump();
  EXPECT_TRUE(cmp[0].contains("plain (random-1)")) << cmp.dump();
  EXPECT_NE(cmp[0]["plain"]["TTFT"], cmp[0]["plain (random-1)"]["TTFT"]);
  EXPECT_FALSE(cmp[1].contains("plain (random-1)"));
}

}  // namespace
}  // namespace lmbench::e2e

namespace lmbench::e2e {
namespace {

// --max-run-seconds is wall-clock time of the measured window: against a simulator at timeScale
// 10, one second caps the run at ten modelled seconds, after the warm-up.
TEST(Sweep, MaxRunSecondsIsWallClockTimeOfTheMeasuredWindow) {
  TempTree t;
  t.write("run-bench.yaml", "0-bench-specs:\n  - cap.yaml\n1-infrastructure:\n  Location: Simulated\n");
  t.write("0-bench-specs/cap.yaml",
          "Name: cap\nServing:\n  - Simulated: {name: plain, modelURL: meta-llama/Llama-3.1-8B-Instruct, timeScale: 10}\n"
          "Workload:\n  LMCacheSynthetic:\n"
          "    - {NUM_USERS_WARMUP: 1, NUM_USERS: 4, NUM_ROUNDS: 4, SYSTEM_PROMPT: 100, CHAT_HISTORY: 1000, "
          "ANSWER_LEN: 8, QPS: [2], DURATION: 300}\n");
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--max-run-seconds", "1"}, {},
                             t.root().string());
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_LT(wall, 20) << "DURATION 300 at timeScale 10 would take 30 s";
  const RunData d = find_run(t.path("out/cap"), "2");
  const double window = d.json["results"]["benchmark_duration_s"];
  EXPECT_GT(window, 9.0) << d.json["results"].dump();
  EXPECT_LT(window, 14.0) << d.json["results"].dump();
  // 2 QPS over about 10 modelled seconds, after the warm-up (which the cap does not count).
  EXPECT_GE(d.json["results"]["successful_requests"].get<int>(), 17);
  EXPECT_GT(d.json["results"]["warmup_requests_excluded"].get<int>(), 0);
}

TEST(Sweep, BenchRefusesRateFlagsThatDoNotApply) {
  const auto r = run_lmbench({"bench", "synthetic", "--base-url", "http://127.0.0.1:9", "--model", "m", "--qps", "3",
                              "--set", "NUM_USERS=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bench synthetic: --qps does not apply: this workload's rate is its own spec key"),
            std::string::npos)
      << r.err;
  const auto a = run_lmbench({"bench", "vllm", "--base-url", "http://127.0.0.1:9", "--model", "m", "--arrival", "poisson"});
  EXPECT_NE(a.err.find("bench vllm: --arrival does not apply"), std::string::npos) << a.err;
}

}  // namespace
}  // namespace lmbench::e2e
