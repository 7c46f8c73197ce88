#include "store/store.h"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/run_json.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/trial_points.h"

namespace lmbench::store {

namespace {

// Columns read into a StoredRun, in the order read_run_row expects.
constexpr const char* kRunColumns =
    "id, suite, session_id, timestamp, session_time, key, workload, qps, ok, error, "
    "ttft_mean_ms, ttft_p50_ms, ttft_p99_ms, itl_mean_ms, itl_p50_ms, itl_p99_ms, "
    "tpot_mean_ms, tpot_p50_ms, tpot_p99_ms, "
    "request_throughput, output_throughput, input_throughput, total_throughput, "
    "successful_requests, duration_s, interrupted, validity, trial_index, trial_count, probe_index";
constexpr int kFirstMetricColumn = 10;

StoredRun read_run_row(const Statement& s) {
  StoredRun out;
  out.id = s.integer(0);
  Run& r = out.run;
  r.suite = s.text(1);
  r.session_id = s.text(2);
  r.timestamp = s.text(3);
  r.session_time = s.integer(4);
  r.key = s.text(5);
  r.workload = s.text(6);
  r.qps = s.real(7);
  r.ok = s.integer(8) != 0;
  r.error = s.text(9);
  for (int i = 0; i < kMetricCount; ++i) r.metrics[i] = s.optional_real(kFirstMetricColumn + i);
  if (!s.is_null(23)) r.successful_requests = s.integer(23);
  r.duration_s = s.optional_real(24);
  r.interrupted = s.integer(25) != 0;
  r.validity = s.text(26);
  r.trial_index = static_cast<int>(s.integer(27));
  r.trial_count = static_cast<int>(s.integer(28));
  r.probe_index = static_cast<int>(s.integer(29));
  return out;
}

constexpr const char* kCapacityColumns =
    "id, suite, session_id, session_time, timestamp, workload, key, status, capacity, lower_bound, upper_bound, "
    "unit, rate_key, slo, goodput, precision, precision_reached, min_qps, max_qps, entry";

CapacityRow read_capacity_row(const Statement& s) {
  CapacityRow r;
  r.id = s.integer(0);
  r.suite = s.text(1);
  r.session_id = s.text(2);
  r.session_time = s.integer(3);
  r.timestamp = s.text(4);
  r.workload = s.text(5);
  r.key = s.text(6);
  r.status = s.text(7);
  r.capacity = s.optional_real(8);
  r.lower = s.optional_real(9);
  r.upper = s.optional_real(10);
  r.unit = s.text(11);
  r.rate_key = s.text(12);
  r.slo = s.text(13);
  r.goodput = s.optional_real(14);
  r.precision = s.optional_real(15);
  r.precision_reached = s.optional_real(16);
  r.min_qps = s.optional_real(17);
  r.max_qps = s.optional_real(18);
  r.entry = s.text(19);
  return r;
}

std::vector<CapacityRow> read_capacity_rows(Statement& s) {
  std::vector<CapacityRow> out;
  while (s.step()) out.push_back(read_capacity_row(s));
  s.reset();
  return out;
}

// Equal as the store keeps them (entry and slo are canonical JSON: compact, keys sorted).
bool same_capacity(const CapacityRow& a, const CapacityRow& b) {
  return a.timestamp == b.timestamp && a.status == b.status && a.capacity == b.capacity && a.lower == b.lower &&
         a.upper == b.upper && a.unit == b.unit && a.rate_key == b.rate_key && a.slo == b.slo &&
         a.goodput == b.goodput && a.precision == b.precision && a.precision_reached == b.precision_reached &&
         a.min_qps == b.min_qps && a.max_qps == b.max_qps && a.entry == b.entry;
}

template <typename F>
auto guarded(F&& f) -> core::Result<decltype(f())> {
  try {
    return f();
  } catch (const SqliteError& e) {
    return core::Error{"sqlite", e.what()};
  }
}

}  // namespace

struct Store::Impl {
  explicit Impl(Database database) : db(std::move(database)) {
    insert = db.prepare(R"sql(
      INSERT INTO runs (suite, session_id, timestamp, session_time, key, workload, qps, ok, error,
        ttft_mean_ms, ttft_p50_ms, ttft_p99_ms, itl_mean_ms, itl_p50_ms, itl_p99_ms,
        tpot_mean_ms, tpot_p50_ms, tpot_p99_ms,
        request_throughput, output_throughput, input_throughput, total_throughput,
        successful_requests, duration_s, interrupted, validity, trial_index, trial_count, probe_index)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
              ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)
      ON CONFLICT (suite, session_id, key, workload, qps, timestamp, trial_index, probe_index) DO NOTHING
      RETURNING id)sql");
    insert_document = db.prepare("INSERT INTO run_documents (run_id, json) VALUES (?1, ?2)");
    find_identity = db.prepare(R"sql(
      SELECT runs.id, run_documents.json FROM runs JOIN run_documents ON run_documents.run_id = runs.id
      WHERE suite = ?1 AND session_id = ?2 AND key = ?3 AND workload = ?4 AND qps = ?5 AND timestamp = ?6
        AND trial_index = ?7 AND probe_index = ?8)sql");
    session_min_time = db.prepare("SELECT MIN(session_time) FROM runs WHERE session_id = ?1");
    move_session_time = db.prepare("UPDATE runs SET session_time = ?2 WHERE session_id = ?1 AND session_time > ?2");
    move_capacity_session_time =
        db.prepare("UPDATE capacity SET session_time = ?2 WHERE session_id = ?1 AND session_time > ?2");
    insert_capacity = db.prepare(R"sql(
      INSERT INTO capacity (suite, session_id, session_time, timestamp, workload, key, status, capacity,
        lower_bound, upper_bound, unit, rate_key, slo, goodput, precision, precision_reached, min_qps, max_qps, entry)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
      ON CONFLICT (suite, session_id, workload, key) DO UPDATE SET
        session_time = excluded.session_time, timestamp = excluded.timestamp, status = excluded.status,
        capacity = excluded.capacity, lower_bound = excluded.lower_bound, upper_bound = excluded.upper_bound,
        unit = excluded.unit, rate_key = excluded.rate_key, slo = excluded.slo, goodput = excluded.goodput,
        precision = excluded.precision, precision_reached = excluded.precision_reached,
        min_qps = excluded.min_qps, max_qps = excluded.max_qps, entry = excluded.entry
      RETURNING id)sql");
    find_capacity = db.prepare(fmt::format(
        "SELECT {} FROM capacity WHERE suite = ?1 AND session_id = ?2 AND workload = ?3 AND key = ?4",
        kCapacityColumns));
    capacity_series = db.prepare(fmt::format(R"sql(
      SELECT {} FROM capacity
      WHERE suite = ?1 AND (workload = ?2 OR (substr(workload, 1, length(?2) + 1) = ?2 || '-'
                                              AND substr(workload, length(?2) + 2) GLOB '[0-9]*'))
      ORDER BY workload, key, slo, goodput, session_time, session_id)sql",
                                             kCapacityColumns));
    newest_capacity_session = db.prepare(R"sql(
      SELECT session_id, MIN(session_time), MIN(timestamp), MAX(timestamp), COUNT(*), SUM(capacity IS NULL)
      FROM capacity WHERE suite = ?1
      GROUP BY session_id ORDER BY MIN(session_time) DESC, session_id DESC LIMIT 1)sql");
    session_capacity = db.prepare(fmt::format(
        "SELECT {} FROM capacity WHERE suite = ?1 AND session_id = ?2 ORDER BY workload, key", kCapacityColumns));
    capacity_history = db.prepare(fmt::format(R"sql(
      SELECT {} FROM capacity
      WHERE suite = ?1 AND workload = ?2 AND key = ?3 AND slo = ?4 AND goodput IS ?5
        AND status IN ('found', 'at_max') AND capacity IS NOT NULL
        AND (session_time, session_id) < (?6, ?7)
      ORDER BY session_time DESC, session_id DESC LIMIT ?8)sql",
                                              kCapacityColumns));
    capacity_suites = db.prepare("SELECT DISTINCT suite FROM capacity ORDER BY suite");
    suites = db.prepare(R"sql(
      SELECT suite, COUNT(DISTINCT workload), COUNT(DISTINCT session_id), COUNT(*)
      FROM runs GROUP BY suite ORDER BY suite)sql");
    workloads = db.prepare(R"sql(
      SELECT workload, COUNT(DISTINCT session_id), COUNT(*)
      FROM runs WHERE suite = ?1 GROUP BY workload ORDER BY workload)sql");
    sessions = db.prepare(R"sql(
      SELECT session_id, MIN(session_time), MIN(timestamp), MAX(timestamp), COUNT(*), SUM(ok = 0)
      FROM runs WHERE suite = ?1 AND workload = ?2
      GROUP BY session_id ORDER BY MIN(session_time) DESC, session_id DESC)sql");
    keys = db.prepare("SELECT DISTINCT key FROM runs WHERE suite = ?1 AND workload = ?2 ORDER BY key");
    qps_values = db.prepare("SELECT DISTINCT qps FROM runs WHERE suite = ?1 AND workload = ?2 ORDER BY qps");
    run_json = db.prepare("SELECT json FROM run_documents WHERE run_id = ?1");
    schema_version = db.prepare("PRAGMA user_version");
    newest_session = db.prepare(R"sql(
      SELECT session_id, MIN(session_time), MIN(timestamp), MAX(timestamp), COUNT(*), SUM(ok = 0)
      FROM runs WHERE suite = ?1
      GROUP BY session_id ORDER BY MIN(session_time) DESC, session_id DESC LIMIT 1)sql");
    session_runs = db.prepare(fmt::format(R"sql(
      SELECT {} FROM runs WHERE suite = ?1 AND session_id = ?2
      ORDER BY workload, key, qps, timestamp, id)sql",
                                          kRunColumns));
    history = db.prepare(fmt::format(R"sql(
      SELECT {} FROM (
        SELECT *, DENSE_RANK() OVER (ORDER BY session_time DESC, session_id DESC) AS nth
        FROM runs
        WHERE suite = ?1 AND workload = ?2 AND qps = ?3 AND key = ?4 AND ok = 1 AND interrupted = 0
          AND (session_time, session_id) < (?5, ?6))
      WHERE nth <= ?7 ORDER BY session_time DESC, session_id DESC, timestamp DESC, id DESC)sql",
                                     kRunColumns));
  }

  // The series statements differ only in the metric column, taken from the fixed table in
  // metric.cc, so they are prepared per metric on first use. They return every run of a point,
  // newest first, for collapse_trials() to make one point of.
  Statement& vs_qps(Metric m) {
    auto& slot = vs_qps_by_metric[static_cast<int>(m)];
    if (!slot) {
      slot = std::make_unique<Statement>(db.prepare(fmt::format(R"sql(
        SELECT key, qps, session_id, session_time, timestamp, ok, {0}, id, interrupted, validity, trial_index,
               trial_count FROM (
          SELECT id, key, qps, session_id, session_time, timestamp, ok, {0}, interrupted, validity, trial_index,
                 trial_count
          FROM runs WHERE suite = ?1 AND workload = ?2 AND session_id = ?3 AND (interrupted = 0 OR ?4))
        ORDER BY key, qps, timestamp DESC, id DESC)sql",
                                                                metric_info(m).column)));
    }
    return *slot;
  }

  Statement& over_time(Metric m) {
    auto& slot = over_time_by_metric[static_cast<int>(m)];
    if (!slot) {
      slot = std::make_unique<Statement>(db.prepare(fmt::format(R"sql(
        SELECT key, qps, session_id, session_time, timestamp, ok, {0}, id, interrupted, validity, trial_index,
               trial_count FROM (
          SELECT id, key, qps, session_id, session_time, timestamp, ok, {0}, interrupted, validity, trial_index,
                 trial_count
          FROM runs WHERE suite = ?1 AND workload = ?2 AND qps = ?3 AND (interrupted = 0 OR ?4))
        ORDER BY key, session_time, session_id, timestamp DESC, id DESC)sql",
                                                                metric_info(m).column)));
    }
    return *slot;
  }

  // Inside a transaction.
  core::Result<Ingested> ingest_locked(const Run& run) {
    // A session's time is the earliest of its runs' (they agree when the id carries the time).
    std::int64_t session_time = run.session_time;
    session_min_time.bind(1, run.session_id);
    if (session_min_time.step() && !session_min_time.is_null(0)) {
      session_time = std::min(session_time, session_min_time.integer(0));
    }
    session_min_time.reset();
    move_session_time.bind(1, run.session_id).bind(2, session_time).run();
    move_capacity_session_time.bind(1, run.session_id).bind(2, session_time).run();

    insert.bind(1, run.suite).bind(2, run.session_id).bind(3, run.timestamp).bind(4, session_time);
    insert.bind(5, run.key).bind(6, run.workload).bind(7, run.qps).bind(8, run.ok ? 1 : 0);
    if (run.ok) insert.bind_null(9); else insert.bind(9, run.error);
    for (int i = 0; i < kMetricCount; ++i) insert.bind(10 + i, run.metrics[i]);
    if (run.successful_requests) insert.bind(23, *run.successful_requests); else insert.bind_null(23);
    insert.bind(24, run.duration_s);
    insert.bind(25, run.interrupted ? 1 : 0);
    if (run.validity.empty()) insert.bind_null(26); else insert.bind(26, run.validity);
    insert.bind(27, run.trial_index).bind(28, run.trial_count).bind(29, run.probe_index);
    Ingested out;
    out.run = run;
    out.run.json.clear();
    out.run.session_time = session_time;
    if (insert.step()) {
      out.id = insert.integer(0);
      insert.reset();
      insert_document.bind(1, out.id).bind(2, run.json).run();
      return out;
    }
    insert.reset();

    // Same identity stored already: a duplicate when the documents are equal as JSON.
    find_identity.bind(1, run.suite).bind(2, run.session_id).bind(3, run.key).bind(4, run.workload);
    find_identity.bind(5, run.qps).bind(6, run.timestamp).bind(7, run.trial_index).bind(8, run.probe_index);
    if (!find_identity.step()) {
      find_identity.reset();
      return core::Error{"sqlite", "insert ignored but no run with the same identity found"};
    }
    out.id = find_identity.integer(0);
    const std::string stored = find_identity.text(1);
    find_identity.reset();
    const auto a = nlohmann::json::parse(stored, nullptr, false);
    const auto b = nlohmann::json::parse(run.json, nullptr, false);
    if (a.is_discarded() || b.is_discarded() || a != b) {
      return core::Error{"conflict",
                         fmt::format("a different run with the same identity is stored already (run {}: suite "
                                     "'{}', session '{}', key '{}', workload '{}', qps {}, timestamp {}{}{})",
                                     out.id, run.suite, run.session_id, run.key, run.workload, run.qps,
                                     run.timestamp,
                                     run.trial_index ? fmt::format(", trial {}", run.trial_index) : "",
                                     run.probe_index ? fmt::format(", capacity probe {}", run.probe_index) : "")};
    }
    out.status = IngestStatus::kDuplicate;
    return out;
  }

  // Inside a transaction.
  CapacityIngested ingest_capacity_locked(const CapacityRow& given) {
    CapacityRow row = given;
    // A session's time is its runs' when they are stored (they agree when the id carries the time).
    session_min_time.bind(1, row.session_id);
    if (session_min_time.step() && !session_min_time.is_null(0)) {
      row.session_time = std::min(row.session_time, session_min_time.integer(0));
    }
    session_min_time.reset();
    CapacityIngested out;
    out.key = row.key;
    find_capacity.bind(1, row.suite).bind(2, row.session_id).bind(3, row.workload).bind(4, row.key);
    std::optional<CapacityRow> stored;
    if (find_capacity.step()) stored = read_capacity_row(find_capacity);
    find_capacity.reset();
    if (stored && same_capacity(*stored, row)) {
      out.status = CapacityIngestStatus::kDuplicate;
      out.id = stored->id;
      return out;
    }
    out.status = stored ? CapacityIngestStatus::kReplaced : CapacityIngestStatus::kStored;
    Statement& s = insert_capacity;
    s.bind(1, row.suite).bind(2, row.session_id).bind(3, row.session_time).bind(4, row.timestamp);
    s.bind(5, row.workload).bind(6, row.key).bind(7, row.status).bind(8, row.capacity).bind(9, row.lower);
    s.bind(10, row.upper).bind(11, row.unit).bind(12, row.rate_key).bind(13, row.slo).bind(14, row.goodput);
    s.bind(15, row.precision).bind(16, row.precision_reached).bind(17, row.min_qps).bind(18, row.max_qps);
    s.bind(19, row.entry);
    if (!s.step()) {
      s.reset();
      throw SqliteError(SQLITE_ERROR, "capacity insert returned no row");
    }
    out.id = s.integer(0);
    s.reset();
    return out;
  }

  Database db;
  Statement move_capacity_session_time, insert_capacity, find_capacity, capacity_series, newest_capacity_session,
      session_capacity, capacity_history, capacity_suites;
  Statement insert, insert_document, find_identity, session_min_time, move_session_time;
  Statement suites, workloads, sessions, keys, qps_values, run_json, schema_version;
  Statement newest_session, session_runs, history;
  std::array<std::unique_ptr<Statement>, kMetricCount> vs_qps_by_metric;
  std::array<std::unique_ptr<Statement>, kMetricCount> over_time_by_metric;
};

namespace {

SessionSummary read_session(const Statement& s) {
  SessionSummary out;
  out.session_id = s.text(0);
  out.session_time = s.integer(1);
  out.first_timestamp = s.text(2);
  out.last_timestamp = s.text(3);
  out.runs = s.integer(4);
  out.failed_runs = s.integer(5);
  return out;
}

// The newest session a `newest_*` statement (bound to a suite) finds, if any.
std::optional<SessionSummary> newest_of(Statement& s, std::string_view suite) {
  s.bind(1, suite);
  std::optional<SessionSummary> out;
  if (s.step()) out = read_session(s);
  s.reset();
  return out;
}

std::vector<Point> read_points(Statement& s) {
  std::vector<Point> out;
  while (s.step()) {
    Point p;
    p.key = s.text(0);
    p.qps = s.real(1);
    p.session_id = s.text(2);
    p.session_time = s.integer(3);
    p.timestamp = s.text(4);
    p.ok = s.integer(5) != 0;
    p.value = s.optional_real(6);
    p.run_id = s.integer(7);
    p.interrupted = s.integer(8) != 0;
    p.validity = s.text(9);
    p.trial_index = static_cast<int>(s.integer(10));
    p.trial_count = static_cast<int>(s.integer(11));
    out.push_back(std::move(p));
  }
  s.reset();
  return out;
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

core::Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& path, StoreOptions options) {
  try {
    Database db(path.string(), options.busy_timeout_ms);
    migrate(db);
    return std::unique_ptr<Store>(new Store(std::make_unique<Impl>(std::move(db))));
  } catch (const SqliteError& e) {
    return core::Error{"sqlite", fmt::format("{}: {}", path.string(), e.what())};
  }
}

core::Result<std::unique_ptr<Store>> Store::open_in_memory() { return open(":memory:"); }

core::Result<int> Store::schema_version() {
  return guarded([&] {
    Statement& s = impl_->schema_version;
    s.step();
    const int v = static_cast<int>(s.integer(0));
    s.reset();
    return v;
  });
}

core::Result<Ingested> Store::ingest_json(std::string_view text, std::string_view file_name) {
  auto run = parse_run_json(text, file_name);
  if (!run) return run.error();
  return ingest(*run);
}

core::Result<Ingested> Store::ingest_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error{"io", fmt::format("cannot read {}: {}", path.string(), std::strerror(errno))};
  std::ostringstream text;
  text << in.rdbuf();
  auto run = parse_run_json(text.str(), path.filename().string());
  if (!run) return core::Error{run.error().kind, fmt::format("{}: {}", path.string(), run.error().message)};
  return ingest(*run);
}

core::Result<Ingested> Store::ingest(const Run& run) {
  try {
    Transaction tx(impl_->db);
    auto out = impl_->ingest_locked(run);
    if (out) tx.commit();
    return out;
  } catch (const SqliteError& e) {
    return core::Error{"sqlite", e.what()};
  }
}

std::vector<core::Result<Ingested>> Store::ingest_many(std::span<const Run> runs) {
  std::vector<core::Result<Ingested>> out;
  out.reserve(runs.size());
  try {
    Transaction tx(impl_->db);
    for (const Run& run : runs) out.push_back(impl_->ingest_locked(run));
    tx.commit();
  } catch (const SqliteError& e) {
    out.assign(runs.size(), core::Error{"sqlite", e.what()});
  }
  return out;
}

const char* to_string(CapacityIngestStatus status) {
  switch (status) {
    case CapacityIngestStatus::kStored: return "stored";
    case CapacityIngestStatus::kReplaced: return "replaced";
    case CapacityIngestStatus::kDuplicate: return "duplicate";
  }
  return "stored";
}

core::Result<std::vector<CapacityIngested>> Store::ingest_capacity(std::span<const CapacityRow> rows) {
  return guarded([&] {
    std::vector<CapacityIngested> out;
    Transaction tx(impl_->db);
    for (const CapacityRow& row : rows) out.push_back(impl_->ingest_capacity_locked(row));
    tx.commit();
    return out;
  });
}

core::Result<std::vector<CapacityIngested>> Store::ingest_capacity_json(std::string_view text, std::string_view suite) {
  auto rows = parse_capacity_json(text, suite);
  if (!rows) return rows.error();
  return ingest_capacity(*rows);
}

core::Result<std::vector<CapacityRow>> Store::capacity_series(std::string_view suite, std::string_view workload) {
  return guarded([&] {
    Statement& s = impl_->capacity_series;
    s.bind(1, suite).bind(2, workload);
    return read_capacity_rows(s);
  });
}

core::Result<std::optional<SessionSummary>> Store::newest_capacity_session(std::string_view suite) {
  return guarded([&] { return newest_of(impl_->newest_capacity_session, suite); });
}

core::Result<std::vector<CapacityRow>> Store::session_capacity(std::string_view suite, std::string_view session_id) {
  return guarded([&] {
    Statement& s = impl_->session_capacity;
    s.bind(1, suite).bind(2, session_id);
    return read_capacity_rows(s);
  });
}

core::Result<std::vector<CapacityRow>> Store::capacity_history(const CapacityRow& row, const SessionSummary& before,
                                                               int limit) {
  return guarded([&] {
    Statement& s = impl_->capacity_history;
    s.bind(1, row.suite).bind(2, row.workload).bind(3, row.key).bind(4, row.slo).bind(5, row.goodput);
    s.bind(6, before.session_time).bind(7, before.session_id).bind(8, limit);
    return read_capacity_rows(s);
  });
}

core::Result<std::vector<std::string>> Store::capacity_suites() {
  return guarded([&] {
    std::vector<std::string> out;
    Statement& s = impl_->capacity_suites;
    while (s.step()) out.push_back(s.text(0));
    s.reset();
    return out;
  });
}

core::Result<std::vector<SuiteSummary>> Store::suites() {
  return guarded([&] {
    std::vector<SuiteSummary> out;
    Statement& s = impl_->suites;
    while (s.step()) out.push_back({s.text(0), s.integer(1), s.integer(2), s.integer(3)});
    s.reset();
    return out;
  });
}

core::Result<std::vector<WorkloadSummary>> Store::workloads(std::string_view suite) {
  return guarded([&] {
    std::vector<WorkloadSummary> out;
    Statement& s = impl_->workloads;
    s.bind(1, suite);
    while (s.step()) out.push_back({s.text(0), s.integer(1), s.integer(2)});
    s.reset();
    return out;
  });
}

core::Result<std::vector<SessionSummary>> Store::sessions(std::string_view suite, std::string_view workload) {
  return guarded([&] {
    std::vector<SessionSummary> out;
    Statement& s = impl_->sessions;
    s.bind(1, suite).bind(2, workload);
    while (s.step()) out.push_back(read_session(s));
    s.reset();
    return out;
  });
}

core::Result<std::vector<std::string>> Store::keys(std::string_view suite, std::string_view workload) {
  return guarded([&] {
    std::vector<std::string> out;
    Statement& s = impl_->keys;
    s.bind(1, suite).bind(2, workload);
    while (s.step()) out.push_back(s.text(0));
    s.reset();
    return out;
  });
}

core::Result<std::vector<double>> Store::qps_values(std::string_view suite, std::string_view workload) {
  return guarded([&] {
    std::vector<double> out;
    Statement& s = impl_->qps_values;
    s.bind(1, suite).bind(2, workload);
    while (s.step()) out.push_back(s.real(0));
    s.reset();
    return out;
  });
}

core::Result<std::vector<Point>> Store::metric_vs_qps(std::string_view suite, std::string_view workload,
                                                      std::string_view session_id, Metric metric,
                                                      bool include_interrupted) {
  return guarded([&] {
    Statement& s = impl_->vs_qps(metric);
    s.bind(1, suite).bind(2, workload).bind(3, session_id).bind(4, include_interrupted ? 1 : 0);
    return collapse_trials(read_points(s));
  });
}

core::Result<std::vector<Point>> Store::metric_over_time(std::string_view suite, std::string_view workload,
                                                         double qps, Metric metric, bool include_interrupted) {
  return guarded([&] {
    Statement& s = impl_->over_time(metric);
    s.bind(1, suite).bind(2, workload).bind(3, qps).bind(4, include_interrupted ? 1 : 0);
    return collapse_trials(read_points(s));
  });
}

core::Result<std::optional<std::string>> Store::run_json(std::int64_t id) {
  return guarded([&] {
    Statement& s = impl_->run_json;
    s.bind(1, id);
    std::optional<std::string> out;
    if (s.step()) out = s.text(0);
    s.reset();
    return out;
  });
}

core::Result<std::optional<SessionSummary>> Store::newest_session(std::string_view suite) {
  return guarded([&] { return newest_of(impl_->newest_session, suite); });
}

core::Result<std::vector<StoredRun>> Store::session_runs(std::string_view suite, std::string_view session_id) {
  return guarded([&] {
    std::vector<StoredRun> out;
    Statement& s = impl_->session_runs;
    s.bind(1, suite).bind(2, session_id);
    while (s.step()) out.push_back(read_run_row(s));
    s.reset();
    return out;
  });
}

core::Result<std::vector<StoredRun>> Store::history(const Run& point, const SessionSummary& before, int limit) {
  return guarded([&] {
    std::vector<StoredRun> out;
    Statement& s = impl_->history;
    s.bind(1, point.suite).bind(2, point.workload).bind(3, point.qps).bind(4, point.key);
    s.bind(5, before.session_time).bind(6, before.session_id).bind(7, limit);
    std::vector<StoredRun> rows;
    while (s.step()) rows.push_back(read_run_row(s));
    s.reset();
    // Rows come session by session, newest first within each: one value per session.
    std::size_t begin = 0;
    while (begin < rows.size()) {
      std::size_t end = begin + 1;
      while (end < rows.size() && rows[end].run.session_id == rows[begin].run.session_id) ++end;
      std::vector<int> indices;
      for (std::size_t i = begin; i < end; ++i) indices.push_back(rows[i].run.trial_index);
      std::vector<const Run*> members;
      std::int64_t id = 0;
      for (std::size_t i : point_members(indices)) {
        if (members.empty()) id = rows[begin + i].id;
        members.push_back(&rows[begin + i].run);
      }
      out.push_back(StoredRun{id, combine_trials(members)});
      begin = end;
    }
    return out;
  });
}

}  // namespace lmbench::store
