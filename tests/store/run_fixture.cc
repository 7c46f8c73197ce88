#include "store/run_fixture.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>

namespace lmbench::store::testing {

std::string session_id_for(std::int64_t secs) {
  return fmt::format("lmbench-{}-{:08x}", secs, static_cast<std::uint32_t>(secs));
}

nlohmann::json make_run(const RunSpec& spec) {
  nlohmann::json results;
  if (spec.failed) {
    results = {{"error", "No successful requests completed"}, {"message", "All 10 requests failed: 10 connect"}};
  } else {
    results = {
        {"successful_requests", 120},
        {"benchmark_duration_s", 200.5},
        {"total_input_tokens", 120000},
        {"total_generated_tokens", 12000},
        {"request_throughput_req_per_s", spec.request_throughput},
        {"output_token_throughput_tok_per_s", spec.output_throughput},
        {"input_token_throughput_tok_per_s", 600.0},
        {"total_token_throughput_tok_per_s", 600.0 + spec.output_throughput},
        {"ttft_ms", {{"mean", spec.ttft_p50 * 1.1}, {"median", spec.ttft_p50}, {"p99", spec.ttft_p99}}},
        {"tpot_ms", {{"mean", spec.tpot_p50 * 1.1}, {"median", spec.tpot_p50}, {"p99", spec.tpot_p99}}},
        {"itl_ms", {{"mean", spec.itl_p50 * 1.1}, {"median", spec.itl_p50}, {"p99", spec.itl_p99}}},
    };
  }
  nlohmann::json doc = {
      {"name", spec.suite},
      {"lmbench-session-id", spec.session_id.empty() ? session_id_for(spec.session_secs) : spec.session_id},
      {"timestamp", spec.timestamp},
      {"results", results},
      {"infra", {{"Location", "Simulated"}}},
      {"serving", {{"baseline_type", "Helm-ProductionStack"}, {"config", {{"helmConfigSelection", "routing/1-kvaware.yaml"}}}}},
      {"workload", {{"WORKLOAD", spec.workload}, {"QPS", spec.qps}, {"NUM_USERS", 10}}},
  };
  if (spec.with_key_field) doc["key"] = spec.key;
  if (spec.interrupted) doc["interrupted"] = true;
  return doc;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          fmt::format("lmbench-store-test-{}-{}", ::getpid(), counter.fetch_add(1));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace lmbench::store::testing
