// End-to-end: `lmbench regress` on real result folders and a real store file.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "e2e/run_binary.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;

class RegressCli : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / fmt::format("lmbench-regress-e2e-{}-{}", ::getpid(), counter.fetch_add(1));
    fs::remove_all(dir_);
    fs::create_directories(results_ = dir_ / "results");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes one run artifact as lmbench names it, without a "key" field (the KEY is in the file
  // name, as in the original's files). Session n runs on day n. `trial` > 0 adds `lmbench run
  // --repeat`'s block {"index": trial, "count": 3} and the "key" field (lmbench writes it; the name
  // of a trial finished in the same minute as another, _HHMM-2.json, would not give the KEY);
  // trial n finishes n-1 minutes after the first, so the last trial is the newest run.
  void write_run(int session, const std::string& key, double qps, double ttft_p99, double out_tps = 70,
                 const std::string& suite = "routing-benchmark", int trial = 0) {
    const long secs = 1700000000L + session * 86400L;
    const std::string ts = fmt::format("202311{:02}-22{:02}", 14 + session, 13 + std::max(trial - 1, 0));
    const std::string doc = fmt::format(
        R"({{"name": "{}", "lmbench-session-id": "lmbench-{}-0000abcd", "timestamp": "{}",
  "results": {{"successful_requests": 100, "benchmark_duration_s": 200.0, "total_input_tokens": 1000,
    "total_generated_tokens": 100, "request_throughput_req_per_s": {}, "output_token_throughput_tok_per_s": {},
    "input_token_throughput_tok_per_s": 5.0, "total_token_throughput_tok_per_s": 75.0,
    "ttft_ms": {{"mean": 120, "median": 100, "p99": {}}},
    "tpot_ms": {{"mean": 12, "median": 11, "p99": 20}},
    "itl_ms": {{"mean": 12, "median": 11, "p99": 30}}}},
  "infra": {{"Location": "Simulated"}}, "serving": {{"baseline_type": "Simulated", "config": {{}}}},
  "workload": {{"WORKLOAD": "synthetic", "QPS": {}, "NUM_USERS": 10}}{}}})",
        suite, secs, ts, qps, out_tps, ttft_p99, qps,
        trial > 0 ? fmt::format(R"(, "key": "{}", "trial": {{"index": {}, "count": 3}})", key, trial) : "");
    std::ofstream(results_ / suite / fmt::format("{}_synthetic_{}_{}.json", key, qps, ts)) << doc;
  }
  // {WORKLOAD}_capacity.json as the capacity search writes it into the suite folder (no suite
  // name inside: the folder names it), one baseline searched in session n.
  void write_capacity(int session, const std::string& key, std::optional<double> capacity,
                      const std::string& status = "found", const std::string& suite = "routing-benchmark") {
    fs::create_directories(results_ / suite);
    const std::string cap = capacity ? fmt::format("{}", *capacity) : "null";
    std::ofstream(results_ / suite / "synthetic_capacity.json") << fmt::format(
        R"({{"workload": "synthetic", "rate_key": "QPS", "unit": "req/s", "slo": {{"ttft_ms": 2000}}, "goodput": 0.9,
  "precision": 0.1, "min_qps": 0.125, "max_qps": 4,
  "baselines": {{"{}": {{"capacity": {}, "status": "{}", "lower": {}, "upper": null, "precision_reached": null,
    "session_id": "lmbench-{}-0000abcd", "timestamp": "202311{:02}-2213", "probes": []}}}}}})",
        key, cap, status, cap, 1700000000L + session * 86400L, 14 + session);
  }
  void write_history(int sessions) {
    fs::create_directories(results_ / "routing-benchmark");
    for (int s = 0; s < sessions; ++s) {
      for (double qps : {0.5, 1.0}) {
        write_run(s, "helm_kvaware", qps, 200);
        write_run(s, "helm_roundrobin", qps, 250);
      }
    }
  }

  fs::path dir_, results_;
};

TEST_F(RegressCli, ExitsOneAndNamesWhatGotWorse) {
  write_history(5);
  write_run(5, "helm_kvaware", 1.0, 260);   // +30% TTFT p99
  write_run(5, "helm_kvaware", 0.5, 200);
  write_run(5, "helm_roundrobin", 0.5, 250, 50);  // -28.6% throughput
  write_run(5, "helm_roundrobin", 1.0, 255);      // +2%: fine
  const auto r = run_lmbench({"regress", "--results", results_.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("suite routing-benchmark: session lmbench-1700432000-0000abcd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("REGRESSION synthetic helm_kvaware qps 1 ttft_p99: 260.00 vs median 200.00 of 5 (+30.0%"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("REGRESSION synthetic helm_roundrobin qps 0.5 output_throughput: 50.00 vs median 70.00"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("4 point(s), 0 without earlier sessions, 32 value(s) compared, 2 regression(s)"),
            std::string::npos)
      << r.out;
}

// A session that ran a point as 3 trials is judged on their mean, not on its last trial: here the
// last trial alone (250, +25%) would be a regression, the mean (216.67, +8.3%) is not.
TEST_F(RegressCli, JudgesTheMeanOfASessionsTrialsNotItsLastTrial) {
  write_history(5);
  int trial = 0;
  for (double v : {200.0, 200.0, 250.0}) write_run(5, "helm_kvaware", 1.0, v, 70, "routing-benchmark", ++trial);
  write_run(5, "helm_kvaware", 0.5, 200);
  write_run(5, "helm_roundrobin", 0.5, 250);
  write_run(5, "helm_roundrobin", 1.0, 250);
  const auto r = run_lmbench({"regress", "--results", results_.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("4 point(s), 0 without earlier sessions, 32 value(s) compared, 0 regression(s)"),
            std::string::npos)
      << r.out;
}

// And the other way round: a bad first trial (290) makes the mean (231.67, +15.8%) a regression
// although the last trial (200) alone would pass.
TEST_F(RegressCli, ARegressionInTheMeanOfTrialsIsFoundWhenTheLastTrialLooksFine) {
  write_history(5);
  int trial = 0;
  for (double v : {290.0, 205.0, 200.0}) write_run(5, "helm_kvaware", 1.0, v, 70, "routing-benchmark", ++trial);
  const auto r = run_lmbench({"regress", "--results", results_.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("REGRESSION synthetic helm_kvaware qps 1 ttft_p99: 231.67 vs median 200.00 of 5 (+15.8%"),
            std::string::npos)
      << r.out;
}

TEST_F(RegressCli, ExitsZeroWhenNothingGotWorse) {
  write_history(6);
  const auto r = run_lmbench({"regress", "--results", results_.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("0 regression(s)"), std::string::npos) << r.out;
}

TEST_F(RegressCli, ThresholdsComeFromTheCommandLine) {
  write_history(5);
  write_run(5, "helm_kvaware", 1.0, 260);
  EXPECT_EQ(run_lmbench({"regress", "--results", results_.string(), "--metric-threshold", "ttft_p99=35"}).exit_code, 0);
  EXPECT_EQ(run_lmbench({"regress", "--results", results_.string(), "--threshold", "31"}).exit_code, 0);
  EXPECT_EQ(run_lmbench({"regress", "--results", results_.string(), "--metrics", "ttft_p50,itl_p99"}).exit_code, 0);
  EXPECT_EQ(run_lmbench({"regress", "--results", results_.string(), "--threshold", "29"}).exit_code, 1);
}

TEST_F(RegressCli, ResultsAreAddedToTheStoreWhichKeepsTheHistory) {
  const auto db = dir_ / "history.db";
  write_history(5);
  auto r = run_lmbench({"regress", "--results", results_.string(), "--db", db.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(fs::exists(db));

  // The next CI run only has its own results folder; the history is in the store.
  fs::remove_all(results_);
  fs::create_directories(results_ / "routing-benchmark");
  write_run(5, "helm_kvaware", 1.0, 300);
  r = run_lmbench({"regress", "--results", results_.string(), "--db", db.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("ttft_p99: 300.00 vs median 200.00 of 5"), std::string::npos) << r.out;

  // The store alone gives the same verdict, and loading the same results again changes nothing.
  r = run_lmbench({"regress", "--db", db.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  r = run_lmbench({"regress", "--results", results_.string(), "--db", db.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(RegressCli, SkipsFilesThatAreNotRunsAndSaysWhy) {
  write_history(2);
  std::ofstream(results_ / "routing-benchmark" / "synthetic_comparison.json") << "[{\"qps\": 1}]";
  std::ofstream(results_ / "routing-benchmark" / "broken.json") << "{\"name\": ";
  std::ofstream(results_ / "routing-benchmark" / "k_synthetic_1_20231201-0000.json")
      << R"({"name": "routing-benchmark", "timestamp": "20231201-0000", "results": {}, "workload": {}})";
  const auto r = run_lmbench({"regress", "--results", results_.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("skipped " + (results_ / "routing-benchmark" / "broken.json").string() + ": not valid JSON"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("k_synthetic_1_20231201-0000.json: lmbench-session-id: missing"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("comparison"), std::string::npos) << r.err;
}

TEST_F(RegressCli, GatesOnCapacityFromCapacityFilesKeptInTheStore) {
  const auto db = dir_ / "history.db";
  write_history(4);
  std::ofstream(results_ / "routing-benchmark" / "synthetic_verdicts.json") << R"({"workload": "synthetic", "pairs": []})";
  // Runs but no capacity search yet: nothing to gate on is "cannot check", not "fine".
  auto none = run_lmbench({"regress", "--results", results_.string(), "--metric", "capacity"});
  EXPECT_EQ(none.exit_code, 2) << none.out << none.err;
  EXPECT_NE(none.err.find("no capacity searches to compare"), std::string::npos) << none.err;
  // Each session's CI run rewrites the capacity file; the store keeps the history.
  for (int s = 0; s < 3; ++s) {
    write_capacity(s, "helm_kvaware", 1.0 + 0.1 * s);
    const auto r = run_lmbench({"regress", "--results", results_.string(), "--db", db.string(), "--metric", "capacity"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.err, "");  // neither the capacity nor the verdicts file is "skipped"
  }
  write_capacity(3, "helm_kvaware", 0.9);  // against the median 1.1: -18%
  auto r = run_lmbench({"regress", "--results", results_.string(), "--db", db.string(), "--metric", "capacity"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("suite routing-benchmark: session lmbench-1700259200-0000abcd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("REGRESSION synthetic helm_kvaware capacity: 0.90 vs median 1.10 req/s of 3 (-18.2%, higher "
                       "is better, threshold 10%)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 capacity search(es), 0 without earlier sessions"), std::string::npos) << r.out;
  // The runs are not judged unless asked for, and the same options as for other metrics apply.
  EXPECT_EQ(r.out.find("point(s)"), std::string::npos) << r.out;
  EXPECT_EQ(run_lmbench({"regress", "--db", db.string(), "--metrics", "capacity", "--metric-threshold", "capacity=20"})
                .exit_code,
            0);
  EXPECT_EQ(run_lmbench({"regress", "--db", db.string(), "--metrics", "capacity", "--threshold", "20"}).exit_code, 0);
  EXPECT_EQ(run_lmbench({"regress", "--db", db.string(), "--metrics", "capacity", "--window", "1"}).exit_code, 1);
  EXPECT_EQ(run_lmbench({"regress", "--db", db.string()}).exit_code, 0);  // runs alone: nothing got worse
  r = run_lmbench({"regress", "--db", db.string(), "--metrics", "ttft_p99,capacity"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("point(s)"), std::string::npos) << r.out;

  // A search that found nothing after ones that did.
  write_capacity(4, "helm_kvaware", std::nullopt, "below_min");
  r = run_lmbench({"regress", "--results", results_.string(), "--db", db.string(), "--metric", "capacity",
                   "--threshold", "50"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("REGRESSION synthetic helm_kvaware capacity: none found (below_min)"), std::string::npos) << r.out;
}

TEST_F(RegressCli, ExitsTwoWhenTheCheckCannotRun) {
  auto r = run_lmbench({"regress"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("give --db FILE, --results DIR, or both"), std::string::npos) << r.err;

  r = run_lmbench({"regress", "--results", results_.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no run JSON files found"), std::string::npos) << r.err;

  r = run_lmbench({"regress", "--results", (dir_ / "nope").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not a folder"), std::string::npos) << r.err;

  write_history(2);
  r = run_lmbench({"regress", "--results", results_.string(), "--metric-threshold", "ttft=5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--metric-threshold: expected METRIC=PERCENT"), std::string::npos) << r.err;
  r = run_lmbench({"regress", "--results", results_.string(), "--metric-threshold", "ttft_p99=lots"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_lmbench({"regress", "--results", results_.string(), "--metrics", "speed"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown metric 'speed'"), std::string::npos) << r.err;

  std::ofstream(dir_ / "not-a-db") << std::string(4096, 'z');
  r = run_lmbench({"regress", "--db", (dir_ / "not-a-db").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not-a-db"), std::string::npos) << r.err;

  r = run_lmbench({"regress", "--db", (dir_ / "missing.db").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.db does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "missing.db"));

  // A store with no runs in it.
  fs::create_directories(dir_ / "empty");
  r = run_lmbench({"regress", "--results", (dir_ / "empty").string(), "--db", (dir_ / "empty.db").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the store holds no runs to compare"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lmbench::e2e
