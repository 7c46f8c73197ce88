#pragma once
// A run JSON: `<results>/<Name>/{KEY}_{WORKLOAD}_{QPS}_{YYYYMMDD-HHMM}.json` (LMBENCH-FORMAT.md
// "Artifacts"). Written by the suite after each run, read back by reports, the store and the
// dashboard. Files written by the original Python LMBench load too (no session id, no key).

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace lmbench::metrics {

struct RunFile {
  std::string name;        // the suite's Name
  std::string session_id;  // "lmbench-<unix s>-<hex>"; empty in the original's files
  std::string timestamp;   // "YYYYMMDD-HHMM"
  // The baseline KEY. lmbench writes it into the JSON ("key"); for the original's files it is
  // recovered from the file name when read (see key_from_file_name).
  std::string key;
  nlohmann::ordered_json results = nlohmann::ordered_json::object();   // metrics/summary_json.h
  nlohmann::ordered_json infra = nlohmann::ordered_json::object();
  nlohmann::ordered_json serving = nlohmann::ordered_json::object();   // {baseline_type, config}
  nlohmann::ordered_json workload = nlohmann::ordered_json::object();  // {WORKLOAD, QPS, every key}
  // lmbench's own top-level fields, written after the original's and kept as read: "status",
  // "interrupted", "prompt_salt", "validity", ... (the README's run JSON section lists them).
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  std::filesystem::path path;  // where it was read from; empty when built in memory

  // workload["WORKLOAD"], or "" when missing.
  std::string workload_name() const;
  // workload["QPS"] when it is a number.
  std::optional<double> qps() const;
  // results is the {"error", "message"} shape: nothing succeeded.
  bool failed() const;
  // Ctrl-C stopped the run before its end ("interrupted": true).
  bool interrupted() const;
  // The run's verdict on its own numbers ("validity"."verdict": valid | suspect | invalid), ""
  // for runs written before lmbench judged them; and its reasons.
  std::string verdict() const;
  // How many worker processes sent the run's load (extra "workers".count; 1 without the block).
  int workers() const;
  std::vector<std::string> validity_reasons() const;
  // The name of its line in comparisons: the KEY, or "KEY (synthetic-1)" for a run of a second
  // config of the same workload at the same rate (extra "workload_label").
  std::string series() const;
  // results[metric][stat] (e.g. "ttft_ms", "mean") when present and a number.
  std::optional<double> stat(std::string_view metric, std::string_view stat) const;
};

// Keys in the order of LMBENCH-FORMAT.md, with "key" after "timestamp", then `extra`'s.
nlohmann::ordered_json to_json(const RunFile& run);

// "{KEY}_{WORKLOAD}_{QPS}_{TIMESTAMP}.json". `qps` is printed as JSON prints it (1, 0.7, 2.0),
// which is how the original's Python printed the value it read from YAML.
std::string run_file_name(const RunFile& run);

// Writes the run JSON (2-space indent, as the original's json.dump(indent=2)) atomically.
void write_run_file(const std::filesystem::path& path, const RunFile& run);

// Parses a run JSON. `origin` names the input in errors. A missing "key" field is recovered from
// `origin`'s file name. Errors (not JSON, not an object, missing "results"/"workload") are values.
core::Result<RunFile> parse_run_file(std::string_view text, const std::filesystem::path& origin);
core::Result<RunFile> read_run_file(const std::filesystem::path& path);

// KEY from a file name stem "{KEY}_{WORKLOAD}_{QPS}_{YYYYMMDD-HHMM}" given WORKLOAD. KEYs and
// workloads may contain underscores (helm_routing_4, trace_replayer); QPS may not. Returns
// std::nullopt when the stem does not have that shape.
std::optional<std::string> key_from_file_name(std::string_view stem, std::string_view workload);

}  // namespace lmbench::metrics
