#pragma once
// The results store: every run JSON whole, in SQLite (WAL), indexed by suite, session, baseline
// KEY, workload and QPS, with the main metrics as columns. What the dashboard's API and the
// regression check read.
//
// Idempotency: a run's identity is (suite, session id, key, workload, QPS, timestamp), the same
// tuple its artifact file is named by, plus its trial index and capacity probe index (0 when it
// has none): trials of a point and re-probes of a rate can share a timestamp's minute. Ingesting a run whose identity is stored already is a
// no-op reported as kDuplicate when the two documents are equal as JSON (key order and
// formatting do not matter), and an error of kind "conflict" when they differ: a content hash
// alone would store an edited re-upload as a second point of the same run, and the identity
// alone would silently keep one of two different documents.
//
// Not thread-safe: one Store per thread. Several Stores (threads or processes) may share a file;
// WAL lets readers run during a write, and writers wait up to the busy timeout for each other.
// Every query is a prepared statement with its values bound, prepared once per Store.
//
// Failures are values: each method returns core::Error {kind "sqlite" | "json" | "schema" |
// "conflict" | "io", message} rather than throwing.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "metrics/confidence.h"
#include "store/capacity_json.h"
#include "store/metric.h"
#include "store/run.h"

namespace lmbench::store {

struct StoreOptions {
  int busy_timeout_ms = 5000;  // how long a write waits for another writer before failing
};

enum class IngestStatus { kStored, kDuplicate };

struct Ingested {
  IngestStatus status = IngestStatus::kStored;
  std::int64_t id = 0;  // the stored row (the earlier one for a duplicate)
  Run run;              // as read from the document; run.json is left empty
};

struct SuiteSummary {
  std::string suite;
  std::int64_t workloads = 0;
  std::int64_t sessions = 0;
  std::int64_t runs = 0;
};

struct WorkloadSummary {
  std::string workload;
  std::int64_t sessions = 0;
  std::int64_t runs = 0;
};

struct SessionSummary {
  std::string session_id;
  std::int64_t session_time = 0;  // Unix seconds (Run::session_time)
  std::string first_timestamp;    // of its runs, "YYYYMMDD-HHMM"
  std::string last_timestamp;
  std::int64_t runs = 0;
  std::int64_t failed_runs = 0;
};

// One point of a series. For a failed run `ok` is false and `value` empty, so a chart can mark
// the failure instead of losing the point.
struct Point {
  std::string key;
  double qps = 0;
  std::string session_id;
  std::int64_t session_time = 0;
  std::string timestamp;
  bool ok = true;
  std::optional<double> value;
  std::int64_t run_id = 0;
  bool interrupted = false;  // only when asked for (include_interrupted)
  std::string validity;      // the run's verdict on itself; "" when it has none
  int trial_index = 0;       // "trial" of `--repeat` (1-based); 0 without one
  int trial_count = 0;
  // A point of several trials (store/trial_points.h): `value` is their mean, `trials_averaged` how
  // many values it is over and `ci95` its 95% Student t-interval; 0 and none for a single run (or
  // a single successful trial), whose row is the point as it was.
  int trials_averaged = 0;
  std::optional<metrics::Interval> ci95;
};

// A capacity row's fate on upload: new, a changed version of a stored search (the capacity file is
// rewritten in place: a resumed search completes an interrupted one), or the same again.
enum class CapacityIngestStatus { kStored, kReplaced, kDuplicate };

struct CapacityIngested {
  CapacityIngestStatus status = CapacityIngestStatus::kStored;
  std::int64_t id = 0;
  std::string key;
};

const char* to_string(CapacityIngestStatus status);

// A stored run with its row id; `run.json` is empty unless asked for (run_json()).
struct StoredRun {
  std::int64_t id = 0;
  Run run;
};

class Store {
 public:
  // Opens or creates the file and migrates it to the current schema.
  static core::Result<std::unique_ptr<Store>> open(const std::filesystem::path& path, StoreOptions options = {});
  static core::Result<std::unique_ptr<Store>> open_in_memory();
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  core::Result<int> schema_version();

  // Validates (run_json.h) and stores one run. `file_name` helps derive a missing key.
  core::Result<Ingested> ingest_json(std::string_view text, std::string_view file_name = {});
  // Reads and ingests one artifact file; its name derives a missing key.
  core::Result<Ingested> ingest_file(const std::filesystem::path& path);
  // Stores an already parsed run (run.json must hold the document).
  core::Result<Ingested> ingest(const Run& run);
  // Many runs in one transaction (fast for bulk loads); one result per run, in order. A SQLite
  // failure rolls the whole batch back and every entry carries that error.
  std::vector<core::Result<Ingested>> ingest_many(std::span<const Run> runs);

  // Capacity searches (capacity_json.h), one row per baseline, in one transaction (all or nothing).
  // A row's identity is (suite, session id, workload label, KEY): the same identity with equal
  // content is kDuplicate, with other content kReplaced (the newer upload wins).
  core::Result<std::vector<CapacityIngested>> ingest_capacity(std::span<const CapacityRow> rows);
  // Parses (capacity_json.h; `suite` when the file has no "name") and ingests.
  core::Result<std::vector<CapacityIngested>> ingest_capacity_json(std::string_view text, std::string_view suite = {});
  // Every search of `workload` in a suite, and of its labels "workload-N" (a second config of the
  // same workload), sorted by workload label, KEY, SLO, goodput target, then session time.
  core::Result<std::vector<CapacityRow>> capacity_series(std::string_view suite, std::string_view workload);
  // For the regression check: the newest session with a capacity row in a suite; a session's rows;
  // and the earlier searches of the same suite, workload label, KEY, SLO and goodput target that
  // found a capacity (found, at_max), one per session, newest first, at most `limit`.
  core::Result<std::optional<SessionSummary>> newest_capacity_session(std::string_view suite);
  core::Result<std::vector<CapacityRow>> session_capacity(std::string_view suite, std::string_view session_id);
  core::Result<std::vector<CapacityRow>> capacity_history(const CapacityRow& row, const SessionSummary& before,
                                                          int limit);
  // Suites with capacity rows (a store may hold searches whose runs were never uploaded).
  core::Result<std::vector<std::string>> capacity_suites();

  // The dashboard's queries. Lists are sorted by name; sessions newest first.
  core::Result<std::vector<SuiteSummary>> suites();
  core::Result<std::vector<WorkloadSummary>> workloads(std::string_view suite);
  core::Result<std::vector<SessionSummary>> sessions(std::string_view suite, std::string_view workload);
  core::Result<std::vector<std::string>> keys(std::string_view suite, std::string_view workload);
  core::Result<std::vector<double>> qps_values(std::string_view suite, std::string_view workload);
  // `metric` against QPS, one line per key, for one session: sorted by key, then QPS. When a
  // session ran a point more than once, its latest run counts; with trials, the mean of its
  // trials (store/trial_points.h). Interrupted runs (a partial run)
  // are left out unless `include_interrupted`.
  core::Result<std::vector<Point>> metric_vs_qps(std::string_view suite, std::string_view workload,
                                                 std::string_view session_id, Metric metric,
                                                 bool include_interrupted = false);
  // `metric` over time at one QPS: one point per key and session (its latest run there, or the
  // mean of its trials), sorted
  // by key, then session time. Interrupted runs are left out unless `include_interrupted`.
  core::Result<std::vector<Point>> metric_over_time(std::string_view suite, std::string_view workload, double qps,
                                                    Metric metric, bool include_interrupted = false);
  // The stored document, byte for byte; nullopt when there is no such run.
  core::Result<std::optional<std::string>> run_json(std::int64_t id);

  // For the regression check.
  // The newest session of a suite (latest session time; ties broken by id).
  core::Result<std::optional<SessionSummary>> newest_session(std::string_view suite);
  // Every run of a session in a suite, failed ones included, in (workload, key, qps, timestamp) order.
  core::Result<std::vector<StoredRun>> session_runs(std::string_view suite, std::string_view session_id);
  // Successful, complete (not interrupted) runs of the same suite, workload, key and QPS in
  // sessions before `before`, one per session, newest first, at most `limit`: its latest run, or
  // with trials its newest trial with each metric the mean across its trials (trial_points.h).
  core::Result<std::vector<StoredRun>> history(const Run& point, const SessionSummary& before, int limit);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lmbench::store
