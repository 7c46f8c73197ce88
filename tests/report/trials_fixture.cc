#include "trials_fixture.h"

#include <unistd.h>

namespace lmbench::report::testing {

namespace fs = std::filesystem;

metrics::RunFile make_run(const std::string& key, double qps, const std::string& session, const std::string& timestamp,
                          int trial, int count, const TrialFigures& f) {
  metrics::RunFile run;
  run.name = "trials-suite";
  run.session_id = session;
  run.timestamp = timestamp;
  run.key = key;
  run.results = {{"successful_requests", 100},
                 {"benchmark_duration_s", 100.0},
                 {"total_input_tokens", 10000},
                 {"total_generated_tokens", 10000},
                 {"request_throughput_req_per_s", qps},
                 {"output_token_throughput_tok_per_s", f.output_tok_per_s},
                 {"input_token_throughput_tok_per_s", 100.0},
                 {"total_token_throughput_tok_per_s", 100.0 + f.output_tok_per_s},
                 {"ttft_ms", {{"mean", f.ttft_mean}, {"median", f.ttft_mean}, {"p99", f.ttft_p99}}},
                 {"tpot_ms", {{"mean", f.tpot_mean}, {"median", f.tpot_mean}, {"p99", f.tpot_mean * 2}}},
                 {"itl_ms", {{"mean", f.itl_mean}, {"median", f.itl_mean}, {"p99", f.itl_mean * 2}}}};
  run.infra = {{"Location", "Simulated"}};
  run.serving = {{"baseline_type", "Flat"}, {"config", nlohmann::ordered_json::object()}};
  run.workload = {{"WORKLOAD", "synthetic"}, {"QPS", qps}};
  if (trial > 0) run.extra["trial"] = {{"index", trial}, {"count", count}};
  return run;
}

fs::path write_run(const fs::path& dir, const metrics::RunFile& run) {
  const fs::path path = dir / metrics::run_file_name(run);
  metrics::write_run_file(path, run);
  return path;
}

fs::path empty_suite(const std::string& name) {
  const fs::path root = fs::temp_directory_path() / ("lmbench_trials_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "trials-suite");
  return root / "trials-suite";
}

}  // namespace lmbench::report::testing
