#pragma once
// A capacity file ({WORKLOAD}_capacity.json, written by `lmbench run`'s capacity search; layout in
// README "Capacity at an SLO") read as the store keeps it: one row per baseline. The file names no
// suite (it lives in the suite's folder), so the suite comes from its "name" field when it has one,
// else from the uploader (the folder name, or a probe run's "name").
//
// A document is a capacity file when it is a JSON object with a "baselines" object and a
// "workload" string and no "results" (a run JSON always has "results"): uploads are told apart by
// content, not by file name.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace lmbench::store {

// One baseline's search result.
struct CapacityRow {
  std::int64_t id = 0;  // the stored row; 0 before it is stored
  std::string suite;
  std::string session_id;       // baselines.<KEY>.session_id
  std::int64_t session_time = 0;  // as Run::session_time (the session's runs' time once stored)
  std::string timestamp;        // baselines.<KEY>.timestamp, "YYYYMMDD-HHMM"
  std::string workload;         // the file's "workload": the workload label ("synthetic", "synthetic-1")
  std::string key;              // the baseline KEY
  std::string status;           // found | at_max | below_min | interrupted | failed
  std::optional<double> capacity;  // null for below_min, and for searches that ended without one
  std::optional<double> lower;     // the bracket: highest passing rate ...
  std::optional<double> upper;     // ... and lowest failing one
  std::string unit = "req/s";
  std::string rate_key = "QPS";
  // The SLO as compact JSON with sorted keys ({"tpot_ms":100,"ttft_ms":2000}): capacities are
  // compared only under the same SLO text and goodput target.
  std::string slo = "{}";
  std::optional<double> goodput;  // the target share
  std::optional<double> precision;
  std::optional<double> precision_reached;
  std::optional<double> min_qps;
  std::optional<double> max_qps;
  std::string entry;  // baselines.<KEY> as compact JSON (probes and all)

  // found and at_max carry a capacity a later session can be compared with.
  bool has_capacity() const { return capacity.has_value() && (status == "found" || status == "at_max"); }
  // interrupted and failed searches say nothing about the setup: never judged, never history.
  bool inconclusive() const { return status != "found" && status != "at_max" && status != "below_min"; }
};

bool is_capacity_document(const nlohmann::json& doc);
// The same test on text (false for text that is not JSON or nests deeper than kMaxJsonDepth).
bool is_capacity_json(std::string_view text);

// One row per baseline, sorted by KEY. `suite` is used when the document has no "name". Errors:
// kind "json" (not JSON, too deep) or "schema" (the message names the field: "baselines.vllm.
// session_id: expected a non-empty string, found null").
core::Result<std::vector<CapacityRow>> parse_capacity_json(std::string_view text, std::string_view suite = {});

// The suite of a capacity file on disk, for uploaders: its "name" field; else the "name" of the
// first of its probes' run JSONs found beside it; else the name of its folder (lmbench writes a
// suite to <results>/<suite name>/). "" when `text` is not a capacity file.
std::string capacity_file_suite(const std::filesystem::path& file, std::string_view text);

}  // namespace lmbench::store
