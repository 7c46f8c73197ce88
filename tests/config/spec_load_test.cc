// Specs written in the original LMBench format (LMBENCH-FORMAT.md) load into typed structs.
#include <gtest/gtest.h>

#include "config/run_bench.h"
#include "config/spec.h"
#include "config/values_file.h"
#include "config/temp_tree.h"

namespace lmbench::config {
namespace {

using testing::TempTree;

constexpr const char* kValues = R"(servingEngineSpec:
  modelSpec:
  - name: llama3
    modelURL: meta-llama/Llama-3.1-8B-Instruct
    replicaCount: 3
    requestGPU: 1
    vllmConfig: {enablePrefixCaching: false, maxModelLen: 16000}
    lmcacheConfig: {enabled: true, cpuOffloadingBufferSize: "60"}
  - name: llama3-b
    modelURL: meta-llama/Llama-3.1-8B-Instruct
    replicaCount: 1
routerSpec:
  routingLogic: session
  sessionKey: x-user-id
)";

constexpr const char* kEveryBaseline = R"(Name: all-baselines
Serving:
  - Helm-ProductionStack: {helmConfigSelection: routing/1-session.yaml, hf_token: <YOUR_HF_TOKEN>, modelURL: meta-llama/Llama-3.1-8B-Instruct, apiType: chat}
  - Direct-ProductionStack:
      kubernetesConfigSelection: routing/lmcache_roundrobin.yaml
      hf_token: <YOUR_HF_TOKEN>
      modelURL: mistralai/Mistral-7B-Instruct-v0.2
  - SGLang: {scriptName: comparison-baseline.sh, modelURL: meta-llama/Llama-3.1-8B-Instruct}
  - RayServe: {scriptName: comparison-baseline.py, acceleratorType: H100, modelURL: meta-llama/Llama-3.1-70B-Instruct}
  - Dynamo: {configSelection: comparison-baseline.yaml, modelURL: meta-llama/Llama-3.1-8B-Instruct}
  - LLM-D: {configSelection: basic/llama.yaml, modelURL: meta-llama/Llama-3.1-8B-Instruct, hf_token: plain-token}
  - Flat: {configSelection: basic-lmcache/run-llama8B.sh, modelURL: meta-llama/Llama-3.1-8B-Instruct}
  - Endpoint: {baseURL: "http://127.0.0.1:8000", modelURL: m, apiKeyEnv: MY_KEY, name: local}
  - Simulated: {modelURL: m, engines: 2, routingLogic: prefixaware, lmcache: true, cpuOffloadingBufferSize: 30, timeScale: 5, profile: llama-3.1-8b-h100, maxModelLen: 8192, enablePrefixCaching: false, sessionKey: x-session}
  - Simulated: {modelURL: m, helmConfigSelection: routing/1-session.yaml, timeScale: 2}
Workload:
  Random: {NUM_USERS: 2, NUM_ROUNDS: 2, PROMPT_LEN: 10, ANSWER_LEN: 5, QPS: [1]}
)";

TEST(SpecLoad, EveryBaselineTypeWithItsKeys) {
  TempTree t;
  t.write("2-serving-engines/helm-production-stack/helm_configurations/routing/1-session.yaml", kValues);
  const auto path = t.write("0-bench-specs/all.yaml", kEveryBaseline);
  const Spec spec = load_spec(path, "0-bench-specs/all.yaml", {t.root(), std::string("hf_secret")});
  ASSERT_EQ(spec.name, "all-baselines");
  ASSERT_EQ(spec.serving.size(), 10u);

  const auto& helm = std::get<HelmProductionStack>(spec.serving[0].kind);
  EXPECT_EQ(spec.serving[0].type, "Helm-ProductionStack");
  EXPECT_EQ(helm.helm_config_selection, "routing/1-session.yaml");
  EXPECT_EQ(spec.serving[0].api_type, ApiType::kChat);
  EXPECT_EQ(spec.serving[0].hf_token, "hf_secret");
  ASSERT_TRUE(helm.values.has_value());
  EXPECT_EQ(helm.values->engine.engines, 4);  // 3 + 1 replicas
  EXPECT_FALSE(helm.values->engine.enable_prefix_caching);
  EXPECT_EQ(helm.values->engine.max_model_len, 16000);
  EXPECT_TRUE(helm.values->engine.lmcache);
  EXPECT_DOUBLE_EQ(helm.values->engine.cpu_offloading_buffer_gb, 60.0);
  EXPECT_EQ(helm.values->engine.routing_logic, "session");
  EXPECT_EQ(helm.values->engine.session_key, "x-user-id");
  // The raw config keeps the placeholder, never the token.
  EXPECT_EQ(spec.serving[0].raw["hf_token"], "<YOUR_HF_TOKEN>");

  const auto& direct = std::get<DirectProductionStack>(spec.serving[1].kind);
  EXPECT_EQ(direct.kubernetes_config_selection, "routing/lmcache_roundrobin.yaml");
  EXPECT_EQ(spec.serving[1].model_url, "mistralai/Mistral-7B-Instruct-v0.2");
  EXPECT_EQ(spec.serving[1].api_type, ApiType::kCompletions);

  EXPECT_EQ(std::get<SGLang>(spec.serving[2].kind).script_name, "comparison-baseline.sh");
  EXPECT_EQ(std::get<SGLang>(spec.serving[2].kind).script_path,
            (t.root() / "2-serving-engines/sglang/comparison-baseline.sh").lexically_normal());
  EXPECT_EQ(std::get<RayServe>(spec.serving[3].kind).accelerator_type, "H100");
  EXPECT_EQ(std::get<Dynamo>(spec.serving[4].kind).config_selection, "comparison-baseline.yaml");
  EXPECT_EQ(std::get<LLMD>(spec.serving[5].kind).config_selection, "basic/llama.yaml");
  EXPECT_EQ(spec.serving[5].hf_token, "plain-token");
  EXPECT_EQ(std::get<Flat>(spec.serving[6].kind).config_selection, "basic-lmcache/run-llama8B.sh");

  const auto& ep = std::get<Endpoint>(spec.serving[7].kind);
  EXPECT_EQ(ep.base_url, "http://127.0.0.1:8000");
  EXPECT_EQ(ep.api_key_env, "MY_KEY");
  EXPECT_EQ(ep.name, "local");

  const auto& sim = std::get<Simulated>(spec.serving[8].kind);
  EXPECT_EQ(sim.engine.engines, 2);
  EXPECT_EQ(sim.engine.routing_logic, "prefixaware");
  EXPECT_EQ(sim.engine.session_key, "x-session");
  EXPECT_EQ(sim.engine.profile, "llama-3.1-8b-h100");
  EXPECT_EQ(sim.engine.max_model_len, 8192);
  EXPECT_FALSE(sim.engine.enable_prefix_caching);
  EXPECT_TRUE(sim.engine.lmcache);
  EXPECT_DOUBLE_EQ(sim.engine.cpu_offloading_buffer_gb, 30.0);
  EXPECT_DOUBLE_EQ(sim.engine.time_scale, 5.0);

  const auto& from_values = std::get<Simulated>(spec.serving[9].kind);
  EXPECT_EQ(from_values.helm_config_selection, "routing/1-session.yaml");
  EXPECT_EQ(from_values.engine.engines, 4);
  EXPECT_EQ(from_values.engine.routing_logic, "session");
  EXPECT_DOUBLE_EQ(from_values.engine.time_scale, 2.0);

  // Files the baselines name but that are absent are warnings, one per baseline.
  int missing = 0;
  for (const auto& w : spec.warnings) missing += w.message.find("file not found") != std::string::npos;
  EXPECT_EQ(missing, 6);  // direct manifest, sglang, rayserve, dynamo, llm-d and flat scripts
}

TEST(SpecLoad, SimulatedDefaults) {
  TempTree t;
  const auto path = t.write("s.yaml", R"(Name: d
Serving:
  - Simulated: {modelURL: m}
Workload:
  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [2]}
)");
  const Spec spec = load_spec(path, "s.yaml", {t.root(), std::nullopt});
  const auto& e = std::get<Simulated>(spec.serving[0].kind).engine;
  EXPECT_EQ(e.engines, 1);
  EXPECT_EQ(e.routing_logic, "roundrobin");
  EXPECT_EQ(e.session_key, "x-user-id");
  EXPECT_EQ(e.profile, "llama-3.1-8b-a100-80gb");
  EXPECT_TRUE(e.enable_prefix_caching);
  EXPECT_EQ(e.max_model_len, 131072);
  EXPECT_FALSE(e.lmcache);
  EXPECT_DOUBLE_EQ(e.time_scale, 1.0);
  EXPECT_FALSE(needs_hf_token(spec.serving[0], Location::kLMCacheGKE));
}

TEST(SpecLoad, MissingHfTokenIsKeptAsMissingNotAnError) {
  TempTree t;
  const auto path = t.write("s.yaml", R"(Name: d
Serving:
  - Helm-ProductionStack: {helmConfigSelection: a.yaml, hf_token: <YOUR_HF_TOKEN>, modelURL: m}
Workload:
  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [2]}
)");
  const Spec spec = load_spec(path, "s.yaml", {t.root(), std::nullopt});
  EXPECT_FALSE(spec.serving[0].hf_token.has_value());
  EXPECT_TRUE(spec.serving[0].hf_token_key_present);
  EXPECT_TRUE(needs_hf_token(spec.serving[0], Location::kLMCacheGKE));
  EXPECT_FALSE(needs_hf_token(spec.serving[0], Location::kSimulated));
}

constexpr const char* kEveryWorkload = R"(Name: all-workloads
Serving:
  - Simulated: {modelURL: m}
Workload:
  VLLMBenchmark:
    - {BACKEND: vllm, DATASET_NAME: random, NUM_PROMPTS: 100, REQUEST_RATES: [1.0, 4]}
    - {DATASET_NAME: sonnet, DATASET_PATH: sonnet.txt, SONNET_INPUT_LEN: 300, TEMPERATURE: 0.7, TOP_P: 0.9, TOP_K: 50, MAX_TOKENS: 64, BURSTINESS: 0.5, SEED: 42, IGNORE_EOS: true, DISABLE_TQDM: true}
  Random:
    NUM_USERS: 100
    NUM_ROUNDS: 10
    PROMPT_LEN: 200
    ANSWER_LEN: 100
    QPS: [1.0, 2.0]
  TraceReplayer:
    - {TRACE_FILE: traces/mooncake_trace.jsonl, START_TIME: 10, DURATION: 300, PRESERVE_TIMING: false, QPS: [1, 2]}
    - {TRACE_FILE: traces/gmi_trace.jsonl, DURATION: full, PRESERVE_TIMING: true, SPEED_UP: 10.0, MAX_DELAY: 5}
  Agentic:
    - {NUM_USERS_WARMUP: 100, NUM_AGENTS: 10, NUM_ROUNDS: 20, SYSTEM_PROMPT: 0, CHAT_HISTORY: 256, ANSWER_LEN: 20, NEW_USER_INTERVALS: [1, 2], MODELS: [a, b]}
    - {NUM_AGENTS: 2, NUM_ROUNDS: 2, SYSTEM_PROMPT: 0, CHAT_HISTORY: 10, ANSWER_LEN: 5}
  StrictSynthetic:
    - NUM_CONCURRENT_USERS: 20
      NUM_ROUNDS_PER_USER: 15
      TIME_BETWEEN_REQUESTS_PER_USER: [20, 12, 8]
      SHARED_SYSTEM_PROMPT_LEN: 1000
      FIRST_PROMPT_LEN: 15000
      FOLLOW_UP_PROMPTS_LEN: 100
      ANSWER_LEN: 100
      KV_REUSE_RATIO: 0.5
  LMCacheSynthetic:
    - NUM_USERS_WARMUP: 650
      NUM_USERS: 350
      NUM_ROUNDS: 20
      SYSTEM_PROMPT: 0
      CHAT_HISTORY: 20000
      ANSWER_LEN: 1000
      QPS: [0.7, 2]
      USE_SHAREGPT: false
    - {NUM_USERS: 15, NUM_ROUNDS: 20, SYSTEM_PROMPT: 1000, CHAT_HISTORY: 20000, ANSWER_LEN: 100, QPS: [0.1], DURATION: 30, USE_SHAREGPT: true}
  ShareGPT:
    - LIMIT: 1000
      MIN_ROUNDS: 10
      START_ROUND: 0
      QPS: [1.34, 2]
)";

TEST(SpecLoad, EveryWorkloadTypeInTheOriginalOrderWithDefaults) {
  TempTree t;
  t.write("3-workloads/trace-replayer/traces/mooncake_trace.jsonl", "{}\n");  // the original's trace folder
  t.write("traces/gmi_trace.jsonl", "{}\n");                                   // relative to the project folder
  t.write("3-workloads/vllm-benchmark-serving/sonnet.txt", "sonnet\n");
  t.write("4-latest-results/sharegpt-data.json", "[]");
  const auto path = t.write("0-bench-specs/w.yaml", kEveryWorkload);
  const Spec spec = load_spec(path, "0-bench-specs/w.yaml", {t.root(), std::nullopt});
  std::vector<std::string> order;
  for (const auto& w : spec.workloads) order.push_back(w.type + "[" + std::to_string(w.index) + "]");
  // ShareGPT, LMCacheSynthetic, StrictSynthetic, Agentic, TraceReplayer, Random, VLLMBenchmark:
  // the original's run order, whatever the order in the file.
  EXPECT_EQ(order, (std::vector<std::string>{"ShareGPT[0]", "LMCacheSynthetic[0]", "LMCacheSynthetic[1]",
                                             "StrictSynthetic[0]", "Agentic[0]", "Agentic[1]", "TraceReplayer[0]",
                                             "TraceReplayer[1]", "Random[0]", "VLLMBenchmark[0]", "VLLMBenchmark[1]"}));
  EXPECT_TRUE(spec.warnings.empty()) << format_warning(spec.warnings.front());

  const auto& sg = std::get<ShareGpt>(spec.workloads[0].kind);
  EXPECT_EQ(sg.limit, 1000);
  EXPECT_EQ(sg.min_rounds, 10);
  ASSERT_EQ(sg.qps.size(), 2u);
  EXPECT_EQ(sg.qps[0].text, "1.34");
  EXPECT_EQ(sg.sharegpt_file.resolved, (t.root() / "4-latest-results/sharegpt-data.json").lexically_normal());

  const auto& syn = std::get<LMCacheSynthetic>(spec.workloads[1].kind);
  EXPECT_EQ(syn.num_users_warmup, 650);
  EXPECT_EQ(syn.num_users, 350);
  EXPECT_EQ(syn.chat_history, 20000);
  EXPECT_EQ(syn.answer_len, 1000);
  EXPECT_EQ(syn.qps[0].text, "0.7");
  EXPECT_DOUBLE_EQ(syn.qps[0].value, 0.7);
  EXPECT_EQ(syn.qps[1].text, "2");
  EXPECT_EQ(syn.duration, Seconds(200.0));  // the original's fixed 200 s
  EXPECT_FALSE(syn.sharegpt_file.has_value());
  const auto& syn2 = std::get<LMCacheSynthetic>(spec.workloads[2].kind);
  EXPECT_EQ(syn2.num_users_warmup, 0);
  EXPECT_EQ(syn2.duration, Seconds(30.0));
  ASSERT_TRUE(syn2.sharegpt_file.has_value());
  EXPECT_TRUE(syn2.sharegpt_file->resolved.has_value());

  const auto& strict = std::get<StrictSynthetic>(spec.workloads[3].kind);
  EXPECT_EQ(strict.num_concurrent_users, 20);
  EXPECT_EQ(strict.time_between_requests_per_user.size(), 3u);
  EXPECT_DOUBLE_EQ(strict.kv_reuse_ratio, 0.5);

  const auto& ag = std::get<Agentic>(spec.workloads[4].kind);
  EXPECT_EQ(ag.num_agents, 10);
  EXPECT_EQ(ag.new_user_intervals.size(), 2u);
  EXPECT_EQ(ag.models, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ag.duration, Seconds(100.0));
  const auto& ag2 = std::get<Agentic>(spec.workloads[5].kind);
  ASSERT_EQ(ag2.new_user_intervals.size(), 1u);  // run_agentic.sh's default interval
  EXPECT_EQ(ag2.new_user_intervals[0].text, "2");

  const auto& tr = std::get<TraceReplayer>(spec.workloads[6].kind);
  EXPECT_EQ(tr.trace_file.resolved,
            (t.root() / "3-workloads/trace-replayer/traces/mooncake_trace.jsonl").lexically_normal());
  EXPECT_EQ(tr.start_time, Seconds(10.0));
  EXPECT_EQ(tr.duration, Seconds(300.0));
  EXPECT_FALSE(tr.preserve_timing);
  const auto& tr2 = std::get<TraceReplayer>(spec.workloads[7].kind);
  EXPECT_EQ(tr2.trace_file.resolved, (t.root() / "traces/gmi_trace.jsonl").lexically_normal());
  EXPECT_FALSE(tr2.duration.has_value());  // "full"
  EXPECT_TRUE(tr2.preserve_timing);
  EXPECT_DOUBLE_EQ(tr2.speed_up, 10.0);
  EXPECT_EQ(tr2.max_delay, Seconds(5.0));
  EXPECT_TRUE(tr2.qps.empty());

  const auto& rnd = std::get<Random>(spec.workloads[8].kind);
  EXPECT_EQ(rnd.prompt_len, 200);
  EXPECT_EQ(rnd.qps[1].text, "2.0");

  const auto& v1 = std::get<VllmBenchmark>(spec.workloads[9].kind);
  EXPECT_EQ(v1.dataset_name, "random");
  EXPECT_EQ(v1.random_input_len, 1024);
  EXPECT_EQ(v1.random_output_len, 128);
  EXPECT_DOUBLE_EQ(v1.burstiness, 1.0);
  EXPECT_EQ(v1.request_rates[1].text, "4");
  const auto& v2 = std::get<VllmBenchmark>(spec.workloads[10].kind);
  EXPECT_EQ(v2.backend, "vllm");
  EXPECT_EQ(v2.num_prompts, 1000);
  ASSERT_EQ(v2.request_rates.size(), 1u);  // the original's default [1.0]
  EXPECT_EQ(v2.sonnet_input_len, 300);
  EXPECT_EQ(v2.sonnet_output_len, 150);
  EXPECT_EQ(v2.temperature, 0.7);
  EXPECT_EQ(v2.top_k, 50);
  EXPECT_EQ(v2.max_tokens, 64);
  EXPECT_EQ(v2.seed, 42);
  EXPECT_TRUE(v2.ignore_eos);
  EXPECT_EQ(v2.dataset_file->resolved, (t.root() / "3-workloads/vllm-benchmark-serving/sonnet.txt").lexically_normal());

  // Raw keys as written, for the result JSON.
  EXPECT_EQ(spec.workloads[1].raw.dump(),
            R"({"NUM_USERS_WARMUP":650,"NUM_USERS":350,"NUM_ROUNDS":20,"SYSTEM_PROMPT":0,"CHAT_HISTORY":20000,"ANSWER_LEN":1000,"QPS":[0.7,2],"USE_SHAREGPT":false})");
}

TEST(SpecLoad, MissingDataFilesAreWarningsThatNameEveryPlaceSearched) {
  TempTree t;
  const auto path = t.write("0-bench-specs/w.yaml", R"(Name: w
Serving:
  - Simulated: {modelURL: m}
Workload:
  TraceReplayer:
    TRACE_FILE: traces/nope.jsonl
    QPS: [1]
)");
  const Spec spec = load_spec(path, "0-bench-specs/w.yaml", {t.root(), std::nullopt});
  ASSERT_EQ(spec.warnings.size(), 1u);
  const std::string root = t.root().string();
  EXPECT_EQ(format_warning(spec.warnings[0]),
            "0-bench-specs/w.yaml:6:17: Workload.TraceReplayer.TRACE_FILE: data file 'traces/nope.jsonl' not found "
            "(looked in " + root + "/traces/nope.jsonl, " + root + "/3-workloads/trace-replayer/traces/nope.jsonl)");
  EXPECT_FALSE(std::get<TraceReplayer>(spec.workloads[0].kind).trace_file.resolved.has_value());
}

TEST(RunBenchLoad, ExpandsFoldersAndReadsInfrastructure) {
  TempTree t;
  const std::string spec = R"(Name: NAME
Serving:
  - Simulated: {modelURL: m}
Workload:
  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [1]}
)";
  auto named = [&](const std::string& n) { return std::string(spec).replace(spec.find("NAME"), 4, n); };
  t.write("0-bench-specs/routing/b.yaml", named("b"));
  t.write("0-bench-specs/routing/a.yaml", named("a"));
  t.write("0-bench-specs/routing/notes.txt", "not a spec");
  t.write("0-bench-specs/single.yaml", named("single"));
  const auto rb = t.write("run-bench.yaml", R"(0-bench-specs:
  - single.yaml
  - routing
1-infrastructure:
  Location: LMCacheGKE
  numClusterGPUs: 4
  A100_VRAM: 80
)");
  const Suite suite = load_suite(rb, std::nullopt);
  EXPECT_EQ(suite.run_bench.infrastructure.location, Location::kLMCacheGKE);
  EXPECT_EQ(suite.run_bench.infrastructure.num_cluster_gpus, 4);
  EXPECT_EQ(suite.run_bench.infrastructure.a100_vram_gb, 80);
  EXPECT_EQ(suite.run_bench.infrastructure.raw.dump(), R"({"Location":"LMCacheGKE","numClusterGPUs":4,"A100_VRAM":80})");
  ASSERT_EQ(suite.specs.size(), 3u);
  EXPECT_EQ(suite.specs[0].name, "single");
  EXPECT_EQ(suite.specs[1].name, "a");
  EXPECT_EQ(suite.specs[2].name, "b");
  EXPECT_EQ(detect_file_kind(rb), FileKind::kRunBench);
  EXPECT_EQ(detect_file_kind(t.path("0-bench-specs/single.yaml")), FileKind::kSpec);
}

TEST(RunBenchLoad, EveryLocationName) {
  for (const char* name : {"NoBench", "Local-Flat", "LocalMinikube", "LMCacheGKE", "Simulated", "Kubernetes"}) {
    const auto l = parse_location(name);
    ASSERT_TRUE(l.has_value()) << name;
    EXPECT_EQ(location_name(*l), name);
  }
  EXPECT_FALSE(parse_location("Cloud").has_value());
}

TEST(ValuesFile, ShippedRoutingValuesFilesLoad) {
  const std::filesystem::path dir =
      std::filesystem::path(LMBENCH_SOURCE_DIR) / "2-serving-engines/helm-production-stack/helm_configurations/routing";
  for (const char* logic : {"roundrobin", "session", "prefixaware", "kvaware"}) {
    const auto v = load_production_stack_values(dir / (std::string(logic) + ".yaml"), logic);
    EXPECT_EQ(v.engine.routing_logic, logic);
    EXPECT_EQ(v.engine.engines, 4);
    EXPECT_TRUE(v.engine.lmcache);
    EXPECT_DOUBLE_EQ(v.engine.cpu_offloading_buffer_gb, 30.0);
    EXPECT_EQ(v.model_url, "meta-llama/Llama-3.1-8B-Instruct");
  }
}

}  // namespace
}  // namespace lmbench::config

namespace lmbench::config {
namespace {

TEST(SpecLoad, HelmValuesTheSimulatorCannotReadAreAWarningNotAnError) {
  testing::TempTree t;
  t.write("2-serving-engines/helm-production-stack/helm_configurations/pd.yaml",
          "servingEngineSpec:\n  modelSpec:\n  - {modelURL: m}\nrouterSpec:\n  routingLogic: disaggregated_prefill\n");
  const auto path = t.write("s.yaml", R"(Name: pd
Serving:
  - Helm-ProductionStack: {helmConfigSelection: pd.yaml, hf_token: <YOUR_HF_TOKEN>, modelURL: m}
Workload:
  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [1]}
)");
  const Spec spec = load_spec(path, "s.yaml", {t.root(), std::nullopt});
  EXPECT_FALSE(std::get<HelmProductionStack>(spec.serving[0].kind).values.has_value());
  ASSERT_EQ(spec.warnings.size(), 1u);
  EXPECT_EQ(format_warning(spec.warnings[0]),
            "s.yaml:3:49: Serving[0].Helm-ProductionStack.helmConfigSelection: cannot be simulated: " +
                (t.root() / "2-serving-engines/helm-production-stack/helm_configurations/pd.yaml").string() +
                ":5:17: routerSpec.routingLogic: expected one of roundrobin, session, prefixaware, kvaware, leastloaded, "
                "found 'disaggregated_prefill'");
}

}  // namespace
}  // namespace lmbench::config
