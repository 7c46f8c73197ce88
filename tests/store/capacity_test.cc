// The store's capacity searches ({WORKLOAD}_capacity.json), on a real SQLite file: rows per
// baseline, idempotent re-upload, the series for the workload page, and the regression rule.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "store/capacity_json.h"
#include "store/regress.h"
#include "store/run_fixture.h"
#include "store/store.h"

namespace lmbench::store {
namespace {

using testing::session_id_for;
using testing::TempDir;

struct Search {
  std::string key = "plain_vllm";
  std::optional<double> capacity = 1.0;
  std::string status = "found";
  std::int64_t session_secs = 1700000000;
  std::string timestamp = "20231114-2213";
};

// A capacity file as the capacity search writes it (suite/capacity.cc capacity_file_json).
nlohmann::json capacity_doc(const std::vector<Search>& searches, double ttft_ms = 2000, double goodput = 0.9) {
  nlohmann::json baselines = nlohmann::json::object();
  for (const auto& s : searches) {
    const nlohmann::json cap = s.capacity ? nlohmann::json(*s.capacity) : nlohmann::json(nullptr);
    const nlohmann::json upper = s.capacity ? nlohmann::json(*s.capacity * 1.09) : nlohmann::json(nullptr);
    baselines[s.key] = {{"capacity", cap},
                        {"status", s.status},
                        {"lower", cap},
                        {"upper", upper},
                        {"precision_reached", 0.09},
                        {"session_id", session_id_for(s.session_secs)},
                        {"timestamp", s.timestamp},
                        {"probes", {{{"rate", 0.125}, {"requests", 8}, {"good", 8}, {"goodput", 1.0},
                                     {"passed", true}, {"early_stop", false},
                                     {"run", s.key + "_synthetic_0.125_" + s.timestamp + ".json"}}}}};
  }
  return {{"workload", "synthetic"}, {"rate_key", "QPS"}, {"unit", "req/s"},
          {"slo", {{"ttft_ms", ttft_ms}, {"tpot_ms", 100}}}, {"goodput", goodput}, {"precision", 0.1},
          {"min_qps", 0.125}, {"max_qps", 4}, {"baselines", baselines}};
}

std::unique_ptr<Store> open_or_die(const std::filesystem::path& path) {
  auto s = Store::open(path);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return std::move(*s);
}

TEST(CapacityStore, OneRowPerBaselineKeptInTheFile) {
  TempDir dir;
  const auto path = dir.path() / "lmbench.db";
  {
    auto store = open_or_die(path);
    const std::string text = capacity_doc({{.key = "plain_vllm", .capacity = 0.5},
                                           {.key = "lmcache", .capacity = 3.1}}).dump(2);
    ASSERT_TRUE(is_capacity_json(text));
    auto stored = store->ingest_capacity_json(text, "capacity-demo");
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    ASSERT_EQ(stored->size(), 2u);
    EXPECT_EQ((*stored)[0].key, "lmcache");  // sorted by KEY
    EXPECT_EQ((*stored)[0].status, CapacityIngestStatus::kStored);
  }
  auto store = open_or_die(path);  // reopened: it is in the file
  auto rows = store->capacity_series("capacity-demo", "synthetic");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  const CapacityRow& r = (*rows)[1];
  EXPECT_EQ(r.key, "plain_vllm");
  EXPECT_EQ(r.suite, "capacity-demo");
  EXPECT_EQ(r.session_id, session_id_for(1700000000));
  EXPECT_EQ(r.session_time, 1700000000);
  EXPECT_EQ(r.status, "found");
  EXPECT_DOUBLE_EQ(*r.capacity, 0.5);
  EXPECT_DOUBLE_EQ(*r.lower, 0.5);
  EXPECT_DOUBLE_EQ(*r.upper, 0.545);
  EXPECT_EQ(r.unit, "req/s");
  EXPECT_EQ(r.slo, R"({"tpot_ms":100.0,"ttft_ms":2000.0})");
  EXPECT_DOUBLE_EQ(*r.goodput, 0.9);
  EXPECT_EQ(r.timestamp, "20231114-2213");
  EXPECT_EQ(nlohmann::json::parse(r.entry)["probes"].size(), 1u);
}

TEST(CapacityStore, ReuploadIsADuplicateAndAChangedSearchReplacesItsRow) {
  TempDir dir;
  auto store = open_or_die(dir.path() / "lmbench.db");
  const std::string first = capacity_doc({{.capacity = std::nullopt, .status = "interrupted"}}).dump();
  ASSERT_TRUE(store->ingest_capacity_json(first, "s").ok());
  auto again = store->ingest_capacity_json(capacity_doc({{.capacity = std::nullopt, .status = "interrupted"}}).dump(4), "s");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].status, CapacityIngestStatus::kDuplicate);
  // The resumed search completed it, and another baseline was searched since.
  auto resumed = store->ingest_capacity_json(capacity_doc({{.capacity = 1.5}, {.key = "lmcache", .capacity = 3}}).dump(), "s");
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ((*resumed)[0].status, CapacityIngestStatus::kStored);    // lmcache
  EXPECT_EQ((*resumed)[1].status, CapacityIngestStatus::kReplaced);  // plain_vllm
  EXPECT_EQ((*resumed)[1].id, (*again)[0].id);
  auto rows = store->capacity_series("s", "synthetic");
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].status, "found");
  EXPECT_DOUBLE_EQ(*(*rows)[1].capacity, 1.5);
}

TEST(CapacityStore, RejectsWhatIsNotACapacityFileAndNamesTheField) {
  TempDir dir;
  auto store = open_or_die(dir.path() / "lmbench.db");
  EXPECT_FALSE(is_capacity_json(testing::make_run_json({})));
  EXPECT_FALSE(is_capacity_json("[1, 2"));
  auto no_suite = store->ingest_capacity_json(capacity_doc({{}}).dump());
  ASSERT_FALSE(no_suite.ok());
  EXPECT_EQ(no_suite.error().kind, "schema");
  EXPECT_NE(no_suite.error().message.find("name"), std::string::npos);
  auto doc = capacity_doc({{}});
  doc["baselines"]["plain_vllm"].erase("session_id");
  auto no_session = store->ingest_capacity_json(doc.dump(), "s");
  ASSERT_FALSE(no_session.ok());
  EXPECT_NE(no_session.error().message.find("baselines.plain_vllm.session_id"), std::string::npos)
      << no_session.error().message;
  doc = capacity_doc({{}});
  doc["name"] = "from-the-file";  // a "name" field wins over the uploader's suite
  ASSERT_TRUE(store->ingest_capacity_json(doc.dump(), "s").ok());
  EXPECT_EQ(store->capacity_series("from-the-file", "synthetic")->size(), 1u);
}

TEST(CapacityStore, TheSeriesHoldsTheWorkloadsLabelsButNotOtherWorkloads) {
  TempDir dir;
  auto store = open_or_die(dir.path() / "lmbench.db");
  for (const char* label : {"synthetic", "synthetic-1", "synthetic_long", "synthetic-x"}) {
    auto doc = capacity_doc({{}});
    doc["workload"] = label;
    ASSERT_TRUE(store->ingest_capacity_json(doc.dump(), "s").ok());
  }
  auto rows = store->capacity_series("s", "synthetic");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].workload, "synthetic");
  EXPECT_EQ((*rows)[1].workload, "synthetic-1");
}

// Session n on day n.
void add_session(Store& store, int n, std::optional<double> capacity, std::string status = "found",
                 double ttft_ms = 2000) {
  const std::string ts = "202311" + std::to_string(14 + n) + "-2213";
  Search s{.capacity = capacity, .status = status, .session_secs = 1700000000 + n * 86400, .timestamp = ts};
  auto stored = store.ingest_capacity_json(capacity_doc({s}, ttft_ms).dump(), "capacity-demo");
  ASSERT_TRUE(stored.ok()) << stored.error().message;
}

RegressOptions capacity_only() {
  RegressOptions o;
  o.metrics.clear();
  o.capacity = true;
  return o;
}

TEST(CapacityRegress, LowerThanTheMedianByMoreThanTheThresholdIsARegression) {
  auto store = std::move(*Store::open_in_memory());
  for (int n = 0; n < 3; ++n) add_session(*store, n, 1.0 + 0.1 * n);  // median of 1.0, 1.1, 1.2: 1.1
  add_session(*store, 3, 0.95);  // 13.6% lower
  auto report = check_regressions(*store, capacity_only());
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->suites.size(), 1u);
  const SuiteVerdict& v = report->suites[0];
  EXPECT_EQ(v.session.session_id, session_id_for(1700000000 + 3 * 86400));
  EXPECT_EQ(v.capacity_searches, 1);
  ASSERT_EQ(v.regressions.size(), 1u);
  const Finding& f = v.regressions[0];
  EXPECT_TRUE(f.capacity);
  EXPECT_EQ(f.key, "plain_vllm");
  EXPECT_DOUBLE_EQ(f.value, 0.95);
  EXPECT_DOUBLE_EQ(f.median, 1.1);
  EXPECT_EQ(f.history, 3);
  EXPECT_TRUE(report->regressed());
  const std::string text = format_report(*report, capacity_only());
  EXPECT_NE(text.find("REGRESSION synthetic plain_vllm capacity: 0.95 vs median 1.10 req/s of 3"), std::string::npos)
      << text;

  RegressOptions lenient = capacity_only();
  lenient.capacity_threshold_pct = 20;
  EXPECT_FALSE(check_regressions(*store, lenient)->regressed());
}

TEST(CapacityRegress, HigherOrWithinTheThresholdIsNot) {
  auto store = std::move(*Store::open_in_memory());
  for (int n = 0; n < 3; ++n) add_session(*store, n, 1.0);
  add_session(*store, 3, 0.91);
  EXPECT_FALSE(check_regressions(*store, capacity_only())->regressed());
  add_session(*store, 4, 2.0);
  EXPECT_FALSE(check_regressions(*store, capacity_only())->regressed());
}

TEST(CapacityRegress, NoneFoundAfterEarlierCapacitiesIsARegressionAndInterruptedIsLeftOut) {
  auto store = std::move(*Store::open_in_memory());
  for (int n = 0; n < 2; ++n) add_session(*store, n, 1.0);
  add_session(*store, 2, std::nullopt, "interrupted");
  auto report = check_regressions(*store, capacity_only());
  ASSERT_TRUE(report.ok()) << report.error().message;
  // Only an interrupted search in the newest session: nothing to judge in any suite.
  EXPECT_TRUE(report->suites.empty());
  add_session(*store, 3, std::nullopt, "below_min");
  report = check_regressions(*store, capacity_only());
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->suites.size(), 1u);
  ASSERT_EQ(report->suites[0].regressions.size(), 1u);
  EXPECT_EQ(report->suites[0].regressions[0].error, "below_min");
  EXPECT_EQ(report->suites[0].regressions[0].history, 2);  // the interrupted search is no history
}

TEST(CapacityRegress, OnlySearchesUnderTheSameSloAreHistory) {
  auto store = std::move(*Store::open_in_memory());
  for (int n = 0; n < 3; ++n) add_session(*store, n, 2.0, "found", /*ttft_ms=*/5000);
  add_session(*store, 3, 1.0, "found", /*ttft_ms=*/2000);  // a tighter SLO: lower, and not comparable
  auto report = check_regressions(*store, capacity_only());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->regressed());
  EXPECT_EQ(report->suites[0].capacity_without_history, 1);
}

TEST(CapacityRegress, RunMetricsAloneDoNotJudgeCapacity) {
  auto store = std::move(*Store::open_in_memory());
  for (int n = 0; n < 4; ++n) {
    add_session(*store, n, n < 3 ? 1.0 : 0.5);  // capacity halved in the newest session
    ASSERT_TRUE(store->ingest_json(testing::make_run_json({.suite = "capacity-demo", .session_secs = 1700000000 + n * 86400})).ok());
  }
  auto report = check_regressions(*store, RegressOptions{});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->suites.size(), 1u);
  EXPECT_EQ(report->suites[0].points, 1);
  EXPECT_EQ(report->suites[0].capacity_searches, 0);
  EXPECT_FALSE(report->regressed());
  RegressOptions both;
  both.capacity = true;
  EXPECT_TRUE(check_regressions(*store, both)->regressed());
}

}  // namespace
}  // namespace lmbench::store

namespace lmbench::store {
namespace {

// `lmbench run --repeat 2` can finish both trials of a point in one minute (their files are
// *_HHMM.json and *_HHMM-2.json, their "timestamp" the same); a capacity search re-probes a rate
// at once. Both are distinct runs.
TEST(TrialsInTheStore, TrialsAndReprobesInOneMinuteAreDistinctRunsAndKeepTheirBlock) {
  TempDir dir;
  auto store = open_or_die(dir.path() / "lmbench.db");
  std::vector<std::int64_t> ids;
  for (int trial = 1; trial <= 2; ++trial) {
    auto doc = testing::make_run({.ttft_p99 = 200.0 + trial});
    doc["trial"] = {{"index", trial}, {"count", 2}};
    auto stored = store->ingest_json(doc.dump(2));
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_EQ(stored->status, IngestStatus::kStored);
    EXPECT_EQ(stored->run.trial_index, trial);
    ids.push_back(stored->id);
    auto again = store->ingest_json(doc.dump());
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->status, IngestStatus::kDuplicate);
  }
  EXPECT_NE(ids[0], ids[1]);
  // The stored document keeps the block; the session's point is the mean of its trials (its row
  // the last trial's: tests/store/trials_test.cc has the interval).
  EXPECT_NE(store->run_json(ids[0])->value().find("\"trial\""), std::string::npos);
  auto points = store->metric_vs_qps("routing-benchmark", "synthetic", session_id_for(1700000000), Metric::kTtftP99);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 1u);
  EXPECT_DOUBLE_EQ(*(*points)[0].value, 201.5);
  EXPECT_EQ((*points)[0].trials_averaged, 2);
  EXPECT_EQ((*points)[0].trial_index, 2);
  EXPECT_EQ((*points)[0].trial_count, 2);
  auto runs = store->session_runs("routing-benchmark", session_id_for(1700000000));
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[1].run.trial_count, 2);

  for (int probe = 3; probe <= 4; ++probe) {
    auto doc = testing::make_run({.key = "probed", .ttft_p99 = 100.0 + probe});
    doc["capacity_probe"] = {{"index", probe}, {"slo", "ttft_ms<=2000"}, {"requests", 10}, {"good", 9}};
    auto stored = store->ingest_json(doc.dump());
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_EQ(stored->status, IngestStatus::kStored);
  }
  auto bad = testing::make_run({});
  bad["trial"] = {{"index", "two"}, {"count", 2}};
  auto refused = store->ingest_json(bad.dump());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("trial.index: expected a whole number >= 1"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace lmbench::store
