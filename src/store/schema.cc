#include "store/schema.h"

#include <fmt/format.h>

#include <string>

#include "store/run_json.h"

namespace lmbench::store {

namespace {

void create_v1(Database& db) {
  db.exec(R"sql(
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
  )sql");
}

// The columns v2 adds are filled from each stored JSON with the same reader uploads go through,
// so a migrated row is indistinguishable from one ingested by v2.
void v1_to_v2(Database& db) {
  db.exec(R"sql(
    ALTER TABLE runs ADD COLUMN session_time INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN ok INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE runs ADD COLUMN error TEXT;
    ALTER TABLE runs ADD COLUMN ttft_mean_ms REAL;
    ALTER TABLE runs ADD COLUMN ttft_p99_ms REAL;
    ALTER TABLE runs ADD COLUMN itl_mean_ms REAL;
    ALTER TABLE runs ADD COLUMN itl_p99_ms REAL;
    ALTER TABLE runs ADD COLUMN tpot_mean_ms REAL;
    ALTER TABLE runs ADD COLUMN tpot_p99_ms REAL;
    ALTER TABLE runs ADD COLUMN request_throughput REAL;
    ALTER TABLE runs ADD COLUMN input_throughput REAL;
    ALTER TABLE runs ADD COLUMN total_throughput REAL;
    ALTER TABLE runs ADD COLUMN successful_requests INTEGER;
    ALTER TABLE runs ADD COLUMN duration_s REAL;
  )sql");
  {
    Statement read = db.prepare("SELECT id, key, json FROM runs");
    Statement update = db.prepare(R"sql(
      UPDATE runs SET session_time = ?2, ok = ?3, error = ?4,
        ttft_mean_ms = ?5, ttft_p50_ms = ?6, ttft_p99_ms = ?7,
        itl_mean_ms = ?8, itl_p50_ms = ?9, itl_p99_ms = ?10,
        tpot_mean_ms = ?11, tpot_p50_ms = ?12, tpot_p99_ms = ?13,
        request_throughput = ?14, output_throughput = ?15, input_throughput = ?16, total_throughput = ?17,
        successful_requests = ?18, duration_s = ?19
      WHERE id = ?1)sql");
    while (read.step()) {
      const std::int64_t id = read.integer(0);
      const auto run = parse_run_json(read.text(2), {}, read.text(1));
      if (!run.ok()) {
        throw SqliteError(SQLITE_ERROR, fmt::format("migrating to schema v2: stored run {} cannot be re-read: {}", id,
                                                    run.error().message));
      }
      update.bind(1, id).bind(2, run->session_time).bind(3, run->ok ? 1 : 0);
      if (run->ok) update.bind_null(4); else update.bind(4, run->error);
      int index = 5;
      for (Metric m : {Metric::kTtftMean, Metric::kTtftP50, Metric::kTtftP99, Metric::kItlMean, Metric::kItlP50,
                       Metric::kItlP99, Metric::kTpotMean, Metric::kTpotP50, Metric::kTpotP99,
                       Metric::kRequestThroughput, Metric::kOutputThroughput, Metric::kInputThroughput,
                       Metric::kTotalThroughput}) {
        update.bind(index++, at(run->metrics, m));
      }
      if (run->successful_requests) update.bind(18, *run->successful_requests); else update.bind_null(18);
      update.bind(19, run->duration_s);
      update.run();
    }
  }
  // The documents move to their own table: a `runs` row is then ~250 bytes instead of ~2 KB,
  // so the dashboard's scans over thousands of runs touch a tenth of the pages.
  db.exec(R"sql(
    CREATE TABLE run_documents (
      run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
      json TEXT NOT NULL
    );
    INSERT INTO run_documents (run_id, json) SELECT id, json FROM runs;
    ALTER TABLE runs DROP COLUMN json;
    DROP INDEX runs_suite_workload;
    CREATE INDEX runs_sessions ON runs (suite, workload, session_id, session_time, timestamp, ok);
    CREATE INDEX runs_point ON runs (suite, workload, qps, key, session_time);
    CREATE INDEX runs_session_time ON runs (session_id, session_time);
  )sql");
}

// v3: whether Ctrl-C cut the run short, and the run's verdict on its own numbers, from each
// stored document (lmbench writes "interrupted": true and "validity": {"verdict": ...}).
void v2_to_v3(Database& db) {
  db.exec(R"sql(
    ALTER TABLE runs ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE runs ADD COLUMN validity TEXT;
    UPDATE runs SET
      interrupted = COALESCE((SELECT json_extract(json, '$.interrupted') = 1 FROM run_documents WHERE run_id = runs.id), 0),
      validity = (SELECT json_extract(json, '$.validity.verdict') FROM run_documents WHERE run_id = runs.id);
  )sql");
}

// v4: trial and probe indexes in the run's identity, and capacity searches. A search's identity is
// its session, suite, workload label and KEY (the capacity file is rewritten in place, so an
// upload of a newer version replaces the row).
void v3_to_v4(Database& db) {
  // The child table is copied and dropped first, so dropping the old `runs` cascades to nothing;
  // RENAME then points run_documents' REFERENCES at the new `runs`.
  db.exec(R"sql(
    CREATE TABLE runs_v4 (
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
      session_time INTEGER NOT NULL DEFAULT 0,
      ok INTEGER NOT NULL DEFAULT 1,
      error TEXT,
      ttft_mean_ms REAL,
      ttft_p99_ms REAL,
      itl_mean_ms REAL,
      itl_p99_ms REAL,
      tpot_mean_ms REAL,
      tpot_p99_ms REAL,
      request_throughput REAL,
      input_throughput REAL,
      total_throughput REAL,
      successful_requests INTEGER,
      duration_s REAL,
      interrupted INTEGER NOT NULL DEFAULT 0,
      validity TEXT,
      trial_index INTEGER NOT NULL DEFAULT 0,
      trial_count INTEGER NOT NULL DEFAULT 0,
      probe_index INTEGER NOT NULL DEFAULT 0,
      UNIQUE (suite, session_id, key, workload, qps, timestamp, trial_index, probe_index)
    );
    INSERT INTO runs_v4 (id, suite, session_id, timestamp, key, workload, qps, ttft_p50_ms, itl_p50_ms, tpot_p50_ms,
      output_throughput, session_time, ok, error, ttft_mean_ms, ttft_p99_ms, itl_mean_ms, itl_p99_ms, tpot_mean_ms,
      tpot_p99_ms, request_throughput, input_throughput, total_throughput, successful_requests, duration_s,
      interrupted, validity, trial_index, trial_count, probe_index)
    SELECT id, suite, session_id, timestamp, key, workload, qps, ttft_p50_ms, itl_p50_ms, tpot_p50_ms,
      output_throughput, session_time, ok, error, ttft_mean_ms, ttft_p99_ms, itl_mean_ms, itl_p99_ms, tpot_mean_ms,
      tpot_p99_ms, request_throughput, input_throughput, total_throughput, successful_requests, duration_s,
      interrupted, validity,
      COALESCE((SELECT CAST(json_extract(json, '$.trial.index') AS INTEGER) FROM run_documents WHERE run_id = runs.id), 0),
      COALESCE((SELECT CAST(json_extract(json, '$.trial.count') AS INTEGER) FROM run_documents WHERE run_id = runs.id), 0),
      COALESCE((SELECT CAST(json_extract(json, '$.capacity_probe.index') AS INTEGER) FROM run_documents WHERE run_id = runs.id), 0)
    FROM runs;
    CREATE TABLE run_documents_v4 (
      run_id INTEGER PRIMARY KEY REFERENCES runs_v4 (id) ON DELETE CASCADE,
      json TEXT NOT NULL
    );
    INSERT INTO run_documents_v4 (run_id, json) SELECT run_id, json FROM run_documents;
    DROP TABLE run_documents;
    DROP TABLE runs;
    ALTER TABLE runs_v4 RENAME TO runs;
    ALTER TABLE run_documents_v4 RENAME TO run_documents;
    CREATE INDEX runs_sessions ON runs (suite, workload, session_id, session_time, timestamp, ok);
    CREATE INDEX runs_point ON runs (suite, workload, qps, key, session_time);
    CREATE INDEX runs_session_time ON runs (session_id, session_time);
  )sql");
  db.exec(R"sql(
    CREATE TABLE capacity (
      id INTEGER PRIMARY KEY,
      suite TEXT NOT NULL,
      session_id TEXT NOT NULL,
      session_time INTEGER NOT NULL,
      timestamp TEXT NOT NULL,
      workload TEXT NOT NULL,
      key TEXT NOT NULL,
      status TEXT NOT NULL,
      capacity REAL,
      lower_bound REAL,
      upper_bound REAL,
      unit TEXT NOT NULL,
      rate_key TEXT NOT NULL,
      slo TEXT NOT NULL,
      goodput REAL,
      precision REAL,
      precision_reached REAL,
      min_qps REAL,
      max_qps REAL,
      entry TEXT NOT NULL,
      UNIQUE (suite, session_id, workload, key)
    );
    CREATE INDEX capacity_series ON capacity (suite, workload, key, session_time);
  )sql");
}

int count_tables(Database& db) {
  Statement s = db.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'");
  s.step();
  return static_cast<int>(s.integer(0));
}

}  // namespace

void migrate(Database& db) {
  if (db.user_version() == kSchemaVersion) return;  // the common case, without taking the write lock
  Transaction tx(db);
  // Read again under the write lock: another process may have migrated meanwhile.
  int version = db.user_version();
  if (version > kSchemaVersion) {
    throw SqliteError(SQLITE_ERROR, fmt::format("the database has schema version {}, newer than this lmbench "
                                                "understands ({}): use a newer lmbench",
                                                version, kSchemaVersion));
  }
  if (version == 0 && count_tables(db) > 0) {
    throw SqliteError(SQLITE_ERROR, "not an lmbench results store: it has tables but no lmbench schema version");
  }
  if (version == 0) {
    create_v1(db);
    version = 1;
  }
  if (version == 1) {
    v1_to_v2(db);
    version = 2;
  }
  if (version == 2) {
    v2_to_v3(db);
    version = 3;
  }
  if (version == 3) {
    v3_to_v4(db);
    version = 4;
  }
  db.set_user_version(version);
  tx.commit();
}

}  // namespace lmbench::store
