#include "metrics/run_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/files.h"
#include "metrics/summary_json.h"
#include "records_fixture.h"

namespace lmbench::metrics {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("lmbench_metrics_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(RunFileName, KeyRecoveredWithUnderscoresEverywhere) {
  EXPECT_EQ(key_from_file_name("helm_routing_4_kvaware_synthetic_0.7_20250529-0758", "synthetic"),
            "helm_routing_4_kvaware");
  EXPECT_EQ(key_from_file_name("flat_basic_vllm_trace_replayer_1_20250529-0758", "trace_replayer"),
            "flat_basic_vllm");
  // The KEY itself may contain the workload's name.
  EXPECT_EQ(key_from_file_name("sglang_random_test_random_2.5_20250101-0000", "random"), "sglang_random_test");
  EXPECT_EQ(key_from_file_name("k_vllm_sonnet_10_20250101-0000", "vllm_sonnet"), "k");
  EXPECT_FALSE(key_from_file_name("k_synthetic_0.7_2025-0758", "synthetic"));   // bad timestamp
  EXPECT_FALSE(key_from_file_name("k_random_0.7_20250529-0758", "synthetic"));  // other workload
  EXPECT_FALSE(key_from_file_name("synthetic_0.7_20250529-0758", "synthetic"));  // no key
}

TEST(RunFile, WritesAndReadsBackThroughARealFile) {
  const fs::path dir = temp_dir("roundtrip");
  RunFile run;
  run.name = "routing-benchmark";
  run.session_id = "lmbench-1700000000-1a2b3c4d";
  run.timestamp = "20250529-0758";
  run.key = "helm_routing_1_kvaware";
  run.results = results_json(summarize(testing::fixed_records()));
  run.infra = {{"Location", "Simulated"}};
  run.serving = {{"baseline_type", "Helm-ProductionStack"}, {"config", {{"modelURL", "m"}}}};
  run.workload = {{"WORKLOAD", "synthetic"}, {"QPS", 0.7}, {"NUM_USERS", 10}};
  EXPECT_EQ(run_file_name(run), "helm_routing_1_kvaware_synthetic_0.7_20250529-0758.json");
  const fs::path path = dir / run_file_name(run);
  write_run_file(path, run);

  const std::string text = core::read_file(path);
  EXPECT_EQ(text.rfind("{\n  \"name\": \"routing-benchmark\",\n  \"lmbench-session-id\"", 0), 0u) << text;

  auto back = read_run_file(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->name, run.name);
  EXPECT_EQ(back->session_id, run.session_id);
  EXPECT_EQ(back->key, run.key);
  EXPECT_EQ(back->workload_name(), "synthetic");
  EXPECT_DOUBLE_EQ(*back->qps(), 0.7);
  EXPECT_FALSE(back->failed());
  EXPECT_DOUBLE_EQ(*back->stat("ttft_ms", "mean"), 250);
  EXPECT_DOUBLE_EQ(*back->stat("itl_ms", "mean"), 27.78);
  EXPECT_FALSE(back->stat("ttft_ms", "p42"));
  EXPECT_EQ(to_json(*back), to_json(run));
  fs::remove_all(dir);
}

TEST(RunFile, ReadsTheOriginalFormatAndTakesTheKeyFromTheFileName) {
  const std::string original = R"({
  "name": "layerwise-benchmark",
  "timestamp": "20250529-0758",
  "results": {"error": "No successful requests completed", "message": "All sessions failed"},
  "infra": {"Location": "LMCacheGKE"},
  "serving": {"baseline_type": "SGLang", "config": {"scriptName": "comparison-baseline.sh"}},
  "workload": {"WORKLOAD": "trace_replayer", "QPS": 2, "TRACE_FILE": "traces/gmi_trace.jsonl"}
})";
  auto run = parse_run_file(original, "results/x/sglang_comparison_baseline_trace_replayer_2_20250529-0758.json");
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->key, "sglang_comparison_baseline");
  EXPECT_TRUE(run->session_id.empty());
  EXPECT_TRUE(run->failed());
  EXPECT_FALSE(run->stat("ttft_ms", "mean"));
  EXPECT_DOUBLE_EQ(*run->qps(), 2);
}

TEST(RunFile, BadFilesAreErrorValuesNamingTheFile) {
  auto not_json = parse_run_file("{oops", "a/b.json");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().message, "a/b.json: not valid JSON");
  auto no_results = parse_run_file(R"({"workload": {}})", "a/c.json");
  ASSERT_FALSE(no_results);
  EXPECT_EQ(no_results.error().message, "a/c.json: expected an object \"results\"");
  auto no_key = parse_run_file(R"({"results": {}, "workload": {"WORKLOAD": "random"}})", "a/strange.json");
  ASSERT_FALSE(no_key);
  EXPECT_NE(no_key.error().message.find("no \"key\" field"), std::string::npos);
  auto missing = read_run_file("/nonexistent/dir/x.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, "io");
}

}  // namespace
}  // namespace lmbench::metrics
