#pragma once
// Validation of a run JSON against the run-JSON schema (LMBENCH-FORMAT.md "Artifacts"), and the
// extraction of the columns the store indexes. The dashboard's POST /upload and `lmbench
// regress --results` both come through here, so a rejected upload names the field at fault:
// "results.ttft_ms.p99: expected a number, found a string (\"fast\")".
//
// Accepted:
//   name (non-empty string), lmbench-session-id (non-empty string), timestamp ("YYYYMMDD-HHMM"),
//   workload {WORKLOAD: non-empty string, QPS: number >= 0, ...}, infra and serving (objects, optional),
//   key (string, optional: otherwise from the file name, otherwise from serving),
//   results, one of:
//     {"error": string, "message": ...}                       a run where nothing succeeded
//     the LMBench summary: successful_requests, request_throughput_req_per_s,
//       output_token_throughput_tok_per_s, ttft_ms/tpot_ms/itl_ms {mean, median, p99}; optional
//       benchmark_duration_s, input_/total_token_throughput_tok_per_s
//     the original's vLLM-benchmark layout: mean_ttft_ms, median_ttft_ms, p99_ttft_ms (same for
//       tpot, itl), request_throughput, output_token_throughput, successful_requests; optional
//       duration, total_token_throughput
//   trial {index, count} (optional: `lmbench run --repeat`), capacity_probe {index, ...} (optional: a
//     capacity search's probe): whole numbers >= 1; they are part of the run's identity.
//   A metric given as null counts as not reported. Unknown fields are kept (the JSON is stored whole).

#include <cstdint>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/run.h"

namespace lmbench::store {

// How deep arrays and objects may nest in a run JSON (a real one nests about 8 levels). Deeper
// documents are refused before they are parsed: comparing or printing one recurses per level,
// and a few megabytes of "[[[[..." under an ignored key would overflow the stack of the
// dashboard that stored it when the same run is uploaded again.
inline constexpr int kMaxJsonDepth = 64;

// `file_name` is the artifact's file name when known (used only to derive a missing key).
// `key_hint`, when not empty, is the key for a document without a "key" field (the store passes
// the key column it already holds when it re-reads stored runs during a migration).
// Errors: kind "json" (not JSON, or arrays and objects nested deeper than kMaxJsonDepth; the
// message has line and column) or "schema" (the message names the field, what was expected and
// what was found).
core::Result<Run> parse_run_json(std::string_view text, std::string_view file_name = {},
                                 std::string_view key_hint = {});

// "YYYYMMDD-HHMM".
bool is_timestamp(std::string_view s);
// Run::session_time's rule: Unix seconds of "lmbench-<seconds>-<hex>", else `timestamp` (which
// must satisfy is_timestamp) read as UTC.
std::int64_t session_time_of(const std::string& session_id, const std::string& timestamp);

// Whether `text`, a JSON document, nests arrays and objects deeper than `max_depth`: "line L,
// column C" of the first place it does. A linear scan, before any recursive parse.
std::optional<std::string> too_deep_at(std::string_view text, int max_depth);

// `text` parsed as an uploaded document is: refused when it nests deeper than kMaxJsonDepth, and
// a parse error without nlohmann's "[json.exception...]" prefix. Errors of kind "json".
core::Result<nlohmann::json> parse_uploaded_json(std::string_view text);

}  // namespace lmbench::store
