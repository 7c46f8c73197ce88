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
//   v3  adds interrupted and validity (the run's verdict on itself).
//   v4  adds trial_index, trial_count and probe_index to `runs` (0 when the run has no "trial" or
//       "capacity_probe" block) and to its identity, UNIQUE (suite, session_id, key, workload,
//       qps, timestamp, trial_index, probe_index): trials of one point and re-probes of one rate
//       may share the minute of their timestamp. (SQLite cannot change a UNIQUE constraint in
//       place, so `runs` and `run_documents` are rebuilt, ids kept.) And adds `capacity`: one row per baseline of an uploaded {WORKLOAD}_capacity.json (capacity,
//       bracket, status, unit, SLO text, goodput target, the baseline's entry whole);
//       UNIQUE (suite, session_id, workload, key).

#include "store/sqlite.h"

namespace lmbench::store {

inline constexpr int kSchemaVersion = 4;

// Brings `db` to kSchemaVersion inside one write transaction (all or nothing). Throws
// SqliteError when the file is not a store of ours (tables but no version) or is newer than
// this build, or when a stored run cannot be re-read during a migration.
void migrate(Database& db);

}  // namespace lmbench::store
