// Differences with confidence: pairwise verdicts per figure, their statistical behaviour on
// simulated trials with fixed seeds, and {WORKLOAD}_verdicts.json.

#include "report/verdicts.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <random>

#include "core/files.h"
#include "report/suite_report.h"
#include "trials_fixture.h"

namespace lmbench::report {
namespace {

namespace fs = std::filesystem;
using testing::TrialFigures;

// Two baselines, `trials` trials each, in one session: every figure of each trial drawn from a
// normal distribution around the baseline's true value with a relative trial-to-trial noise.
std::vector<metrics::RunFile> simulate(std::uint64_t seed, double ttft_a, double ttft_b, double noise, int trials) {
  std::mt19937_64 rng(seed);
  auto draw = [&](double mean) { return std::normal_distribution<double>(mean, mean * noise)(rng); };
  std::vector<metrics::RunFile> runs;
  for (int i = 1; i <= trials; ++i) {
    // Interleaved, as the runner does where it can.
    for (const auto& [key, ttft] : {std::pair{"A", ttft_a}, std::pair{"B", ttft_b}}) {
      const double scale = ttft / ttft_a;  // B's other latencies scale with its TTFT; its throughput inversely
      runs.push_back(testing::make_run(key, 1, "lmbench-7-0000", fmt::format("20261206-{:02}{:02}", 10 + i, key[0] == 'A' ? 0 : 1),
                                       i, trials,
                                       TrialFigures{draw(ttft), draw(10 * scale), draw(20 * scale), draw(300 * scale),
                                                    draw(1000 / scale)}));
    }
  }
  return runs;
}

const FigureVerdict& figure(const PairVerdict& p, Figure f) {
  for (const auto& v : p.figures) {
    if (v.figure == f) return v;
  }
  throw std::runtime_error("figure missing");
}

PairVerdict judge(const std::vector<metrics::RunFile>& runs) {
  Notes notes;
  const auto comparisons = build_comparisons(runs, &notes);
  const auto pairs = rate_verdicts(comparisons.at("synthetic"));
  if (pairs.size() != 1) throw std::runtime_error("expected one pair");
  return pairs[0];
}

// The acceptance test: two identical baselines (5 trials each, 2% noise), 20 seeded
// repetitions: "no difference beyond noise" in at least 19. A 95% interval errs 1 time in 20 on
// average, so this is what a correct, not over-wide, interval gives (see the calibration below).
TEST(Verdicts, IdenticalBaselinesShowNoDifferenceIn19Of20) {
  int no_difference = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const PairVerdict p = judge(simulate(seed, 100, 100, 0.02, 5));
    ASSERT_EQ(p.trials_a, 5u);
    ASSERT_EQ(p.trials_b, 5u);
    const FigureVerdict& v = figure(p, Figure::kTtft);
    ASSERT_TRUE(v.difference);
    if (v.text == "no difference beyond noise") {
      ++no_difference;
    } else {
      EXPECT_EQ(v.text.rfind(v.better == "a" ? "A faster by " : "B faster by ", 0), 0u) << v.text;
    }
  }
  EXPECT_GE(no_difference, 19);
  RecordProperty("no_difference_of_20", no_difference);
  std::printf("identical baselines: no difference beyond noise in %d of 20\n", no_difference);
}

// A true 10% difference (A's TTFT 100 ms, B's 110 ms, 2% noise, 5 trials each) is found in every
// repetition, in the right direction, with an estimate near 10 ms.
TEST(Verdicts, TenPercentDifferenceIsDetected) {
  int detected = 0;
  for (std::uint64_t seed = 101; seed <= 120; ++seed) {
    const PairVerdict p = judge(simulate(seed, 100, 110, 0.02, 5));
    const FigureVerdict& v = figure(p, Figure::kTtft);
    if (v.better == "a") {
      ++detected;
      EXPECT_EQ(v.text.rfind("A faster by ", 0), 0u) << v.text;
      EXPECT_NEAR(-v.difference->estimate, 10, 5) << v.text;
    }
    // Throughput: A's is 10% higher, and higher is better there.
    const FigureVerdict& t = figure(p, Figure::kOutputThroughput);
    if (t.better == "a") {
      EXPECT_EQ(t.text.rfind("A higher by ", 0), 0u) << t.text;
    }
  }
  EXPECT_EQ(detected, 20);
  std::printf("10%% difference: detected in %d of 20\n", detected);
}

// Calibration over many seeds: the false verdict rate on identical baselines is the nominal 5%
// (within sampling error, 2000 repetitions: ±1.5%), and the 10% difference is detected always.
TEST(Verdicts, FalseVerdictRateIsNominal) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> noise(100, 2);
  int false_verdicts = 0, missed = 0;
  constexpr int kRepetitions = 2000;
  for (int r = 0; r < kRepetitions; ++r) {
    std::vector<double> a(5), b(5), c(5);
    for (int i = 0; i < 5; ++i) {
      a[i] = noise(rng);
      b[i] = noise(rng);
      c[i] = noise(rng) * 1.1;
    }
    if (!judge_figure(Figure::kTtft, "A", a, "B", b).better.empty()) ++false_verdicts;
    if (judge_figure(Figure::kTtft, "A", a, "C", c).better != "a") ++missed;
  }
  const double rate = static_cast<double>(false_verdicts) / kRepetitions;
  EXPECT_GT(rate, 0.035);
  EXPECT_LT(rate, 0.065);
  EXPECT_EQ(missed, 0);
  std::printf("calibration: false verdicts %.2f%% of %d, 10%% difference missed %d times\n", 100 * rate, kRepetitions, missed);
}

TEST(Verdicts, TextsAndOneTrial) {
  const std::vector<double> fast = {100, 101, 99}, slow = {120, 121, 119}, one = {100};
  const auto v = judge_figure(Figure::kTtft, "A", slow, "B", fast);
  EXPECT_EQ(v.better, "b");
  // Difference 20, s² = 1 each side: half width t(0.975, 4)·√(2/3) = 2.776445·0.816497 = 2.27.
  EXPECT_EQ(v.text, "B faster by 20.00 ms (95% CI 17.73..22.27)");
  const auto t = judge_figure(Figure::kOutputThroughput, "A", slow, "B", fast);
  EXPECT_EQ(t.text, "A higher by 20.00 tok/s (95% CI 17.73..22.27)");
  const auto single = judge_figure(Figure::kTtft, "A", one, "B", slow);
  EXPECT_EQ(single.text, "one trial: no verdict possible");
  EXPECT_TRUE(single.better.empty());
  EXPECT_FALSE(single.difference);
}

// {WORKLOAD}_verdicts.json from run JSONs on disk: three trials a side at QPS 1, one run a side
// at QPS 2.
TEST(Verdicts, VerdictsJsonLayout) {
  const fs::path dir = testing::empty_suite("verdicts_json");
  for (int i = 1; i <= 3; ++i) {
    const double d = i - 2;
    testing::write_run(dir, testing::make_run("A", 1, "lmbench-8-0000", "20261206-160" + std::to_string(i), i, 3,
                                              TrialFigures{120 + d, 12, 20, 300, 1000 + d}));
    testing::write_run(dir, testing::make_run("B", 1, "lmbench-8-0000", "20261206-161" + std::to_string(i), i, 3,
                                              TrialFigures{100 + d, 12 + d, 20, 300, 1000 - d}));
  }
  testing::write_run(dir, testing::make_run("A", 2, "lmbench-8-0000", "20261206-1620", 0, 0, TrialFigures{}));
  testing::write_run(dir, testing::make_run("B", 2, "lmbench-8-0000", "20261206-1621", 0, 0, TrialFigures{50}));
  const ReportOutcome out = generate_suite_report(dir);
  EXPECT_NE(std::find(out.written.begin(), out.written.end(), dir / "synthetic_verdicts.json"), out.written.end());
  const auto doc = nlohmann::ordered_json::parse(core::read_file(dir / "synthetic_verdicts.json"));
  EXPECT_EQ(doc["workload"], "synthetic");
  EXPECT_EQ(doc["confidence"], 0.95);
  EXPECT_FALSE(doc.contains("capacity"));
  ASSERT_EQ(doc["pairs"].size(), 2u);
  const auto& p1 = doc["pairs"][0];
  EXPECT_EQ(p1["qps"], 1.0);
  EXPECT_EQ(p1["a"], "A");
  EXPECT_EQ(p1["b"], "B");
  EXPECT_EQ(p1["trials"]["a"], 3);
  const auto& ttft = p1["figures"]["TTFT"];
  EXPECT_EQ(ttft["unit"], "ms");
  EXPECT_EQ(ttft["mean_a"], 120.0);
  EXPECT_EQ(ttft["mean_b"], 100.0);
  EXPECT_EQ(ttft["difference"], 20.0);
  EXPECT_EQ(ttft["ci95"], nlohmann::ordered_json::array({17.73, 22.27}));
  EXPECT_EQ(ttft["df"], 4.0);
  EXPECT_EQ(ttft["better"], "b");
  EXPECT_EQ(ttft["verdict"], "B faster by 20.00 ms (95% CI 17.73..22.27)");
  EXPECT_EQ(p1["figures"]["ITL"]["verdict"], "no difference beyond noise");
  EXPECT_TRUE(p1["figures"]["ITL"]["better"].is_null());
  EXPECT_EQ(p1["figures"].size(), 5u);
  const auto& p2 = doc["pairs"][1];
  EXPECT_EQ(p2["qps"], 2.0);
  EXPECT_EQ(p2["figures"]["TTFT"]["verdict"], "one trial: no verdict possible");
  EXPECT_TRUE(p2["figures"]["TTFT"]["ci95"].is_null());
  EXPECT_EQ(p2["figures"]["TTFT"]["difference"], 50.0);
  // And in report.html.
  const std::string html = core::read_file(dir / "report.html");
  EXPECT_NE(html.find("B faster by 20.00 ms (95% CI 17.73..22.27)"), std::string::npos);
  EXPECT_NE(html.find("one trial: no verdict possible"), std::string::npos);
  fs::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace lmbench::report
