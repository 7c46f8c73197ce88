#include "workloads/trace_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/error.h"
#include "core/files.h"

namespace lmbench::workloads {

namespace {

using Json = nlohmann::json;

long double unit_ns(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSeconds: return 1e9L;
    case TimeUnit::kMilliseconds: return 1e6L;
    case TimeUnit::kMicroseconds: return 1e3L;
    case TimeUnit::kNanoseconds: return 1.0L;
  }
  return 1.0L;
}

std::string shown(const Json& j) {
  std::string s = j.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

// Errors point at the key's first byte in the line (or at column 1 when it is absent).
struct LineParser {
  const std::string& source;
  int line;
  std::string_view text;

  [[noreturn]] void fail(const char* key, const std::string& message) const {
    const std::string quoted = fmt::format("\"{}\"", key);
    const auto at = text.find(quoted);
    const int column = at == std::string_view::npos ? 1 : static_cast<int>(at) + 1;
    throw core::ConfigError(core::SourceLocation{source, line, column}, fmt::format("{}: {}", key, message));
  }

  long double timestamp(const Json& obj) const {
    const auto it = obj.find("timestamp");
    if (it == obj.end()) fail("timestamp", "expected a number, found no such key");
    long double v = 0;
    if (it->is_number_unsigned()) {
      v = static_cast<long double>(it->get<std::uint64_t>());
    } else if (it->is_number_integer()) {
      v = static_cast<long double>(it->get<std::int64_t>());
    } else if (it->is_number_float()) {
      v = it->get<double>();
    } else if (it->is_string()) {
      // Nanosecond epochs overflow a double's exact range, so integer strings are read exactly.
      const auto& s = it->get_ref<const std::string&>();
      std::uint64_t u = 0;
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), u);
      if (ec == std::errc{} && end == s.data() + s.size()) {
        v = static_cast<long double>(u);
      } else {
        char* stop = nullptr;
        v = std::strtold(s.c_str(), &stop);
        if (s.empty() || stop != s.c_str() + s.size()) fail("timestamp", "expected a number, found " + shown(*it));
      }
    } else {
      fail("timestamp", "expected a number, found " + shown(*it));
    }
    if (!std::isfinite(v) || v < 0) fail("timestamp", "expected a non-negative number, found " + shown(*it));
    return v;
  }

  // A token count in [1, max_tokens].
  int token_count(const Json& obj, const char* key, int max_tokens) const {
    const auto it = obj.find(key);
    if (it == obj.end()) fail(key, "expected a positive integer, found no such key");
    const auto too_many = [&] {
      fail(key, fmt::format("expected at most {} tokens (the trace length limit), found {}", max_tokens, shown(*it)));
    };
    if (it->is_number_unsigned()) {
      if (it->get<std::uint64_t>() > static_cast<std::uint64_t>(max_tokens)) too_many();
      if (it->get<std::uint64_t>() >= 1) return static_cast<int>(it->get<std::uint64_t>());
    } else if (it->is_number_float()) {
      const double d = it->get<double>();
      if (d >= 1 && d == std::floor(d)) {
        if (d > max_tokens) too_many();
        return static_cast<int>(d);
      }
    }
    fail(key, "expected a positive integer, found " + shown(*it));
  }

  std::vector<std::uint64_t> hash_ids(const Json& obj) const {
    const auto it = obj.find("hash_ids");
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_array()) fail("hash_ids", "expected a list of non-negative integers, found " + shown(*it));
    std::vector<std::uint64_t> ids;
    ids.reserve(it->size());
    for (const Json& v : *it) {
      if (v.is_number_unsigned()) {
        ids.push_back(v.get<std::uint64_t>());
      } else if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
        ids.push_back(static_cast<std::uint64_t>(v.get<std::int64_t>()));
      } else {
        fail("hash_ids", "expected a list of non-negative integers, found element " + shown(v));
      }
    }
    return ids;
  }
};

}  // namespace

std::string_view to_string(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSeconds: return "s";
    case TimeUnit::kMilliseconds: return "ms";
    case TimeUnit::kMicroseconds: return "us";
    case TimeUnit::kNanoseconds: return "ns";
  }
  return "?";
}

std::optional<TimeUnit> parse_time_unit(std::string_view name) {
  for (TimeUnit u : {TimeUnit::kSeconds, TimeUnit::kMilliseconds, TimeUnit::kMicroseconds, TimeUnit::kNanoseconds}) {
    if (name == to_string(u)) return u;
  }
  return std::nullopt;
}

TimeUnit detect_time_unit(std::span<const long double> timestamps) {
  if (timestamps.empty()) return TimeUnit::kSeconds;
  const auto [lo_it, hi_it] = std::minmax_element(timestamps.begin(), timestamps.end());
  const long double lo = *lo_it;
  const long double span = *hi_it - lo;
  if (lo >= 1e9L) {
    if (lo < 1e11L) return TimeUnit::kSeconds;
    if (lo < 1e14L) return TimeUnit::kMilliseconds;
    if (lo < 1e17L) return TimeUnit::kMicroseconds;
    return TimeUnit::kNanoseconds;
  }
  for (const long double t : timestamps) {
    if (t != std::floor(t)) return TimeUnit::kSeconds;
  }
  if (span <= 0 || timestamps.size() < 2) return TimeUnit::kSeconds;
  constexpr long double kMinRatePerSecond = 1.0L / 20;
  const long double requests = static_cast<long double>(timestamps.size() - 1);
  for (TimeUnit u : {TimeUnit::kSeconds, TimeUnit::kMilliseconds, TimeUnit::kMicroseconds}) {
    const long double seconds = span * unit_ns(u) / 1e9L;
    if (requests / seconds >= kMinRatePerSecond) return u;
  }
  return TimeUnit::kNanoseconds;
}

Trace parse_trace(std::string_view text, const std::string& source, const TraceOptions& options) {
  Trace trace;
  trace.source = source;
  std::vector<long double> stamps;
  int line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    Json obj;
    try {
      obj = Json::parse(line.begin(), line.end());
    } catch (const Json::parse_error& e) {
      const int column = static_cast<int>(std::min<std::size_t>(e.byte == 0 ? 1 : e.byte, line.size() + 1));
      throw core::ConfigError(core::SourceLocation{source, line_no, column},
                              "expected one JSON object per line: " + std::string(e.what()));
    } catch (const Json::exception& e) {
      // A number the parser cannot hold (e.g. 13e9006127: out_of_range), found by fuzzing.
      throw core::ConfigError(core::SourceLocation{source, line_no, 1}, "unreadable JSON line: " + std::string(e.what()));
    }
    if (!obj.is_object()) {
      throw core::ConfigError(core::SourceLocation{source, line_no, 1},
                              "expected a JSON object {\"timestamp\", \"input_length\", \"output_length\", \"hash_ids\"}, found " +
                                  shown(obj));
    }
    const LineParser p{source, line_no, line};
    stamps.push_back(p.timestamp(obj));
    TraceEntry e;
    e.input_length = p.token_count(obj, "input_length", options.max_tokens);
    e.output_length = p.token_count(obj, "output_length", options.max_tokens);
    e.hash_ids = p.hash_ids(obj);
    e.line = line_no;
    trace.entries.push_back(std::move(e));
  }
  if (trace.entries.empty()) {
    throw core::ConfigError(core::SourceLocation{source, 0, 0}, "expected at least one request line, found none");
  }

  trace.unit_detected = !options.unit.has_value();
  trace.unit = options.unit ? *options.unit : detect_time_unit(stamps);
  const long double lo = *std::min_element(stamps.begin(), stamps.end());
  const long double scale = unit_ns(trace.unit);
  for (std::size_t i = 0; i < stamps.size(); ++i) {
    const long double ns = std::round((stamps[i] - lo) * scale);
    if (ns > static_cast<long double>(std::numeric_limits<core::Duration::rep>::max())) {
      throw core::ConfigError(core::SourceLocation{source, trace.entries[i].line, 1},
                              fmt::format("timestamp: {} {} after the first request is too far to replay",
                                          static_cast<double>(stamps[i] - lo), to_string(trace.unit)));
    }
    trace.entries[i].offset = core::Duration{static_cast<core::Duration::rep>(ns)};
  }
  trace.was_sorted = std::is_sorted(stamps.begin(), stamps.end());
  if (!trace.was_sorted) {
    std::stable_sort(trace.entries.begin(), trace.entries.end(),
                     [](const TraceEntry& a, const TraceEntry& b) { return a.offset < b.offset; });
  }
  return trace;
}

Trace read_trace(const std::filesystem::path& path, const TraceOptions& options) {
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const std::exception& e) {
    throw core::ConfigError(std::string("trace: ") + e.what());
  }
  return parse_trace(text, path.string(), options);
}

}  // namespace lmbench::workloads
