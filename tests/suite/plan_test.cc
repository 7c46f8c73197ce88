// The suite plan: KEYs, the original's run order, QPS labels and artifact names.
#include <gtest/gtest.h>

#include "config/run_bench.h"
#include "config/temp_tree.h"
#include "suite/artifacts.h"
#include "suite/keys.h"
#include "suite/plan.h"
#include "suite/plan_text.h"
#include "sim/profile.h"

namespace lmbench::suite {
namespace {

using testing::TempTree;

config::Spec load(const TempTree& t, const std::string& text) {
  const auto path = t.write("0-bench-specs/s.yaml", text);
  return config::load_spec(path, "0-bench-specs/s.yaml", {t.root(), std::nullopt});
}

constexpr const char* kRandom = "Workload:\n  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [1]}\n";

TEST(Keys, EveryBaselineTypeFollowsTheFormatTable) {
  TempTree t;
  const config::Spec spec = load(t, std::string(R"(Name: k
Serving:
  - Helm-ProductionStack: {helmConfigSelection: routing/1-kvaware.yaml, hf_token: x, modelURL: m}
  - Direct-ProductionStack: {kubernetesConfigSelection: routing/lmcache_roundrobin.yaml, hf_token: x, modelURL: m}
  - SGLang: {scriptName: comparison-baseline.sh, modelURL: m}
  - RayServe: {scriptName: comparison-baseline.py, acceleratorType: H100, modelURL: m}
  - Dynamo: {configSelection: configs/comparison-baseline.yaml, modelURL: m}
  - LLM-D: {configSelection: basic/llama.yaml, modelURL: m, hf_token: x}
  - Flat: {configSelection: basic-lmcache/run-llama8B.sh, modelURL: m}
  - Endpoint: {baseURL: "http://127.0.0.1:1", modelURL: m}
  - Endpoint: {baseURL: "http://127.0.0.1:1", modelURL: m, name: mine}
  - Simulated: {modelURL: m}
  - Simulated: {modelURL: m, name: plain}
)") + kRandom);
  EXPECT_EQ(assign_keys(spec.serving),
            (std::vector<std::string>{"helm_routing_1-kvaware", "routing_lmcache_roundrobin", "sglang_comparison_baseline",
                                      "rayserve_comparison_baseline_h100", "dynamo_configs_comparison-baseline",
                                      "llmd_basic_llama", "flat_basic_lmcache_run_llama8B", "endpoint", "mine", "sim",
                                      "plain"}));
}

TEST(Keys, SimulatedFromAValuesFileTakesItsKeyPart) {
  TempTree t;
  t.write("2-serving-engines/helm-production-stack/helm_configurations/routing/session.yaml",
          "servingEngineSpec:\n  modelSpec:\n  - {modelURL: m, replicaCount: 2}\n");
  const config::Spec spec = load(t, std::string("Name: k\nServing:\n  - Simulated: {modelURL: m, helmConfigSelection: routing/session.yaml}\n") + kRandom);
  EXPECT_EQ(base_key(spec.serving[0]), "sim_routing_session");
}

TEST(Keys, DuplicateKeysGetNumberedSuffixes) {
  TempTree t;
  const config::Spec spec = load(t, std::string(R"(Name: k
Serving:
  - Simulated: {modelURL: m}
  - Simulated: {modelURL: m, engines: 2}
  - SGLang: {scriptName: a.sh, modelURL: m}
  - Simulated: {modelURL: m, engines: 3}
  - SGLang: {scriptName: a.sh, modelURL: m2}
  - Simulated: {modelURL: m, name: sim_2}
)") + kRandom);
  EXPECT_EQ(assign_keys(spec.serving),
            (std::vector<std::string>{"sim", "sim_2", "sglang_a", "sim_3", "sglang_a_2", "sim_2_2"}));
}

constexpr const char* kPlanSpec = R"(Name: order
Serving:
  - Simulated: {modelURL: m, name: first}
  - Simulated: {modelURL: m, name: second}
Workload:
  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [3]}
  VLLMBenchmark: {DATASET_NAME: random, REQUEST_RATES: [0.5, 8]}
  LMCacheSynthetic:
    - {NUM_USERS: 1, NUM_ROUNDS: 1, SYSTEM_PROMPT: 0, CHAT_HISTORY: 1, ANSWER_LEN: 1, QPS: [0.7, 2]}
    - {NUM_USERS: 1, NUM_ROUNDS: 1, SYSTEM_PROMPT: 0, CHAT_HISTORY: 1, ANSWER_LEN: 1, QPS: [0.10]}
  StrictSynthetic:
    NUM_CONCURRENT_USERS: 20
    NUM_ROUNDS_PER_USER: 1
    TIME_BETWEEN_REQUESTS_PER_USER: [20, 12]
    SHARED_SYSTEM_PROMPT_LEN: 0
    FIRST_PROMPT_LEN: 1
    FOLLOW_UP_PROMPTS_LEN: 1
    ANSWER_LEN: 1
  Agentic: {NUM_AGENTS: 2, NUM_ROUNDS: 1, SYSTEM_PROMPT: 0, CHAT_HISTORY: 1, ANSWER_LEN: 1, NEW_USER_INTERVALS: [1.5]}
  TraceReplayer: {TRACE_FILE: t.jsonl, PRESERVE_TIMING: true}
  ShareGPT: {QPS: [1.34]}
)";

TEST(Plan, CartesianProductInTheOriginalOrderWithNamesAsWritten) {
  TempTree t;
  std::vector<config::Spec> specs;
  specs.push_back(load(t, kPlanSpec));
  const Plan plan = make_plan(config::Infrastructure{}, std::move(specs));
  ASSERT_EQ(plan.suites.size(), 1u);
  ASSERT_EQ(plan.suites[0].baselines.size(), 2u);
  EXPECT_EQ(plan.run_count(), 2u * 11u);
  std::vector<std::string> names;
  for (const auto& b : plan.suites[0].baselines) {
    for (const auto& r : b.runs) {
      names.push_back(artifact_stem(r.key, r.workload_name, qps_label_for(r, 1.2345), "20250529-0758"));
    }
  }
  const std::vector<std::string> first = {
      "first_sharegpt_1.34_20250529-0758",          "first_synthetic_0.7_20250529-0758",
      "first_synthetic_2_20250529-0758",            "first_synthetic_0.10_20250529-0758",
      "first_strict_synthetic_1.00_20250529-0758",  "first_strict_synthetic_1.67_20250529-0758",
      "first_agentic_1.23_20250529-0758",           "first_trace_replayer_timed_20250529-0758",
      "first_random_3_20250529-0758",               "first_vllm_random_0.5_20250529-0758",
      "first_vllm_random_8_20250529-0758"};
  ASSERT_EQ(names.size(), 22u);
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 11), first);
  EXPECT_EQ(names[11], "second_sharegpt_1.34_20250529-0758");
  EXPECT_EQ(names[21], "second_vllm_random_8_20250529-0758");

  const PlannedRun& strict = plan.suites[0].baselines[0].runs[4];
  EXPECT_EQ(plan.workload_of(strict).type, "StrictSynthetic");
  EXPECT_DOUBLE_EQ(*strict.rate.target_qps, 1.0);
  EXPECT_EQ(strict.rate.value.text, "20");
  EXPECT_EQ(plan.baseline_of(plan.suites[0].baselines[1].runs[0]).type, "Simulated");
  EXPECT_EQ(plan.spec_of(strict).name, "order");

  const PlannedRun& agentic = plan.suites[0].baselines[0].runs[6];
  EXPECT_FALSE(agentic.rate.qps_label.has_value());
  EXPECT_THROW(qps_label_for(agentic, std::nullopt), std::logic_error);
}

TEST(Plan, MeasuredQpsLabelsPrintLikePythonFloats) {
  EXPECT_EQ(measured_qps_label(2.0), "2.0");
  EXPECT_EQ(measured_qps_label(1.5), "1.5");
  EXPECT_EQ(measured_qps_label(0.33333), "0.33");
  EXPECT_EQ(measured_qps_label(12.999), "13.0");
}

TEST(Plan, ArtifactPaths) {
  EXPECT_EQ(run_json_path("results", "routing-benchmark", "helm_routing_session_synthetic_0.7_20250529-0758"),
            std::filesystem::path("results/routing-benchmark/helm_routing_session_synthetic_0.7_20250529-0758.json"));
  EXPECT_EQ(run_csv_path("out", "s", "k_random_1_20250101-0000"), std::filesystem::path("out/s/k_random_1_20250101-0000.csv"));
}

TEST(PlanText, NamesEveryBaselineWorkloadAndPattern) {
  TempTree t;
  std::vector<config::Spec> specs;
  specs.push_back(load(t, kPlanSpec));
  const Plan plan = make_plan(config::Infrastructure{}, std::move(specs));
  PlanTextOptions o;
  o.source = "run-bench.yaml";
  o.example_timestamp = "20250529-0758";
  const std::string text = plan_text(plan, o);
  for (const char* part : {"  Location: Simulated\n", "  hf_token: <missing>\n", "    Name: order\n", "    Baselines (2):\n",
                           "      first   Simulated  model m, api completions; 1 engine",
                           "      LMCacheSynthetic[0] (synthetic): QPS: 0.7, 2; NUM_USERS=1",
                           "      StrictSynthetic (strict_synthetic): TIME_BETWEEN_REQUESTS_PER_USER: 20, 12 (QPS 1.00, 1.67);",
                           "      Agentic (agentic): NEW_USER_INTERVALS: 1.5 (QPS measured);",
                           "      TraceReplayer (trace_replayer): timed replay (one run);",
                           "      VLLMBenchmark (vllm_random): REQUEST_RATES: 0.5, 8;",
                           "    Runs: 22 (2 baselines x 11 workload runs)\n",
                           "    Artifacts: results/order/{KEY}_{WORKLOAD}_{QPS}_{YYYYMMDD-HHMM}.json (+ .csv), e.g. "
                           "first_sharegpt_1.34_20250529-0758.json\n"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n--- in ---\n" << text;
  }
}

TEST(PlanText, WarnsAboutBaselinesTheLocationCannotRunAndMissingTokens) {
  TempTree t;
  std::vector<config::Spec> specs;
  specs.push_back(load(t, std::string(R"(Name: w
Serving:
  - SGLang: {scriptName: a.sh, modelURL: m}
  - Endpoint: {baseURL: "http://127.0.0.1:1", modelURL: m, apiKeyEnv: LMBENCH_TEST_UNSET_KEY}
)") + kRandom));
  config::Infrastructure sim;
  sim.location = config::Location::kSimulated;
  PlanTextOptions o;
  const Plan plan = make_plan(sim, specs);
  std::vector<std::string> messages;
  for (const auto& w : plan_warnings(plan, o)) messages.push_back(config::format_warning(w));
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_NE(messages[0].find("file not found"), std::string::npos);
  EXPECT_EQ(messages[1], "0-bench-specs/s.yaml:3:5: Serving[0].SGLang: Location Simulated runs Simulated, Endpoint and "
                         "Helm-ProductionStack (simulated from its values file) baselines; `run` will fail this one");
  EXPECT_EQ(messages[2], "0-bench-specs/s.yaml:4:5: Serving[1].Endpoint: apiKeyEnv names LMBENCH_TEST_UNSET_KEY, which is not set");

  config::Infrastructure flat;
  flat.location = config::Location::kLocalFlat;
  const Plan flat_plan = make_plan(flat, specs);
  const auto flat_warnings = plan_warnings(flat_plan, o);
  ASSERT_EQ(flat_warnings.size(), 3u);
  EXPECT_EQ(config::format_warning(flat_warnings[1]),
            "0-bench-specs/s.yaml:3:5: Serving[0].SGLang: needs a Hugging Face token and HF_TOKEN is not set; `run` will "
            "fail this baseline");
}

// A suite written for a cluster of 40 GB A100s keeps their KV cache size on the simulator:
// under Location Simulated, A100_VRAM picks the profile of the Helm-ProductionStack baselines.
// Simulated baselines keep their own profile; a real cluster's plan does not mention one.
TEST(PlanText, A100VramPicksTheProfileValuesFilesAreSimulatedOn) {
  TempTree t;
  t.write("2-serving-engines/helm-production-stack/helm_configurations/routing/session.yaml",
          "servingEngineSpec:\n  modelSpec:\n  - {modelURL: m, replicaCount: 4}\nrouterSpec: {routingLogic: session}\n");
  std::vector<config::Spec> specs;
  specs.push_back(load(t, std::string(R"(Name: gpu
Serving:
  - Helm-ProductionStack: {helmConfigSelection: routing/session.yaml, hf_token: x, modelURL: m}
  - Simulated: {modelURL: m, helmConfigSelection: routing/session.yaml}
)") + kRandom));
  auto profile_of = [](const Plan& p) {
    return std::get<config::HelmProductionStack>(p.specs[0].serving[0].kind).values->engine.profile;
  };
  auto simulated_profile_of = [](const Plan& p) { return std::get<config::Simulated>(p.specs[0].serving[1].kind).engine.profile; };

  config::Infrastructure infra;
  infra.location = config::Location::kSimulated;
  EXPECT_EQ(profile_of(make_plan(infra, specs)), "llama-3.1-8b-a100-80gb");  // not written: the simulator's default
  infra.a100_vram_gb = 40;
  const Plan forty = make_plan(infra, specs);
  EXPECT_EQ(profile_of(forty), "llama-3.1-8b-a100-40gb");
  EXPECT_EQ(simulated_profile_of(forty), "llama-3.1-8b-a100-80gb");
  const std::string text = plan_text(forty, {});
  EXPECT_NE(text.find("  Location: Simulated (A100_VRAM 40: Helm-ProductionStack baselines on the "
                      "llama-3.1-8b-a100-40gb profile)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("4 engines, routing session on x-user-id, prefix caching, no LMCache, maxModelLen 131072, "
                      "simulated on profile llama-3.1-8b-a100-40gb)"),
            std::string::npos)
      << text;
  infra.a100_vram_gb = 80;
  EXPECT_EQ(profile_of(make_plan(infra, specs)), "llama-3.1-8b-a100-80gb");

  config::Infrastructure gke;
  gke.location = config::Location::kLMCacheGKE;
  gke.num_cluster_gpus = 4;
  gke.a100_vram_gb = 40;
  const std::string cluster = plan_text(make_plan(gke, specs), {});
  EXPECT_EQ(cluster.find("simulated on"), std::string::npos) << cluster;
  EXPECT_NE(cluster.find("(numClusterGPUs 4, A100_VRAM 40)"), std::string::npos) << cluster;
}

// One context-length default: a Simulated baseline without maxModelLen has what `lmbench sim`
// serves with every built-in profile (the shipped Mooncake trace would otherwise fail requests
// under run that pass under sim).
TEST(Plan, SimulatedBaselinesAndTheSimulatorShareOneContextLength) {
  for (const auto& name : sim::builtin_profile_names()) {
    EXPECT_EQ(config::SimulatedEngine{}.max_model_len, sim::builtin_profile(name).scheduler.max_model_len) << name;
  }
}

}  // namespace
}  // namespace lmbench::suite
