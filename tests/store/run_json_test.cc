// Validation of run JSON documents and the columns extracted from them.
#include "store/run_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/baseline_key.h"
#include "store/run_fixture.h"

namespace lmbench::store {
namespace {

using testing::make_run;
using testing::make_run_json;
using testing::RunSpec;

TEST(RunJson, ExtractsTheIndexedFields) {
  RunSpec spec;
  spec.ttft_p50 = 101.5;
  spec.ttft_p99 = 250.25;
  spec.output_throughput = 71.5;
  const std::string text = make_run_json(spec);
  const auto run = parse_run_json(text);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->suite, "routing-benchmark");
  EXPECT_EQ(run->session_id, "lmbench-1700000000-6553f100");
  EXPECT_EQ(run->session_time, 1700000000);
  EXPECT_EQ(run->timestamp, "20231114-2213");
  EXPECT_EQ(run->key, "helm_kvaware");
  EXPECT_EQ(run->workload, "synthetic");
  EXPECT_DOUBLE_EQ(run->qps, 0.7);
  EXPECT_TRUE(run->ok);
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kTtftP50), 101.5);
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kTtftP99), 250.25);
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kTtftMean), 101.5 * 1.1);
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kItlP99), 20);
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kTpotP50), 12);
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kOutputThroughput), 71.5);
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kInputThroughput), 600);
  EXPECT_EQ(run->successful_requests, 120);
  EXPECT_DOUBLE_EQ(*run->duration_s, 200.5);
  EXPECT_EQ(run->json, text);
}

TEST(RunJson, FailedRunKeepsItsErrorAndNoMetrics) {
  RunSpec spec;
  spec.failed = true;
  const auto run = parse_run_json(make_run_json(spec));
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_FALSE(run->ok);
  EXPECT_EQ(run->error, "No successful requests completed: All 10 requests failed: 10 connect");
  for (const auto& v : run->metrics) EXPECT_FALSE(v.has_value());
}

TEST(RunJson, ReadsTheOriginalsVllmBenchmarkLayout) {
  auto doc = make_run({});
  doc["workload"]["WORKLOAD"] = "vllm_random";
  doc["results"] = {{"successful_requests", 100}, {"duration", 50.0},     {"request_throughput", 2.0},
                    {"output_token_throughput", 256.0},                    {"total_token_throughput", 2256.0},
                    {"mean_ttft_ms", 30.0},      {"median_ttft_ms", 28.0}, {"p99_ttft_ms", 90.0},
                    {"mean_tpot_ms", 8.0},       {"median_tpot_ms", 7.5},  {"p99_tpot_ms", 11.0},
                    {"mean_itl_ms", 8.1},        {"median_itl_ms", 7.6},   {"p99_itl_ms", 19.0}};
  const auto run = parse_run_json(doc.dump());
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kTtftP50), 28);
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kItlP99), 19);
  EXPECT_DOUBLE_EQ(*at(run->metrics, Metric::kRequestThroughput), 2);
  EXPECT_FALSE(at(run->metrics, Metric::kInputThroughput).has_value());
  EXPECT_DOUBLE_EQ(*run->duration_s, 50);
}

TEST(RunJson, NullMetricCountsAsNotReported) {
  auto doc = make_run({});
  doc["results"]["tpot_ms"] = {{"count", 0}, {"mean", nullptr}, {"median", nullptr}, {"p99", nullptr}};
  const auto run = parse_run_json(doc.dump());
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_FALSE(at(run->metrics, Metric::kTpotP50).has_value());
  EXPECT_TRUE(at(run->metrics, Metric::kTtftP50).has_value());
}

// Each broken document and the start of the reason it must be given.
struct Broken {
  const char* what;
  void (*edit)(nlohmann::json&);
  const char* reason;
};

TEST(RunJson, RejectionsNameTheFieldTheExpectationAndWhatWasFound) {
  const Broken cases[] = {
      {"no session id", [](nlohmann::json& d) { d.erase("lmbench-session-id"); },
       "lmbench-session-id: missing (expected a non-empty string)"},
      {"suite not a string", [](nlohmann::json& d) { d["name"] = 42; },
       "name: expected a non-empty string, found a number (42)"},
      {"bad timestamp", [](nlohmann::json& d) { d["timestamp"] = "2023-11-14"; },
       "timestamp: expected a string \"YYYYMMDD-HHMM\", found a string (\"2023-11-14\")"},
      {"p99 a string", [](nlohmann::json& d) { d["results"]["ttft_ms"]["p99"] = "fast"; },
       "results.ttft_ms.p99: expected a number, found a string (\"fast\")"},
      {"no itl", [](nlohmann::json& d) { d["results"].erase("itl_ms"); },
       "results.itl_ms: missing (expected an object)"},
      {"negative throughput", [](nlohmann::json& d) { d["results"]["request_throughput_req_per_s"] = -1; },
       "results.request_throughput_req_per_s: expected a number >= 0, found a number (-1)"},
      {"QPS a string", [](nlohmann::json& d) { d["workload"]["QPS"] = "unknown"; },
       "workload.QPS: expected a number, found a string (\"unknown\")"},
      {"no WORKLOAD", [](nlohmann::json& d) { d["workload"].erase("WORKLOAD"); },
       "workload.WORKLOAD: missing (expected a non-empty string)"},
      {"results an array", [](nlohmann::json& d) { d["results"] = nlohmann::json::array(); },
       "results: expected an object, found an array"},
      {"results unknown shape", [](nlohmann::json& d) { d["results"] = {{"x", 1}}; },
       "results: expected the LMBench summary"},
      {"error not a string", [](nlohmann::json& d) { d["results"] = {{"error", 5}}; },
       "results.error: expected a string, found a number (5)"},
      {"serving a list", [](nlohmann::json& d) { d["serving"] = nlohmann::json::array(); },
       "serving: expected an object, found an array"},
      {"document an array", [](nlohmann::json& d) { d = nlohmann::json::array({1}); },
       "(document): expected an object, found an array"},
  };
  for (const auto& c : cases) {
    auto doc = make_run({});
    c.edit(doc);
    const auto run = parse_run_json(doc.dump());
    ASSERT_FALSE(run.ok()) << c.what;
    EXPECT_EQ(run.error().kind, "schema") << c.what;
    EXPECT_EQ(run.error().message.rfind(c.reason, 0), 0u) << c.what << ": " << run.error().message;
  }
}

TEST(RunJson, MalformedJsonSaysWhere) {
  const auto run = parse_run_json("{\"name\": \"a\",\n \"timestamp\": }");
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().kind, "json");
  EXPECT_NE(run.error().message.find("line 2, column"), std::string::npos) << run.error().message;
}

TEST(RunJson, KeyComesFromTheFileNameWhenTheDocumentHasNone) {
  RunSpec spec;
  spec.with_key_field = false;
  spec.workload = "trace_replayer";
  const auto run = parse_run_json(make_run_json(spec), "results/x/helm_routing_4_trace_replayer_1.5_20231114-2213.json");
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->key, "helm_routing_4");
}

TEST(RunJson, KeyComesFromServingWhenNeitherFieldNorFileNameGiveIt) {
  RunSpec spec;
  spec.with_key_field = false;
  const auto run = parse_run_json(make_run_json(spec), "upload.json");
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->key, "helm_routing_1-kvaware");
}

TEST(RunJson, MissingKeyThatCannotBeDerivedIsExplained) {
  auto doc = make_run({});
  doc.erase("key");
  doc.erase("serving");
  const auto run = parse_run_json(doc.dump(), "upload.json");
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().message.rfind("key: missing, and it cannot be derived", 0), 0u) << run.error().message;
}

TEST(RunJson, SessionTimeOfAnIdOfAnotherShapeIsTheTimestampAsUtc) {
  RunSpec spec;
  spec.session_id = "nightly-42";
  spec.timestamp = "20231114-2213";
  const auto run = parse_run_json(make_run_json(spec));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->session_time, 1699999980);  // 2023-11-14 22:13:00 UTC
}

TEST(BaselineKey, FromFileNamesWithUnderscoresInKeyAndWorkload) {
  EXPECT_EQ(key_from_file_name("flat_basic_vllm_run_llama8B_vllm_random_2_20250529-0758.json", "vllm_random"),
            "flat_basic_vllm_run_llama8B");
  EXPECT_EQ(key_from_file_name("sglang_x_strict_synthetic_0.5_20250529-0758.json", "strict_synthetic"), "sglang_x");
  EXPECT_EQ(key_from_file_name("/a/b/k_synthetic_1.0_20250529-0758.json", "synthetic"), "k");
  EXPECT_FALSE(key_from_file_name("k_synthetic_1.0_20250529-0758.json", "agentic").has_value());
  EXPECT_FALSE(key_from_file_name("k_synthetic_1.0_2025.json", "synthetic").has_value());
  EXPECT_FALSE(key_from_file_name("k_synthetic_1.0_20250529-0758.csv", "synthetic").has_value());
}

TEST(BaselineKey, FromServingFollowsTheOriginalsNamingRules) {
  auto key = [](const char* type, nlohmann::json config) {
    return key_from_serving({{"baseline_type", type}, {"config", std::move(config)}});
  };
  EXPECT_EQ(key("Helm-ProductionStack", {{"helmConfigSelection", "routing/1-kvaware.yaml"}}), "helm_routing_1-kvaware");
  EXPECT_EQ(key("Direct-ProductionStack", {{"kubernetesConfigSelection", "basic/llama8B_vllm.yaml"}}),
            "basic_llama8B_vllm");
  EXPECT_EQ(key("SGLang", {{"scriptName", "comparison-baseline.sh"}}), "sglang_comparison_baseline");
  EXPECT_EQ(key("RayServe", {{"scriptName", "comparison-baseline.py"}, {"acceleratorType", "A100"}}),
            "rayserve_comparison_baseline_a100");
  EXPECT_EQ(key("Dynamo", {{"configSelection", "comparison-baseline.yaml"}}), "dynamo_comparison-baseline");
  EXPECT_EQ(key("LLM-D", {{"configSelection", "a/b.yaml"}}), "llmd_a_b");
  EXPECT_EQ(key("Flat", {{"configSelection", "basic-vllm/run-llama8B.sh"}}), "flat_basic_vllm_run_llama8B");
  EXPECT_FALSE(key("Simulated", {{"configSelection", "x"}}).has_value());
  EXPECT_FALSE(key("Helm-ProductionStack", nlohmann::json::object()).has_value());
}

}  // namespace
}  // namespace lmbench::store
