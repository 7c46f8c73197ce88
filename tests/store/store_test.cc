// The store through its real interface, on real SQLite files.
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <thread>

#include "store/run_fixture.h"
#include "store/run_json.h"
#include "store/schema.h"

namespace lmbench::store {
namespace {

using testing::make_run;
using testing::make_run_json;
using testing::RunSpec;
using testing::TempDir;

std::unique_ptr<Store> open_or_die(const std::filesystem::path& path) {
  auto s = Store::open(path);
  if (!s) throw std::runtime_error(s.error().message);
  return std::move(*s);
}

std::string pragma_text(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// Two sessions of one suite, two baselines, two QPS; a second suite.
void fill(Store& store) {
  for (std::int64_t secs : {1700000000, 1700086400}) {
    for (const char* key : {"helm_a", "helm_b"}) {
      for (double qps : {0.5, 1.0}) {
        RunSpec s;
        s.session_secs = secs;
        s.key = key;
        s.qps = qps;
        s.ttft_p99 = static_cast<double>(secs - 1700000000) / 864 + qps * 10 + (key[5] == 'b' ? 1 : 0);
        ASSERT_TRUE(store.ingest_json(make_run_json(s)).ok());
      }
    }
  }
  RunSpec other;
  other.suite = "other-suite";
  other.workload = "random";
  ASSERT_TRUE(store.ingest_json(make_run_json(other)).ok());
}

TEST(Store, AnswersTheDashboardsQueries) {
  TempDir dir;
  auto store = open_or_die(dir.path() / "lmbench.db");
  fill(*store);

  const auto suites = store->suites();
  ASSERT_TRUE(suites.ok());
  ASSERT_EQ(suites->size(), 2u);
  EXPECT_EQ((*suites)[0].suite, "other-suite");
  EXPECT_EQ((*suites)[1].suite, "routing-benchmark");
  EXPECT_EQ((*suites)[1].runs, 8);
  EXPECT_EQ((*suites)[1].sessions, 2);

  const auto workloads = store->workloads("routing-benchmark");
  ASSERT_TRUE(workloads.ok());
  ASSERT_EQ(workloads->size(), 1u);
  EXPECT_EQ((*workloads)[0].workload, "synthetic");

  const auto sessions = store->sessions("routing-benchmark", "synthetic");
  ASSERT_TRUE(sessions.ok());
  ASSERT_EQ(sessions->size(), 2u);
  EXPECT_EQ((*sessions)[0].session_id, testing::session_id_for(1700086400));  // newest first
  EXPECT_EQ((*sessions)[0].runs, 4);

  EXPECT_EQ(*store->keys("routing-benchmark", "synthetic"), (std::vector<std::string>{"helm_a", "helm_b"}));
  EXPECT_EQ(*store->qps_values("routing-benchmark", "synthetic"), (std::vector<double>{0.5, 1.0}));

  const auto vs_qps = store->metric_vs_qps("routing-benchmark", "synthetic", testing::session_id_for(1700086400),
                                           Metric::kTtftP99);
  ASSERT_TRUE(vs_qps.ok());
  ASSERT_EQ(vs_qps->size(), 4u);
  EXPECT_EQ((*vs_qps)[0].key, "helm_a");
  EXPECT_DOUBLE_EQ((*vs_qps)[0].qps, 0.5);
  EXPECT_DOUBLE_EQ(*(*vs_qps)[0].value, 100 + 5);
  EXPECT_EQ((*vs_qps)[3].key, "helm_b");
  EXPECT_DOUBLE_EQ((*vs_qps)[3].qps, 1.0);
  EXPECT_DOUBLE_EQ(*(*vs_qps)[3].value, 100 + 10 + 1);

  const auto over_time = store->metric_over_time("routing-benchmark", "synthetic", 1.0, Metric::kTtftP99);
  ASSERT_TRUE(over_time.ok());
  ASSERT_EQ(over_time->size(), 4u);  // 2 keys x 2 sessions
  EXPECT_EQ((*over_time)[0].key, "helm_a");
  EXPECT_EQ((*over_time)[0].session_id, testing::session_id_for(1700000000));
  EXPECT_DOUBLE_EQ(*(*over_time)[0].value, 10);
  EXPECT_EQ((*over_time)[1].session_id, testing::session_id_for(1700086400));
  EXPECT_DOUBLE_EQ(*(*over_time)[1].value, 110);

  const auto throughput = store->metric_over_time("routing-benchmark", "synthetic", 1.0, Metric::kOutputThroughput);
  ASSERT_TRUE(throughput.ok());
  EXPECT_DOUBLE_EQ(*(*throughput)[0].value, 70);

  EXPECT_TRUE(store->workloads("no-such-suite")->empty());
}

TEST(Store, OnePointPerSessionIsItsLatestRun) {
  auto store = std::move(*Store::open_in_memory());
  RunSpec first;
  first.timestamp = "20231114-2213";
  first.ttft_p99 = 300;
  RunSpec rerun = first;
  rerun.timestamp = "20231114-2259";
  rerun.ttft_p99 = 310;
  ASSERT_TRUE(store->ingest_json(make_run_json(rerun)).ok());
  ASSERT_TRUE(store->ingest_json(make_run_json(first)).ok());
  const auto points = store->metric_over_time(first.suite, first.workload, first.qps, Metric::kTtftP99);
  ASSERT_EQ(points->size(), 1u);
  EXPECT_DOUBLE_EQ(*(*points)[0].value, 310);
  const auto vs_qps = store->metric_vs_qps(first.suite, first.workload, testing::session_id_for(first.session_secs),
                                           Metric::kTtftP99);
  ASSERT_EQ(vs_qps->size(), 1u);
  EXPECT_EQ((*vs_qps)[0].timestamp, "20231114-2259");
}

TEST(Store, FailedRunsAppearAsFailedPoints) {
  auto store = std::move(*Store::open_in_memory());
  RunSpec failed;
  failed.failed = true;
  ASSERT_TRUE(store->ingest_json(make_run_json(failed)).ok());
  const auto points = store->metric_over_time(failed.suite, failed.workload, failed.qps, Metric::kTtftP50);
  ASSERT_EQ(points->size(), 1u);
  EXPECT_FALSE((*points)[0].ok);
  EXPECT_FALSE((*points)[0].value.has_value());
  EXPECT_EQ((*store->sessions(failed.suite, failed.workload))[0].failed_runs, 1);
}

TEST(Store, TheSameRunUploadedTwiceIsStoredOnce) {
  auto store = std::move(*Store::open_in_memory());
  const auto doc = make_run({});
  const auto first = store->ingest_json(doc.dump(2));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, IngestStatus::kStored);
  // Same document, other formatting and key order: still the same run.
  nlohmann::ordered_json reordered;
  for (auto it = doc.rbegin(); it != doc.rend(); ++it) reordered[it.key()] = *it;
  const auto again = store->ingest_json(reordered.dump());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->status, IngestStatus::kDuplicate);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ((*store->suites())[0].runs, 1);
  // The stored text is the first upload's, byte for byte.
  EXPECT_EQ(**store->run_json(first->id), doc.dump(2));
}

TEST(Store, ADifferentDocumentWithTheSameIdentityIsAConflict) {
  auto store = std::move(*Store::open_in_memory());
  RunSpec spec;
  ASSERT_TRUE(store->ingest_json(make_run_json(spec)).ok());
  spec.ttft_p99 = 999;
  const auto again = store->ingest_json(make_run_json(spec));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, "conflict");
  EXPECT_NE(again.error().message.find("same identity"), std::string::npos);
  EXPECT_EQ((*store->suites())[0].runs, 1);
}

TEST(Store, RejectsInvalidDocumentsWithTheReason) {
  auto store = std::move(*Store::open_in_memory());
  auto doc = make_run({});
  doc["results"]["ttft_ms"]["median"] = true;
  const auto r = store->ingest_json(doc.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, "schema");
  EXPECT_EQ(r.error().message, "results.ttft_ms.median: expected a number, found a boolean (true)");
  EXPECT_TRUE(store->suites()->empty());
}

TEST(Store, SqlMetacharactersInEveryFieldAreJustText) {
  auto store = std::move(*Store::open_in_memory());
  RunSpec s;
  s.suite = "x'); DROP TABLE runs; --";
  s.session_id = "lmbench-1-'\"; DELETE FROM runs";
  s.key = "%_' OR '1'='1";
  s.workload = "syn\"thetic\\; --";
  ASSERT_TRUE(store->ingest_json(make_run_json(s)).ok());
  RunSpec plain;
  ASSERT_TRUE(store->ingest_json(make_run_json(plain)).ok());

  const auto suites = store->suites();
  ASSERT_EQ(suites->size(), 2u);
  EXPECT_EQ((*suites)[1].suite, s.suite);
  EXPECT_EQ((*store->workloads(s.suite))[0].workload, s.workload);
  EXPECT_EQ((*store->sessions(s.suite, s.workload))[0].session_id, s.session_id);
  EXPECT_EQ(*store->keys(s.suite, s.workload), std::vector<std::string>{s.key});
  const auto points = store->metric_vs_qps(s.suite, s.workload, s.session_id, Metric::kTtftP99);
  ASSERT_EQ(points->size(), 1u);
  EXPECT_EQ((*points)[0].key, s.key);
  // A LIKE-style key matches nothing else.
  EXPECT_TRUE(store->keys(plain.suite, s.workload)->empty());
  EXPECT_EQ(store->keys(plain.suite, plain.workload)->size(), 1u);
}

TEST(Store, FileIsWalWithTheSchemaVersionRecordedAndPersists) {
  TempDir dir;
  const auto path = dir.path() / "lmbench.db";
  {
    auto store = open_or_die(path);
    EXPECT_EQ(*store->schema_version(), kSchemaVersion);
    ASSERT_TRUE(store->ingest_json(make_run_json({})).ok());
  }
  EXPECT_EQ(pragma_text(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma_text(path, "PRAGMA user_version"), "4");
  auto reopened = open_or_die(path);
  EXPECT_EQ((*reopened->suites())[0].runs, 1);
}

TEST(Store, IngestFileDerivesTheKeyFromItsName) {
  TempDir dir;
  RunSpec s;
  s.with_key_field = false;
  s.workload = "strict_synthetic";
  const auto file = dir.path() / "sglang_base_strict_synthetic_0.7_20231114-2213.json";
  std::ofstream(file) << make_run_json(s);
  auto store = std::move(*Store::open_in_memory());
  const auto r = store->ingest_file(file);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->run.key, "sglang_base");
  const auto missing = store->ingest_file(dir.path() / "nope.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, "io");
}

TEST(Store, RefusesFilesThatAreNotItsStores) {
  TempDir dir;
  {
    const auto foreign = dir.path() / "foreign.db";
    sqlite3* db = nullptr;
    sqlite3_open(foreign.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    const auto r = Store::open(foreign);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("not an lmbench results store"), std::string::npos) << r.error().message;
  }
  {
    const auto newer = dir.path() / "newer.db";
    sqlite3* db = nullptr;
    sqlite3_open(newer.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE runs (x); PRAGMA user_version=99", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    const auto r = Store::open(newer);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("schema version 99, newer"), std::string::npos) << r.error().message;
  }
  {
    const auto garbage = dir.path() / "garbage.db";
    std::ofstream(garbage) << std::string(4096, 'x');
    const auto r = Store::open(garbage);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("garbage.db"), std::string::npos);
  }
}

TEST(Store, ConcurrentWritersOnOneFileLoseNothing) {
  TempDir dir;
  const auto path = dir.path() / "lmbench.db";
  open_or_die(path);  // create it once, so both writers only migrate-check
  constexpr int kPerThread = 150;
  auto writer = [&](int thread, int* failures) {
    auto store = open_or_die(path);
    for (int i = 0; i < kPerThread; ++i) {
      RunSpec s;
      s.key = "k" + std::to_string(thread);
      s.qps = i + 1;
      if (!store->ingest_json(make_run_json(s)).ok()) ++*failures;
      // A reader in the same connection while the other thread writes.
      if (!store->sessions(s.suite, s.workload).ok()) ++*failures;
    }
  };
  int failures_a = 0, failures_b = 0;
  std::thread a(writer, 0, &failures_a);
  std::thread b(writer, 1, &failures_b);
  a.join();
  b.join();
  EXPECT_EQ(failures_a + failures_b, 0);
  EXPECT_EQ((*open_or_die(path)->suites())[0].runs, 2 * kPerThread);
}

TEST(Store, IngestManyStoresABatchWithOneResultEach) {
  auto store = std::move(*Store::open_in_memory());
  std::vector<store::Run> runs;
  for (int i = 0; i < 3; ++i) {
    RunSpec s;
    s.qps = i + 1;
    runs.push_back(*parse_run_json(make_run_json(s)));
  }
  runs.push_back(runs[0]);  // a duplicate inside the batch
  const auto results = store->ingest_many(runs);
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results) ASSERT_TRUE(r.ok());
  EXPECT_EQ(results[3]->status, IngestStatus::kDuplicate);
  EXPECT_EQ((*store->suites())[0].runs, 3);
}

TEST(Store, SessionOfAnIdWithoutTimeStartsAtItsEarliestRun) {
  auto store = std::move(*Store::open_in_memory());
  RunSpec late;
  late.session_id = "nightly-7";
  late.timestamp = "20231114-2300";
  late.qps = 2;
  RunSpec early = late;
  early.timestamp = "20231114-2200";
  early.qps = 1;
  ASSERT_TRUE(store->ingest_json(make_run_json(late)).ok());
  ASSERT_TRUE(store->ingest_json(make_run_json(early)).ok());
  const auto sessions = store->sessions(late.suite, late.workload);
  ASSERT_EQ(sessions->size(), 1u);
  EXPECT_EQ((*sessions)[0].session_time, 1699999200);  // 2023-11-14 22:00 UTC
  const auto runs = store->session_runs(late.suite, "nightly-7");
  ASSERT_EQ(runs->size(), 2u);
  for (const auto& r : *runs) EXPECT_EQ(r.run.session_time, 1699999200);
}

}  // namespace
}  // namespace lmbench::store
