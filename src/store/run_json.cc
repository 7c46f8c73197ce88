#include "store/run_json.h"

#include <fmt/format.h>

#include <cctype>
#include <ctime>
#include <optional>
#include <string>
#include <nlohmann/json.hpp>

#include "store/baseline_key.h"

namespace lmbench::store {

namespace {

using nlohmann::json;

// Thrown inside this file only; parse_run_json turns it into a core::Error.
struct SchemaError {
  std::string message;
};

std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return fmt::format("a boolean ({})", v.get<bool>());
    case json::value_t::string: {
      std::string s = v.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 40) + "...";
      return fmt::format("a string ({})", json(s).dump());
    }
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::discarded: return "nothing";
    default: return fmt::format("a number ({})", v.dump());
  }
}

[[noreturn]] void fail(const std::string& path, std::string_view expected, const json* found) {
  if (found == nullptr) throw SchemaError{fmt::format("{}: missing (expected {})", path, expected)};
  throw SchemaError{fmt::format("{}: expected {}, found {}", path, expected, describe(*found))};
}

std::string join(const std::string& parent, std::string_view field) {
  return parent.empty() ? std::string(field) : parent + "." + std::string(field);
}

const json* find(const json& obj, std::string_view field) {
  const auto it = obj.find(field);
  return it == obj.end() ? nullptr : &*it;
}

const json& require_object(const json& obj, const std::string& parent, std::string_view field) {
  const json* v = find(obj, field);
  if (v == nullptr || !v->is_object()) fail(join(parent, field), "an object", v);
  return *v;
}

std::string require_string(const json& obj, const std::string& parent, std::string_view field) {
  const json* v = find(obj, field);
  if (v == nullptr || !v->is_string() || v->get_ref<const std::string&>().empty()) {
    fail(join(parent, field), "a non-empty string", v);
  }
  return v->get<std::string>();
}

// A number >= 0, or null/absent when `optional`.
std::optional<double> number(const json& obj, const std::string& parent, std::string_view field, bool optional) {
  const json* v = find(obj, field);
  if ((v == nullptr && optional) || (v != nullptr && v->is_null())) return std::nullopt;
  if (v == nullptr || !v->is_number()) fail(join(parent, field), "a number", v);
  const double d = v->get<double>();
  if (d < 0) fail(join(parent, field), "a number >= 0", v);
  return d;
}

}  // namespace

bool is_timestamp(std::string_view s) {
  if (s.size() != 13 || s[8] != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// Unix seconds of "lmbench-<seconds>-<8 hex>", else of the timestamp read as UTC.
std::int64_t session_time_of(const std::string& session_id, const std::string& timestamp) {
  constexpr std::string_view kPrefix = "lmbench-";
  if (session_id.starts_with(kPrefix)) {
    const auto dash = session_id.find('-', kPrefix.size());
    // At most 12 digits of seconds: no overflow, and anything longer is not a session id of ours.
    if (dash != std::string::npos && dash > kPrefix.size() && dash - kPrefix.size() <= 12) {
      std::int64_t secs = 0;
      bool digits = true;
      for (std::size_t i = kPrefix.size(); i < dash; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(session_id[i]))) digits = false;
        else secs = secs * 10 + (session_id[i] - '0');
      }
      if (digits) return secs;
    }
  }
  std::tm tm{};
  tm.tm_year = std::stoi(timestamp.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(timestamp.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(timestamp.substr(6, 2));
  tm.tm_hour = std::stoi(timestamp.substr(9, 2));
  tm.tm_min = std::stoi(timestamp.substr(11, 2));
  return static_cast<std::int64_t>(timegm(&tm));
}

namespace {

void read_lmbench_results(const json& results, Run& run) {
  const std::string p = "results";
  const json* n = find(results, "successful_requests");
  if (n == nullptr || !n->is_number() || n->get<double>() < 0) fail(p + ".successful_requests", "a count >= 0", n);
  run.successful_requests = static_cast<std::int64_t>(n->get<double>());
  run.duration_s = number(results, p, "benchmark_duration_s", true);
  at(run.metrics, Metric::kRequestThroughput) = number(results, p, "request_throughput_req_per_s", false);
  at(run.metrics, Metric::kOutputThroughput) = number(results, p, "output_token_throughput_tok_per_s", false);
  at(run.metrics, Metric::kInputThroughput) = number(results, p, "input_token_throughput_tok_per_s", true);
  at(run.metrics, Metric::kTotalThroughput) = number(results, p, "total_token_throughput_tok_per_s", true);
  struct Group {
    const char* field;
    Metric mean, p50, p99;
  };
  for (const Group& g : {Group{"ttft_ms", Metric::kTtftMean, Metric::kTtftP50, Metric::kTtftP99},
                         Group{"tpot_ms", Metric::kTpotMean, Metric::kTpotP50, Metric::kTpotP99},
                         Group{"itl_ms", Metric::kItlMean, Metric::kItlP50, Metric::kItlP99}}) {
    const json& stats = require_object(results, p, g.field);
    const std::string sp = join(p, g.field);
    at(run.metrics, g.mean) = number(stats, sp, "mean", false);
    at(run.metrics, g.p50) = number(stats, sp, "median", false);
    at(run.metrics, g.p99) = number(stats, sp, "p99", false);
  }
}

// The original writes this flat layout for its vllm_* workloads (benchmark_serving's names).
void read_vllm_results(const json& results, Run& run) {
  const std::string p = "results";
  const json* n = find(results, "successful_requests");
  if (n == nullptr || !n->is_number() || n->get<double>() < 0) fail(p + ".successful_requests", "a count >= 0", n);
  run.successful_requests = static_cast<std::int64_t>(n->get<double>());
  run.duration_s = number(results, p, "duration", true);
  at(run.metrics, Metric::kRequestThroughput) = number(results, p, "request_throughput", false);
  at(run.metrics, Metric::kOutputThroughput) = number(results, p, "output_token_throughput", false);
  at(run.metrics, Metric::kTotalThroughput) = number(results, p, "total_token_throughput", true);
  at(run.metrics, Metric::kTtftMean) = number(results, p, "mean_ttft_ms", false);
  at(run.metrics, Metric::kTtftP50) = number(results, p, "median_ttft_ms", false);
  at(run.metrics, Metric::kTtftP99) = number(results, p, "p99_ttft_ms", false);
  at(run.metrics, Metric::kTpotMean) = number(results, p, "mean_tpot_ms", false);
  at(run.metrics, Metric::kTpotP50) = number(results, p, "median_tpot_ms", false);
  at(run.metrics, Metric::kTpotP99) = number(results, p, "p99_tpot_ms", false);
  at(run.metrics, Metric::kItlMean) = number(results, p, "mean_itl_ms", false);
  at(run.metrics, Metric::kItlP50) = number(results, p, "median_itl_ms", false);
  at(run.metrics, Metric::kItlP99) = number(results, p, "p99_itl_ms", false);
}

void read_results(const json& doc, Run& run) {
  const json& results = require_object(doc, "", "results");
  if (const json* err = find(results, "error"); err != nullptr) {
    if (!err->is_string()) fail("results.error", "a string", err);
    run.ok = false;
    run.error = err->get<std::string>();
    if (const json* msg = find(results, "message"); msg != nullptr && msg->is_string()) {
      run.error += ": " + msg->get<std::string>();
    }
    return;
  }
  run.ok = true;
  if (find(results, "ttft_ms") != nullptr) {
    read_lmbench_results(results, run);
  } else if (find(results, "mean_ttft_ms") != nullptr) {
    read_vllm_results(results, run);
  } else {
    throw SchemaError{
        "results: expected the LMBench summary (ttft_ms, tpot_ms, itl_ms, successful_requests, ...), "
        "the vLLM-benchmark layout (mean_ttft_ms, ...), or {\"error\": ..., \"message\": ...}"};
  }
}

Run read_run(const json& doc, std::string_view file_name, std::string_view key_hint) {
  if (!doc.is_object()) fail("(document)", "an object", &doc);
  Run run;
  run.suite = require_string(doc, "", "name");
  run.session_id = require_string(doc, "", "lmbench-session-id");
  {
    const json* ts = find(doc, "timestamp");
    if (ts == nullptr || !ts->is_string() || !is_timestamp(ts->get_ref<const std::string&>())) {
      fail("timestamp", "a string \"YYYYMMDD-HHMM\"", ts);
    }
    run.timestamp = ts->get<std::string>();
  }
  const json& workload = require_object(doc, "", "workload");
  run.workload = require_string(workload, "workload", "WORKLOAD");
  run.qps = *number(workload, "workload", "QPS", false);
  for (const char* optional_object : {"infra", "serving"}) {
    const json* v = find(doc, optional_object);
    if (v != nullptr && !v->is_object()) fail(optional_object, "an object", v);
  }
  read_results(doc, run);
  if (const json* key = find(doc, "key"); key != nullptr) {
    run.key = require_string(doc, "", "key");
  } else if (!key_hint.empty()) {
    run.key = std::string(key_hint);
  } else if (auto from_name = key_from_file_name(file_name, run.workload)) {
    run.key = *from_name;
  } else if (const json* serving = find(doc, "serving"); serving != nullptr && key_from_serving(*serving)) {
    run.key = *key_from_serving(*serving);
  } else {
    throw SchemaError{fmt::format(
        "key: missing, and it cannot be derived: give the run a \"key\" field, name its file "
        "{{KEY}}_{}_{{QPS}}_{{YYYYMMDD-HHMM}}.json, or describe the baseline in serving.baseline_type "
        "and serving.config",
        run.workload)};
  }
  if (const json* v = find(doc, "interrupted"); v != nullptr) {
    if (!v->is_boolean()) fail("interrupted", "a boolean", v);
    run.interrupted = v->get<bool>();
  }
  if (const json* v = find(doc, "validity"); v != nullptr) {
    if (!v->is_object()) fail("validity", "an object", v);
    const json* verdict = find(*v, "verdict");
    if (verdict == nullptr || !verdict->is_string() ||
        (*verdict != "valid" && *verdict != "suspect" && *verdict != "invalid")) {
      fail("validity.verdict", "\"valid\", \"suspect\" or \"invalid\"", verdict);
    }
    run.validity = verdict->get<std::string>();
  }
  // Trials of one point (--repeat) and re-probes of one rate can share the minute of their
  // timestamp: these tell them apart in the run's identity.
  auto index_of = [&](const char* block, const char* field) {
    const json* v = find(doc, block);
    if (v == nullptr || v->is_null()) return 0;
    if (!v->is_object()) fail(block, "an object", v);
    const json* n = find(*v, field);
    const std::string path = std::string(block) + "." + field;
    if (n == nullptr || !n->is_number_integer() || n->get<std::int64_t>() < 1 || n->get<std::int64_t>() > 1000000) {
      fail(path, "a whole number >= 1", n);
    }
    return static_cast<int>(n->get<std::int64_t>());
  };
  run.trial_index = index_of("trial", "index");
  run.trial_count = run.trial_index > 0 ? index_of("trial", "count") : 0;
  run.probe_index = index_of("capacity_probe", "index");
  run.session_time = session_time_of(run.session_id, run.timestamp);
  return run;
}

}  // namespace

// Brackets inside strings do not count.
std::optional<std::string> too_deep_at(std::string_view text, int max_depth) {
  int depth = 0;
  int line = 1;
  std::size_t line_start = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
    }
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return fmt::format("line {}, column {}", line, i - line_start + 1);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

core::Result<nlohmann::json> parse_uploaded_json(std::string_view text) {
  if (const auto at = too_deep_at(text, kMaxJsonDepth)) {
    return core::Error{"json", fmt::format("arrays and objects nested deeper than {} levels at {}", kMaxJsonDepth, *at)};
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line L, column C: ..."
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    return core::Error{"json", "not valid JSON: " + what};
  }
}

core::Result<Run> parse_run_json(std::string_view text, std::string_view file_name, std::string_view key_hint) {
  auto parsed = parse_uploaded_json(text);
  if (!parsed) return parsed.error();
  const json& doc = *parsed;
  try {
    Run run = read_run(doc, file_name, key_hint);
    run.json = std::string(text);
    return run;
  } catch (const SchemaError& e) {
    return core::Error{"schema", e.message};
  }
}

}  // namespace lmbench::store
