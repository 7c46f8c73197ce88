// The capacity search as logic (suite/capacity.h): bracketing, bisection, re-probes of a noisy
// boundary, the early-stop rule, probe points of every workload type, the capacity file, and the
// CAPACITY key of a spec with its errors.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "config/run_bench.h"
#include "config/temp_tree.h"
#include "suite/capacity.h"
#include "suite/plan.h"
#include "suite/plan_text.h"

namespace lmbench::suite {
namespace {

using testing::TempTree;

config::CapacitySpec spec(double goodput = 0.95, double min_qps = 0.1, double max_qps = 64, double precision = 0.05) {
  config::CapacitySpec c;
  c.ttft_ms = 2000;
  c.goodput = goodput;
  c.min_qps = min_qps;
  c.max_qps = max_qps;
  c.precision = precision;
  return c;
}

// Runs a search against `good_share(rate)` with `n` requests per probe.
CapacitySearch run(const config::CapacitySpec& c, const std::function<double(double)>& good_share, std::size_t n = 400) {
  CapacitySearch s(c);
  for (int guard = 0; guard < 100; ++guard) {
    const auto rate = s.next();
    if (!rate) return s;
    ProbeResult p;
    p.rate = *rate;
    p.requests = n;
    p.good = static_cast<std::size_t>(std::llround(good_share(*rate) * static_cast<double>(n)));
    s.add(p);
  }
  ADD_FAILURE() << "the search did not end";
  return s;
}

TEST(CapacitySearch, BracketsASharpKneeWithinThePrecisionAskedForEveryKnee) {
  for (double knee : {0.137, 0.9, 1.0, 3.3, 7.77, 12.5, 40.0}) {
    const auto s = run(spec(), [&](double r) { return r <= knee ? 1.0 : 0.2; });
    ASSERT_EQ(s.status(), CapacityStatus::kFound) << knee;
    ASSERT_TRUE(s.lower() && s.upper()) << knee;
    EXPECT_LE(*s.lower(), knee);
    EXPECT_GT(*s.upper(), knee);
    EXPECT_LE((*s.upper() - *s.lower()) / *s.lower(), 0.05) << knee;
    EXPECT_EQ(s.capacity(), s.lower());
    // Doubling from 0.1 up to 64 takes at most 10 probes and bisecting a factor 2 to 5% five.
    EXPECT_LE(s.probes().size(), 15u) << knee;
    // Doubling, then probes only inside the bracket.
    EXPECT_EQ(s.probes()[0].rate, 0.1);
    if (s.probes().size() > 1) {
      EXPECT_EQ(s.probes()[1].rate, 0.2);
    }
  }
}

TEST(CapacitySearch, BelowMinAndAtMaxSayWhichBoundWasHit) {
  const auto below = run(spec(), [](double) { return 0.5; });
  EXPECT_EQ(below.status(), CapacityStatus::kBelowMin);
  EXPECT_FALSE(below.capacity());
  EXPECT_EQ(below.probes().size(), 1u);
  const auto above = run(spec(0.95, 0.5, 3), [](double) { return 1.0; });
  EXPECT_EQ(above.status(), CapacityStatus::kAtMax);
  EXPECT_EQ(above.capacity(), 3.0);
  // 0.5, 1, 2, then max_qps itself rather than 4.
  ASSERT_EQ(above.probes().size(), 4u);
  EXPECT_EQ(above.probes().back().rate, 3.0);
}

TEST(CapacitySearch, AFailureTooCloseToCallIsProbedAgainAndJudgedOnBothRuns) {
  CapacitySearch s(spec(0.9, 1, 8));
  auto probe = [&](std::size_t good, std::size_t n = 200) {
    ProbeResult p;
    p.rate = *s.next();
    p.requests = n;
    p.good = good;
    s.add(p);
    return p.rate;
  };
  EXPECT_EQ(probe(200), 1.0);
  EXPECT_EQ(probe(200), 2.0);
  // 89% against 90% of 200: within two standard errors (4.2 points): not trusted once.
  EXPECT_EQ(probe(178), 4.0);
  ASSERT_TRUE(s.next());
  EXPECT_EQ(*s.next(), 4.0);
  EXPECT_EQ(probe(184), 4.0);  // together 362 of 400 = 90.5%: it passes
  EXPECT_TRUE(s.probes().back().passed);
  EXPECT_TRUE(s.probes().back().repeat);
  EXPECT_EQ(s.lower(), 4.0);
  EXPECT_EQ(*s.next(), 8.0);
  // A clear failure is trusted at once.
  EXPECT_EQ(probe(100), 8.0);
  EXPECT_EQ(s.upper(), 8.0);
  EXPECT_NE(*s.next(), 8.0);
}

TEST(CapacitySearch, AClosePassWhileDoublingIsConfirmedBeforeItBecomesTheCapacity) {
  // 91% at every rate up to 4, then clear failures: 4's pass was too close to call, so it is
  // probed again before the search ends on it; the second run fails it and the capacity drops.
  CapacitySearch s(spec(0.9, 1, 64, 0.5));
  std::vector<double> rates;
  for (int guard = 0; guard < 30 && s.next(); ++guard) {
    ProbeResult p;
    p.rate = *s.next();
    rates.push_back(p.rate);
    p.requests = 200;
    const bool repeat = std::count(rates.begin(), rates.end(), p.rate) > 1;
    p.good = p.rate <= 4 ? (repeat && p.rate == 4 ? 160 : 182) : 20;
    s.add(p);
  }
  // 1, 2, 4 pass (close, not re-probed while doubling), 8 fails; bisecting 4..8 fails 5.657;
  // at 50% precision the bracket 4..5.657 is done, but 4 was close: probed again, fails together
  // (342 of 400); then 2..4 is bisected at 2.828, which passes, is close, and is confirmed.
  ASSERT_GE(rates.size(), 6u);
  EXPECT_EQ(std::vector<double>(rates.begin(), rates.begin() + 6), (std::vector<double>{1, 2, 4, 8, 5.657, 4}));
  EXPECT_EQ(s.status(), CapacityStatus::kFound);
  ASSERT_TRUE(s.capacity());
  EXPECT_EQ(*s.capacity(), 2.828);
  EXPECT_EQ(s.upper(), 4.0);
  EXPECT_EQ(rates.back(), 2.828);
  EXPECT_TRUE(s.probes().back().repeat);
}

TEST(CapacitySearch, APercentileBoundFailsAProbeWhoseGoodputPasses) {
  auto c = spec(0.9, 1, 4);
  c.ttft_p99_ms = 500;
  CapacitySearch s(c);
  ProbeResult p;
  p.rate = 1;
  p.requests = 100;
  p.good = 100;
  p.ttft_p99_ms = 400;
  s.add(p);
  EXPECT_TRUE(s.probes().back().passed);
  p.rate = 2;
  p.ttft_p99_ms = 600;
  s.add(p);
  EXPECT_FALSE(s.probes().back().passed);
  EXPECT_EQ(s.upper(), 2.0);
}

TEST(CapacitySearch, ProbeCountOnNoisyKneesStaysSmallAndTheBracketHoldsTheKnee) {
  // Binomial noise around a knee that falls from 99% to 60% over 10% of rate.
  std::mt19937_64 gen(7);
  int held = 0;
  const int repetitions = 40;
  for (int i = 0; i < repetitions; ++i) {
    const double knee = 0.5 + 0.37 * i;
    CapacitySearch s(spec(0.9, 0.1, 64, 0.05));
    for (int guard = 0; guard < 40 && s.next(); ++guard) {
      ProbeResult p;
      p.rate = *s.next();
      p.requests = 300;
      const double share = p.rate <= knee ? 0.99 : p.rate >= knee * 1.1 ? 0.6 : 0.99 - 3.9 * (p.rate / knee - 1);
      std::binomial_distribution<std::size_t> draw(p.requests, share);
      p.good = draw(gen);
      s.add(p);
    }
    ASSERT_EQ(s.status(), CapacityStatus::kFound);
    EXPECT_LE(s.probes().size(), 20u);
    // The true 90% point is knee * (1 + 0.09 / 3.9).
    const double truth = knee * (1 + 0.09 / 3.9);
    if (*s.lower() <= truth * 1.02 && *s.upper() >= truth * 0.98) ++held;
  }
  EXPECT_GE(held, repetitions * 9 / 10);
}

TEST(CapacityStopRule, StopsOnlyWhenTheTargetIsOutOfReach) {
  EXPECT_FALSE(capacity_stop_rule(49, 0, 0.9));   // too few answers yet
  EXPECT_TRUE(capacity_stop_rule(50, 0, 0.9));
  EXPECT_TRUE(capacity_stop_rule(100, 60, 0.9));
  EXPECT_FALSE(capacity_stop_rule(100, 85, 0.9));  // 85% could still be 90% by the end
  EXPECT_FALSE(capacity_stop_rule(50, 50, 0.9));
  EXPECT_TRUE(capacity_stop_rule(1000, 850, 0.9));
}

config::Suite load_suite(const TempTree& t, const std::string& workload) {
  t.write("run-bench.yaml", "0-bench-specs:\n  - s.yaml\n1-infrastructure:\n  Location: Simulated\n");
  t.write("0-bench-specs/s.yaml", "Name: c\nServing:\n  - Simulated: {modelURL: m}\nWorkload:\n" + workload);
  return config::load_suite(t.path("run-bench.yaml"), std::nullopt);
}

constexpr const char* kCapacity = "CAPACITY: {slo: {ttft_ms: 500, tpot_ms: 50}, goodput: 0.9, min_qps: 0.5, max_qps: 8}";

TEST(CapacityPoint, EveryRateKindGetsItsValueInItsOwnUnit) {
  TempTree t;
  const auto suite = load_suite(
      t, std::string("  StrictSynthetic:\n    - {NUM_CONCURRENT_USERS: 4, NUM_ROUNDS_PER_USER: 2, SHARED_SYSTEM_PROMPT_LEN: 1, "
                     "FIRST_PROMPT_LEN: 1, FOLLOW_UP_PROMPTS_LEN: 1, ANSWER_LEN: 1, ") +
             kCapacity + "}\n  Agentic:\n    - {NUM_AGENTS: 2, NUM_ROUNDS: 2, SYSTEM_PROMPT: 1, CHAT_HISTORY: 1, ANSWER_LEN: 1, " +
             kCapacity + "}\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [1, 2], " + kCapacity +
             "}\n  VLLMBenchmark:\n    - {DATASET_NAME: random, " + kCapacity + "}\n");
  const auto& w = suite.specs.at(0).workloads;
  ASSERT_EQ(w.size(), 4u);
  for (const auto& cfg : w) {
    ASSERT_TRUE(cfg.capacity) << cfg.path;
    EXPECT_EQ(cfg.capacity->ttft_ms, 500.0);
    EXPECT_EQ(cfg.capacity->tpot_ms, 50.0);
    EXPECT_EQ(cfg.capacity->goodput, 0.9);
    EXPECT_EQ(cfg.capacity->min_qps, 0.5);
    EXPECT_EQ(cfg.capacity->max_qps, 8.0);
    EXPECT_EQ(cfg.capacity->precision, 0.05);
    EXPECT_TRUE(rate_points(cfg).empty()) << cfg.path << ": a searched workload runs no list";
  }
  // StrictSynthetic: 4 users at 2 req/s send every 2 s.
  const auto strict = probe_point(w[0], 2);
  EXPECT_EQ(strict.rate.sweep_key, "TIME_BETWEEN_REQUESTS_PER_USER");
  EXPECT_DOUBLE_EQ(strict.rate.value.value, 2.0);
  EXPECT_DOUBLE_EQ(*strict.rate.target_qps, 2.0);
  EXPECT_EQ(strict.rate.qps_label, "2.00");
  EXPECT_EQ(strict.workload.raw["TIME_BETWEEN_REQUESTS_PER_USER"], nlohmann::ordered_json::array({2.0}));
  EXPECT_FALSE(strict.workload.raw.contains("CAPACITY"));
  EXPECT_EQ(capacity_unit(w[0]), "req/s");
  // Agentic: 0.25 new users/s is one every 4 s.
  const auto agentic = probe_point(w[1], 0.25);
  EXPECT_EQ(agentic.rate.sweep_key, "NEW_USER_INTERVALS");
  EXPECT_DOUBLE_EQ(agentic.rate.value.value, 4.0);
  EXPECT_EQ(std::get<config::Agentic>(agentic.workload.kind).new_user_intervals.at(0).value, 4.0);
  EXPECT_EQ(capacity_unit(w[1]), "users/s");
  // Random: QPS itself, at 4 significant digits.
  const auto random = probe_point(w[2], 1.23456);
  EXPECT_EQ(random.rate.value.text, "1.235");
  EXPECT_EQ(random.rate.qps_label, "1.235");
  EXPECT_EQ(std::get<config::Random>(random.workload.kind).qps.size(), 1u);
  EXPECT_EQ(random.workload.raw["QPS"], nlohmann::ordered_json::array({1.235}));
  EXPECT_EQ(rate_points(random.workload).size(), 1u);
  // VLLMBenchmark: REQUEST_RATES.
  const auto vllm = probe_point(w[3], 3);
  EXPECT_EQ(vllm.rate.sweep_key, "REQUEST_RATES");
  EXPECT_EQ(vllm.rate.single_key, "REQUEST_RATE");
  EXPECT_EQ(capacity_rate_key(w[3]), "REQUEST_RATES");
}

TEST(CapacityPoint, ATimedTraceReplayIsSearchedBySpeedUp) {
  TempTree t;
  t.write("trace.jsonl", "{\"timestamp\": 0, \"input_length\": 4, \"output_length\": 2}\n");
  const auto suite = load_suite(t, std::string("  TraceReplayer:\n    - {TRACE_FILE: ../trace.jsonl, PRESERVE_TIMING: true, ") +
                                       kCapacity + "}\n");
  const auto& cfg = suite.specs.at(0).workloads.at(0);
  EXPECT_EQ(capacity_unit(cfg), "x");
  EXPECT_EQ(capacity_rate_key(cfg), "SPEED_UP");
  const auto p = probe_point(cfg, 2.5);
  EXPECT_EQ(std::get<config::TraceReplayer>(p.workload.kind).speed_up, 2.5);
  EXPECT_EQ(p.workload.raw["SPEED_UP"], 2.5);
  EXPECT_EQ(p.rate.qps_label, "timed");
}

TEST(CapacityPlan, ASearchedWorkloadIsASearchNotASweepAndFindCapacitySearchesEveryOne) {
  TempTree t;
  auto suite = load_suite(
      t, std::string("  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, ") + kCapacity +
             "}\n    - {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [1, 2]}\n");
  auto specs = suite.specs;
  const auto plan = make_plan(suite.run_bench.infrastructure, specs);
  const auto& bp = plan.suites.at(0).baselines.at(0);
  EXPECT_EQ(bp.runs.size(), 2u);  // the second config's QPS list
  ASSERT_EQ(bp.searches.size(), 1u);
  // Another config of the same workload name is swept: the search's files get their own name.
  EXPECT_EQ(bp.searches[0].label, "random-0");
  EXPECT_EQ(bp.runs[0].label, "random");
  EXPECT_EQ(plan.search_count(), 1u);
  // validate shows the search, and the runs line counts only the list's runs.
  PlanTextOptions o;
  o.example_timestamp = "20261206-1200";
  const std::string text = plan_text(plan, o);
  EXPECT_NE(text.find("Random[0] (random): capacity search of QPS in 0.5..8 req/s (goodput >= 90% at "
                      "ttft_ms=500,tpot_ms=50, precision 5%)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Runs: 2 (1 baseline x 2 workload runs)"), std::string::npos) << text;
  EXPECT_NE(text.find("Capacity searches: 1 (1 per baseline;"), std::string::npos) << text;

  config::CapacitySpec defaults;
  defaults.ttft_ms = 100;
  search_every_workload(specs, defaults);
  const auto all = make_plan(suite.run_bench.infrastructure, specs);
  const auto& b2 = all.suites.at(0).baselines.at(0);
  EXPECT_TRUE(b2.runs.empty());
  ASSERT_EQ(b2.searches.size(), 2u);
  // Two searched configs of one workload name get their own file names.
  EXPECT_EQ(b2.searches[0].label, "random-0");
  EXPECT_EQ(b2.searches[1].label, "random-1");
  EXPECT_EQ(specs[0].workloads[0].capacity->ttft_ms, 500.0);  // its own CAPACITY is kept
  EXPECT_EQ(specs[0].workloads[1].capacity->ttft_ms, 100.0);
}

TEST(CapacityConfig, MistakesNameTheFileLineAndKey) {
  TempTree t;
  const std::string head = "  Random:\n    - NUM_USERS: 1\n      NUM_ROUNDS: 1\n      PROMPT_LEN: 1\n      ANSWER_LEN: 1\n";
  auto error = [&](const std::string& capacity) { return t.config_error([&] { load_suite(t, head + capacity); }); };
  EXPECT_EQ(error("      CAPACITY: {goodput: 0.9}\n"),
            "<root>/0-bench-specs/s.yaml:10:17: Workload.Random[0].CAPACITY: missing required key 'slo'");
  EXPECT_EQ(error("      CAPACITY: {slo: {ttft: 5}}\n"),
            "<root>/0-bench-specs/s.yaml:10:24: unknown key 'ttft' in CAPACITY.slo");
  EXPECT_EQ(error("      CAPACITY: {slo: {}}\n"),
            "<root>/0-bench-specs/s.yaml:10:23: Workload.Random[0].CAPACITY.slo: needs at least one bound (ttft_ms, tpot_ms, "
            "e2e_ms, ttft_p99_ms, tpot_p99_ms)");
  EXPECT_EQ(error("      CAPACITY: {slo: {ttft_ms: 5}, min_qps: 4, max_qps: 2}\n"),
            "<root>/0-bench-specs/s.yaml:10:58: Workload.Random[0].CAPACITY.max_qps: must be greater than min_qps (2 <= 4)");
  EXPECT_EQ(error("      CAPACITY: {slo: {ttft_ms: 5}, goodput: 1.5}\n"),
            "<root>/0-bench-specs/s.yaml:10:46: Workload.Random[0].CAPACITY.goodput: expected a share in (0, 1], found '1.5'");
  EXPECT_EQ(error("      CAPACITY: [1]\n"),
            "<root>/0-bench-specs/s.yaml:10:17: Workload.Random[0].CAPACITY: expected a map with slo, goodput, min_qps, "
            "max_qps, precision, found a list");
  // Without CAPACITY the rate list is still required.
  EXPECT_EQ(error(""), "<root>/0-bench-specs/s.yaml:6:7: Workload.Random[0]: missing required key 'QPS'");
}

TEST(CapacityFile, KeepsOtherBaselinesSearchedTheSameWayAndReplacesTheRest) {
  TempTree t;
  const auto suite = load_suite(t, std::string("  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, ") +
                                       kCapacity + "}\n");
  const auto& cfg = suite.specs.at(0).workloads.at(0);
  CapacitySearch s(*cfg.capacity);
  ProbeResult p;
  p.rate = 0.5;
  p.requests = 10;
  p.good = 10;
  p.run = "a_random_0.5_20261206-1200.json";
  s.add(p);
  std::string note;
  const auto first = capacity_file_json({}, "random", cfg, {"a", "sid", "20261206-1200", "searching", "", &s}, &note);
  EXPECT_EQ(first["rate_key"], "QPS");
  EXPECT_EQ(first["slo"], nlohmann::ordered_json({{"ttft_ms", 500.0}, {"tpot_ms", 50.0}}));
  EXPECT_EQ(first["baselines"]["a"]["probes"][0]["run"], "a_random_0.5_20261206-1200.json");
  EXPECT_EQ(first["baselines"]["a"]["probes"][0]["goodput"], 1.0);
  const auto second = capacity_file_json(first, "random", cfg, {"b", "sid", "20261206-1201", "found", "", &s}, &note);
  EXPECT_TRUE(second["baselines"].contains("a"));
  EXPECT_TRUE(second["baselines"].contains("b"));
  EXPECT_TRUE(note.empty());
  auto other = first;
  other["goodput"] = 0.5;
  const auto third = capacity_file_json(other, "random", cfg, {"b", "sid", "20261206-1201", "found", "", &s}, &note);
  EXPECT_FALSE(third["baselines"].contains("a"));
  EXPECT_NE(note.find("replaced"), std::string::npos);
}

}  // namespace
}  // namespace lmbench::suite
