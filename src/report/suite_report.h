#pragma once
// Regenerates a suite's report files from the run JSONs in its folder: for every workload,
// {WORKLOAD}_comparison.json, {WORKLOAD}_comparison.png and {WORKLOAD}_verdicts.json; for every
// {WORKLOAD}_capacity.json the capacity search left there, {WORKLOAD}_capacity.png; then
// report.html. `lmbench report DIR` calls it, and the suite calls it after each spec.

#include <filesystem>
#include <vector>

#include "report/comparison.h"

namespace lmbench::report {

struct ReportOutcome {
  std::vector<std::filesystem::path> written;  // in the order written
  Notes notes;                                 // runs skipped and why
  std::size_t suites = 0;
  std::size_t runs = 0;                        // run JSONs read
};

// One suite folder. Writes nothing when the folder holds no run JSONs.
ReportOutcome generate_suite_report(const std::filesystem::path& suite_dir);

// `dir` is a suite folder (it holds run JSONs) or a results root whose sub-folders are suites.
// Throws core::ConfigError when `dir` is not a folder or no run JSON is found in either shape.
ReportOutcome generate_reports(const std::filesystem::path& dir);

}  // namespace lmbench::report
