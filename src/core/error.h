#pragma once
// Errors. Expected failures are values (Result<T>, or a failed RequestRecord); exceptions are for
// configuration and usage errors and are caught once, in main (STYLE.md "Errors").

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace lmbench::core {

// Where in a user's file something went wrong. line and column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

// "file:line:column: message" (parts that are unknown are left out).
std::string format_location(const SourceLocation& where);

// A configuration or usage error a user must fix. what() is the full one-line message, e.g.
// "specs/a.yaml:4:5: Workload.LMCacheSynthetic[0].QPS: expected a list of positive numbers, found 'fast'".
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message) : std::runtime_error(message) {}
  ConfigError(const SourceLocation& where, const std::string& message)
      : std::runtime_error(format_location(where) + ": " + message), where_(where) {}
  const SourceLocation& where() const { return where_; }

 private:
  SourceLocation where_;
};

// An expected failure carried as a value.
struct Error {
  std::string kind;     // short machine-readable class, e.g. "connect", "timeout", "http_500"
  std::string message;  // one line for a human
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose, like std::expected
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace lmbench::core
