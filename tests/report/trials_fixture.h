#pragma once
// Run JSONs made in the test, as `lmbench run --repeat N` writes them: one per trial, each with
// "trial": {"index", "count"} beside its session id.

#include <filesystem>
#include <optional>
#include <string>

#include "metrics/run_file.h"

namespace lmbench::report::testing {

struct TrialFigures {
  double ttft_mean = 100;
  double itl_mean = 10;
  double tpot_mean = 20;
  double ttft_p99 = 300;
  double output_tok_per_s = 1000;
};

// A run of `key` at `qps` of workload "synthetic". `trial` 0: no trial block.
metrics::RunFile make_run(const std::string& key, double qps, const std::string& session, const std::string& timestamp,
                          int trial, int count, const TrialFigures& figures);

// Writes it under its run file name in `dir`, returns the path.
std::filesystem::path write_run(const std::filesystem::path& dir, const metrics::RunFile& run);

// A fresh empty folder <tmp>/lmbench_trials_<name>_<pid>/trials-suite.
std::filesystem::path empty_suite(const std::string& name);

}  // namespace lmbench::report::testing
