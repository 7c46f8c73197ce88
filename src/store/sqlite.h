#pragma once
// Small RAII wrappers over SQLite's C API. Internal to src/store/: every failure throws
// SqliteError, and every public Store method catches it and returns a core::Error, so no
// exception crosses the store's interface (STYLE.md "Errors").

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lmbench::store {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// One prepared statement. Bind indexes are 1-based, column indexes 0-based (as in SQLite).
// reset() clears the bindings, so a cached statement is always rebound before use.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, const std::optional<double>& value);
  Statement& bind_null(int index);

  // Advances one row: true while a row is available, false when done.
  bool step();
  // Runs a statement that returns no rows (INSERT, UPDATE, DDL) to completion.
  void run();
  void reset();

  bool is_null(int column) const;
  std::string text(int column) const;
  double real(int column) const;
  std::int64_t integer(int column) const;
  std::optional<double> optional_real(int column) const;

 private:
  [[noreturn]] void fail(int rc) const;
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

// One connection. Not thread-safe: use one Database per thread (opened with SQLITE_OPEN_NOMUTEX);
// WAL lets connections in several threads or processes read while one writes.
class Database {
 public:
  // Opens (creating when absent) the file, enables WAL and foreign keys, sets the busy timeout.
  // ":memory:" opens a private in-memory database.
  Database(const std::string& path, int busy_timeout_ms);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // For fixed SQL only (schema, pragmas, transactions). Never with data in the text.
  void exec(const char* sql);
  Statement prepare(std::string_view sql) const { return Statement(db_, sql); }
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int user_version();
  void set_user_version(int version);
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit() ran. IMMEDIATE takes
// the write lock up front, so a concurrent writer waits in the busy handler instead of failing
// with SQLITE_BUSY half-way through the transaction.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace lmbench::store
