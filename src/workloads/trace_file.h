#pragma once
// Request traces in the Mooncake JSONL format, one request per line:
//   {"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2, ...]}
// Timestamps may be in s, ms, us or ns (detected unless given), absolute (Unix epoch) or relative,
// integers, floats or strings holding a number, and lines need not be in time order. hash_ids
// (optional) name the prompt's blocks: requests sharing leading ids share a prompt prefix.
// Pure parsing: the TraceReplayer workload and `lmbench trace stats` both start here.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace lmbench::workloads {

enum class TimeUnit { kSeconds, kMilliseconds, kMicroseconds, kNanoseconds };

// "s", "ms", "us", "ns".
std::string_view to_string(TimeUnit unit);
// Accepts the names above; nullopt otherwise.
std::optional<TimeUnit> parse_time_unit(std::string_view name);

struct TraceEntry {
  core::Duration offset{};  // since the earliest timestamp of the trace
  int input_length = 0;     // prompt tokens, >= 1
  int output_length = 0;    // answer tokens, >= 1
  std::vector<std::uint64_t> hash_ids;
  int line = 0;             // 1-based line in the file, for messages
};

struct Trace {
  std::string source;          // file name, for messages
  TimeUnit unit = TimeUnit::kSeconds;
  bool unit_detected = true;   // false when the caller named the unit
  bool was_sorted = true;      // the file was already in time order
  std::vector<TraceEntry> entries;  // by offset; equal timestamps keep file order

  // From the first request to the last.
  core::Duration duration() const { return entries.empty() ? core::Duration{} : entries.back().offset; }
};

// The longest input_length or output_length a trace may ask for. A replay synthesizes every
// prompt it sends, so {"input_length": 2147483647} would otherwise be an out-of-memory; the
// longest context of any model served today is well below it.
inline constexpr int kMaxTraceTokens = 1 << 20;

struct TraceOptions {
  std::optional<TimeUnit> unit;  // nullopt: detect (detect_time_unit)
  int max_tokens = kMaxTraceTokens;  // input_length and output_length above it are errors
};

// Throws core::ConfigError "file:line:column: key: expected ..., found ..." on the first bad line,
// and when the file cannot be read or holds no request. Blank lines are skipped; keys other than
// the four above are ignored (traces carry extra fields).
Trace read_trace(const std::filesystem::path& path, const TraceOptions& options = {});
Trace parse_trace(std::string_view text, const std::string& source, const TraceOptions& options = {});

// The unit of raw timestamps, by these rules in order:
//  1. absolute: the earliest value is at least 1e9 → read as a Unix time in the unit that puts it
//     after 2001 (s below 1e11, ms below 1e14, us below 1e17, else ns);
//  2. any value with a fractional part → s;
//  3. integers: the coarsest unit in which the mean rate is at least one request per 20 s
//     (Mooncake's trace, 12k requests over 3.5e6, is ms: 3.4 req/s, not 0.0034).
// Rule 3 misreads a sparse integer-second trace as ms; name the unit then.
TimeUnit detect_time_unit(std::span<const long double> timestamps);

}  // namespace lmbench::workloads
