#pragma once
// Artifact names and the per-run result JSON (LMBENCH-FORMAT.md "Artifacts"):
//   <results>/<Name>/{KEY}_{WORKLOAD}_{QPS}_{YYYYMMDD-HHMM}.json  (+ the .csv beside it)
// Every file is written under a temporary name and renamed (core::write_file_atomic), so a crash
// never leaves half a file under its final name.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/run_file.h"
#include "suite/plan.h"

namespace lmbench::suite {

// "{KEY}_{WORKLOAD}_{QPS}_{YYYYMMDD-HHMM}" (no extension).
std::string artifact_stem(const std::string& key, const std::string& workload_name, const std::string& qps_label,
                          const std::string& timestamp);

// The QPS part for a run: its planned label, or the measured rate for Agentic.
// Throws std::logic_error when the run has no label and measured_qps is not given.
std::string qps_label_for(const PlannedRun& run, std::optional<double> measured_qps);

// <results_root>/<suite name>/<stem>.json, .csv and .metrics.csv (the servers' metrics).
// `stem`, or stem + "-2", "-3", ... when a run of the same KEY, workload and QPS already wrote
// its files in the same minute in `suite_dir` (repeated trials, a re-probed rate): no run
// overwrites another's artifacts.
std::string unique_stem(const std::filesystem::path& suite_dir, const std::string& stem);

// --resume: a finished, complete (not interrupted) run JSON in `suite_dir` of the same KEY,
// workload config and rate, if any.
// With `accept`, only a JSON it accepts (e.g. a capacity probe's index) counts.
std::optional<std::filesystem::path> find_done_run(
    const std::filesystem::path& suite_dir, const std::string& key, const PlannedRun& run,
    const config::WorkloadConfig& cfg,
    const std::function<bool(const nlohmann::ordered_json&)>& accept = {});

std::filesystem::path run_json_path(const std::filesystem::path& results_root, const std::string& suite_name,
                                    const std::string& stem);
std::filesystem::path run_csv_path(const std::filesystem::path& results_root, const std::string& suite_name,
                                   const std::string& stem);
std::filesystem::path run_metrics_csv_path(const std::filesystem::path& results_root, const std::string& suite_name,
                                           const std::string& stem);

// Removes secrets from a config object, recursively: keys named like a credential (hf_token,
// *token*, *secret*, *password*, *api_key*/*apikey*, but not apiKeyEnv, which only names a
// variable) and any string that contains one of `secret_values` (e.g. the HF token itself).
nlohmann::ordered_json strip_secrets(const nlohmann::ordered_json& config, const std::vector<std::string>& secret_values);

// The "workload" object: WORKLOAD, QPS (a number: the target rate, or the measured one for
// Agentic; absent for a timed trace replay, which has MODE "timed"), then every key as the user
// wrote it, the swept list replaced by this run's single value under the original's key name.
nlohmann::ordered_json workload_json(const config::WorkloadConfig& workload, const PlannedRun& run,
                                     std::optional<double> measured_qps);

// Writes `run` (metrics::to_json: the original's keys, "key", then lmbench's own) with
// serving.config's secrets stripped, atomically. Throws std::runtime_error naming the path.
void write_run_json(const std::filesystem::path& path, metrics::RunFile run, const std::vector<std::string>& secret_values);

}  // namespace lmbench::suite
