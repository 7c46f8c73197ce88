// Opening a database written with an older schema migrates it. The v1 database is made here by
// hand, with v1's DDL as it was, not by the code under test.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "store/run_fixture.h"
#include "store/schema.h"
#include "store/store.h"

namespace lmbench::store {
namespace {

using testing::make_run;
using testing::RunSpec;
using testing::TempDir;

constexpr const char* kV1Schema = R"sql(
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    suite TEXT NOT NULL,
    session_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    key TEXT NOT NULL,
    workload TEXT NOT NULL,
    qps REAL NOT NULL,
    ttft_p50_ms REAL,
    itl_p50_ms REAL,
    tpot_p50_ms REAL,
    output_throughput REAL,
    json TEXT NOT NULL,
    UNIQUE (suite, session_id, key, workload, qps, timestamp)
  );
  CREATE INDEX runs_suite_workload ON runs (suite, workload);
  PRAGMA user_version = 1;
)sql";

class V1Database {
 public:
  explicit V1Database(const std::filesystem::path& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, kV1Schema, nullptr, nullptr, nullptr), SQLITE_OK);
  }
  ~V1Database() { sqlite3_close(db_); }

  // As v1 stored a run: identity, the p50 columns, the JSON whole.
  void insert(const RunSpec& spec, const std::string& json) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_,
                       "INSERT INTO runs (suite, session_id, timestamp, key, workload, qps, ttft_p50_ms, "
                       "itl_p50_ms, tpot_p50_ms, output_throughput, json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       -1, &st, nullptr);
    const std::string session = spec.session_id.empty() ? testing::session_id_for(spec.session_secs) : spec.session_id;
    sqlite3_bind_text(st, 1, spec.suite.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, session.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, spec.timestamp.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, spec.key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, spec.workload.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 6, spec.qps);
    if (spec.failed) {
      for (int i = 7; i <= 10; ++i) sqlite3_bind_null(st, i);
    } else {
      sqlite3_bind_double(st, 7, spec.ttft_p50);
      sqlite3_bind_double(st, 8, spec.itl_p50);
      sqlite3_bind_double(st, 9, spec.tpot_p50);
      sqlite3_bind_double(st, 10, spec.output_throughput);
    }
    sqlite3_bind_text(st, 11, json.c_str(), -1, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string query_text(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (!out.empty()) out += ",";
    const auto* t = sqlite3_column_text(st, 0);
    out += t != nullptr ? reinterpret_cast<const char*>(t) : "NULL";
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST(Migration, V1DatabaseIsMigratedToTheCurrentSchemaOnOpen) {
  TempDir dir;
  const auto path = dir.path() / "v1.db";
  RunSpec old_session;
  old_session.session_secs = 1700000000;
  old_session.ttft_p99 = 210;
  old_session.with_key_field = false;  // v1 kept the key in its column only
  RunSpec new_session;
  new_session.session_secs = 1700086400;
  new_session.timestamp = "20231115-2213";
  new_session.ttft_p99 = 230;
  new_session.request_throughput = 0.69;
  RunSpec failed = new_session;
  failed.qps = 2;
  failed.failed = true;
  const std::string old_json = make_run(old_session).dump(2);
  {
    V1Database v1(path);
    v1.insert(old_session, old_json);
    v1.insert(new_session, make_run(new_session).dump());
    v1.insert(failed, make_run(failed).dump());
  }
  ASSERT_EQ(query_text(path, "PRAGMA user_version"), "1");

  auto opened = Store::open(path);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Store& store = **opened;
  EXPECT_EQ(*store.schema_version(), kSchemaVersion);
  EXPECT_EQ(query_text(path, "PRAGMA user_version"), "4");
  // v4's capacity table is there and takes a capacity file.
  const auto cap = store.ingest_capacity_json(
      R"({"workload": "synthetic", "baselines": {"k": {"capacity": 1.5, "status": "found", "session_id": "lmbench-1700000000-0000abcd", "timestamp": "20231114-2213"}}})",
      "routing-benchmark");
  ASSERT_TRUE(cap.ok()) << cap.error().message;
  EXPECT_EQ(query_text(path, "SELECT capacity FROM capacity"), "1.5");

  // Columns v2 added are filled from the stored JSON.
  const auto p99 = store.metric_over_time("routing-benchmark", "synthetic", 0.7, Metric::kTtftP99);
  ASSERT_TRUE(p99.ok()) << p99.error().message;
  ASSERT_EQ(p99->size(), 2u);
  EXPECT_EQ((*p99)[0].session_id, testing::session_id_for(1700000000));  // ordered by the new session_time
  EXPECT_DOUBLE_EQ(*(*p99)[0].value, 210);
  EXPECT_DOUBLE_EQ(*(*p99)[1].value, 230);
  const auto rps = store.metric_over_time("routing-benchmark", "synthetic", 0.7, Metric::kRequestThroughput);
  EXPECT_DOUBLE_EQ(*(*rps)[1].value, 0.69);
  const auto failed_points = store.metric_over_time("routing-benchmark", "synthetic", 2, Metric::kTtftP50);
  ASSERT_EQ(failed_points->size(), 1u);
  EXPECT_FALSE((*failed_points)[0].ok);
  const auto newest = store.newest_session("routing-benchmark");
  EXPECT_EQ((*newest)->session_id, testing::session_id_for(1700086400));
  EXPECT_EQ((*newest)->session_time, 1700086400);

  // Stored documents are untouched; the key column of a key-less document is kept.
  EXPECT_EQ(query_text(path, "SELECT json FROM run_documents WHERE run_id = 1"), old_json);
  EXPECT_EQ(**store.run_json(1), old_json);
  EXPECT_EQ(query_text(path, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'json'"), "0");
  EXPECT_EQ(query_text(path, "SELECT key FROM runs WHERE id = 1"), "helm_kvaware");
  // v2's indexes replace v1's.
  EXPECT_EQ(query_text(path, "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'runs_%' ORDER BY name"),
            "runs_point,runs_session_time,runs_sessions");
  // Idempotency still holds across the migration.
  const auto dup = store.ingest_json(old_json, "helm_kvaware_synthetic_0.7_20231114-2213.json");
  ASSERT_TRUE(dup.ok()) << dup.error().message;
  EXPECT_EQ(dup->status, IngestStatus::kDuplicate);
  EXPECT_EQ(dup->id, 1);
}

TEST(Migration, AFailedMigrationLeavesTheV1DatabaseAsItWas) {
  TempDir dir;
  const auto path = dir.path() / "v1.db";
  RunSpec spec;
  {
    V1Database v1(path);
    v1.insert(spec, "{\"name\": \"truncated");
  }
  const auto opened = Store::open(path);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("migrating to schema v2: stored run 1 cannot be re-read"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(query_text(path, "PRAGMA user_version"), "1");
  EXPECT_EQ(query_text(path, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'session_time'"), "0");
  EXPECT_EQ(query_text(path, "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'runs_%'"),
            "runs_suite_workload");
}

TEST(Migration, AFreshDatabaseGetsTheSameSchemaAsAMigratedOne) {
  TempDir dir;
  { V1Database v1(dir.path() / "old.db"); }
  ASSERT_TRUE(Store::open(dir.path() / "old.db").ok());
  ASSERT_TRUE(Store::open(dir.path() / "new.db").ok());
  // Tables, columns (name, type, NOT NULL, default, primary key) and indexes (columns in order).
  const char* schema = R"sql(
    SELECT m.name || '.' || c.name || ' ' || c.type || ' ' || c."notnull" || ' ' || IFNULL(c.dflt_value, '') || ' ' || c.pk
    FROM sqlite_schema AS m, pragma_table_info(m.name) AS c WHERE m.type = 'table'
    UNION ALL
    SELECT m.name || ' ON ' || m.tbl_name || ' ' || i.seqno || ' ' || i.name
    FROM sqlite_schema AS m, pragma_index_info(m.name) AS i WHERE m.type = 'index'
    ORDER BY 1)sql";
  const std::string migrated = query_text(dir.path() / "old.db", schema);
  EXPECT_EQ(migrated, query_text(dir.path() / "new.db", schema));
  EXPECT_NE(migrated.find("run_documents.json TEXT 1"), std::string::npos) << migrated;
}

// v3 reads whether a stored run was interrupted, and its validity verdict, from its document; an
// interrupted run then stays out of the charts unless asked for.
TEST(Migration, InterruptedAndValidityAreReadFromStoredDocuments) {
  TempDir dir;
  const auto path = dir.path() / "v1.db";
  RunSpec complete;
  complete.session_secs = 1700000000;
  RunSpec cut = complete;
  cut.qps = 2;
  auto cut_json = make_run(cut);
  cut_json["interrupted"] = true;
  auto complete_json = make_run(complete);
  complete_json["validity"] = {{"verdict", "suspect"}, {"reasons", nlohmann::json::array()}};
  {
    V1Database v1(path);
    v1.insert(complete, complete_json.dump());
    v1.insert(cut, cut_json.dump());
  }
  auto opened = Store::open(path);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Store& store = **opened;
  EXPECT_EQ(query_text(path, "SELECT interrupted FROM runs ORDER BY qps"), "0,1");
  EXPECT_EQ(query_text(path, "SELECT validity FROM runs ORDER BY qps"), "suspect,NULL");
  const std::string session = testing::session_id_for(1700000000);
  auto points = store.metric_vs_qps(complete.suite, complete.workload, session, Metric::kTtftP50);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 1u) << "the interrupted run is left out";
  EXPECT_EQ((*points)[0].validity, "suspect");
  auto all = store.metric_vs_qps(complete.suite, complete.workload, session, Metric::kTtftP50, true);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_TRUE((*all)[1].interrupted);
}

}  // namespace
}  // namespace lmbench::store
