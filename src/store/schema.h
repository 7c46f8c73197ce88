#pragma once
// The store's schema and its history. The version is kept in SQLite's `PRAGMA user_version`.
// A new database is built by running every migration from version 0, so a fresh database and a
// migrated one end up with the same schema by construction.
//
//   v1  runs: suite, session_id, timestamp, key, workload, qps, the p50 latencies and output
//       throughput, the JSON whole; UNIQUE (suite, session_id, key, workload, qps, timestamp).
//   v2  adds session_time (orders sessions), ok/error (failed runs), mean and p99 latencies, the
//       other throughputs, successful_requests and duration_s, filled in for existing rows by
//       re-reading their stored JSON; moves the JSON to run_documents (run_id, json) so that
//       `runs` rows stay small; indexes for the dashboard's workload page.

#include "store/sqlite.h"

namespace lmbench::store {

inline constexpr int kSchemaVersion = 3;

// Brings `db` to kSchemaVersion inside one write transaction (all or nothing). Throws
// SqliteError when the file is not a store of ours (tables but no version) or is newer than
// this build, or when a stored run cannot be re-read during a migration.
void migrate(Database& db);

}  // namespace lmbench::store
