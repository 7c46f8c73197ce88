// The per-run result JSON: the original's keys, secrets removed, written atomically.
#include <gtest/gtest.h>

#include "config/spec.h"
#include "config/temp_tree.h"
#include "core/files.h"
#include "suite/artifacts.h"
#include "suite/plan.h"

namespace lmbench::suite {
namespace {

using testing::TempTree;

constexpr const char* kSpec = R"(Name: routing-benchmark
Serving:
  - Helm-ProductionStack:
      helmConfigSelection: routing/session.yaml
      hf_token: <YOUR_HF_TOKEN>
      modelURL: meta-llama/Llama-3.1-8B-Instruct
  - Endpoint: {baseURL: "http://127.0.0.1:9", modelURL: m, apiKeyEnv: MY_KEY, api_key: sk-inline-secret}
Workload:
  LMCacheSynthetic:
    - NUM_USERS_WARMUP: 20
      NUM_USERS: 15
      NUM_ROUNDS: 20
      SYSTEM_PROMPT: 1000
      CHAT_HISTORY: 20000
      ANSWER_LEN: 100
      QPS: [0.7, 2]
      USE_SHAREGPT: false
  StrictSynthetic:
    NUM_CONCURRENT_USERS: 20
    NUM_ROUNDS_PER_USER: 2
    TIME_BETWEEN_REQUESTS_PER_USER: [12]
    SHARED_SYSTEM_PROMPT_LEN: 0
    FIRST_PROMPT_LEN: 1
    FOLLOW_UP_PROMPTS_LEN: 1
    ANSWER_LEN: 1
  Agentic: {NUM_AGENTS: 2, NUM_ROUNDS: 1, SYSTEM_PROMPT: 0, CHAT_HISTORY: 1, ANSWER_LEN: 1}
  TraceReplayer: {TRACE_FILE: t.jsonl, PRESERVE_TIMING: true, SPEED_UP: 2.0}
  VLLMBenchmark: {DATASET_NAME: random, REQUEST_RATES: [4]}
)";

struct Loaded {
  TempTree tree;
  Plan plan;
};

std::unique_ptr<Loaded> load() {
  auto l = std::make_unique<Loaded>();
  // The Endpoint's extra key must be rejected by the config, so the spec used for the plan drops
  // it; the inline secret is exercised on the raw map below.
  std::string text = kSpec;
  text.replace(text.find(", api_key: sk-inline-secret"), std::string(", api_key: sk-inline-secret").size(), "");
  const auto path = l->tree.write("0-bench-specs/s.yaml", text);
  std::vector<config::Spec> specs;
  specs.push_back(config::load_spec(path, "0-bench-specs/s.yaml", {l->tree.root(), std::string("hf_SECRET123")}));
  config::Infrastructure infra;
  infra.raw = {{"Location", "Simulated"}};
  l->plan = make_plan(infra, std::move(specs));
  return l;
}

TEST(Artifacts, EnvelopeHasTheOriginalKeysAndNoSecrets) {
  const auto l = load();
  const PlannedRun& run = l->plan.suites[0].baselines[0].runs[0];
  const config::Baseline& baseline = l->plan.baseline_of(run);
  ASSERT_EQ(baseline.hf_token, "hf_SECRET123");

  metrics::RunFile e;
  e.name = l->plan.spec_of(run).name;
  e.session_id = "lmbench-1700000000-1a2b3c4d";
  e.timestamp = "20250529-0758";
  e.key = run.key;
  e.results = nlohmann::ordered_json{{"successful_requests", 10}, {"benchmark_duration_s", 1.5}};
  e.infra = l->plan.infrastructure.raw;
  e.serving = {{"baseline_type", baseline.type}, {"config", baseline.raw}};
  e.workload = workload_json(l->plan.workload_of(run), run, std::nullopt);

  const std::string file = artifact_stem(e.key, run.workload_name, qps_label_for(run, std::nullopt), e.timestamp) + ".json";
  EXPECT_EQ(file, "helm_routing_session_synthetic_0.7_20250529-0758.json");
  const auto path = run_json_path(l->tree.path("results"), e.name, artifact_stem(e.key, run.workload_name, "0.7", e.timestamp));
  write_run_json(path, e, {*baseline.hf_token});

  const std::string text = core::read_file(path);
  EXPECT_EQ(text, R"({
  "name": "routing-benchmark",
  "lmbench-session-id": "lmbench-1700000000-1a2b3c4d",
  "timestamp": "20250529-0758",
  "key": "helm_routing_session",
  "results": {
    "successful_requests": 10,
    "benchmark_duration_s": 1.5
  },
  "infra": {
    "Location": "Simulated"
  },
  "serving": {
    "baseline_type": "Helm-ProductionStack",
    "config": {
      "helmConfigSelection": "routing/session.yaml",
      "modelURL": "meta-llama/Llama-3.1-8B-Instruct"
    }
  },
  "workload": {
    "WORKLOAD": "synthetic",
    "QPS": 0.7,
    "NUM_USERS_WARMUP": 20,
    "NUM_USERS": 15,
    "NUM_ROUNDS": 20,
    "SYSTEM_PROMPT": 1000,
    "CHAT_HISTORY": 20000,
    "ANSWER_LEN": 100,
    "USE_SHAREGPT": false
  }
}
)");
  EXPECT_EQ(text.find("hf_SECRET123"), std::string::npos);
  // Only the final file is left in the suite folder.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path.parent_path())) {
    EXPECT_EQ(entry.path().filename(), file);
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(Artifacts, QpsIsANumberAsWritten) {
  const auto l = load();
  const PlannedRun& run = l->plan.suites[0].baselines[0].runs[1];
  const auto w = workload_json(l->plan.workload_of(run), run, std::nullopt);
  EXPECT_TRUE(w["QPS"].is_number_integer());
  EXPECT_EQ(w["QPS"], 2);
}

TEST(Artifacts, WorkloadObjectPerSweepKind) {
  const auto l = load();
  const auto& runs = l->plan.suites[0].baselines[0].runs;
  ASSERT_EQ(runs.size(), 6u);
  // StrictSynthetic: the single TIME_BETWEEN_REQUESTS_PER_USER and QPS = users / time.
  EXPECT_EQ(workload_json(l->plan.workload_of(runs[2]), runs[2], std::nullopt).dump(),
            R"({"WORKLOAD":"strict_synthetic","QPS":1.67,"NUM_CONCURRENT_USERS":20,"NUM_ROUNDS_PER_USER":2,)"
            R"("TIME_BETWEEN_REQUESTS_PER_USER":12,"SHARED_SYSTEM_PROMPT_LEN":0,"FIRST_PROMPT_LEN":1,)"
            R"("FOLLOW_UP_PROMPTS_LEN":1,"ANSWER_LEN":1})");
  // Agentic: the measured QPS and the interval under the original's NEW_USER_INTERVAL.
  EXPECT_EQ(workload_json(l->plan.workload_of(runs[3]), runs[3], 3.14159).dump(),
            R"({"WORKLOAD":"agentic","QPS":3.14,"NUM_AGENTS":2,"NUM_ROUNDS":1,"SYSTEM_PROMPT":0,"CHAT_HISTORY":1,)"
            R"("ANSWER_LEN":1,"NEW_USER_INTERVAL":2})");
  EXPECT_EQ(qps_label_for(runs[3], 3.14159), "3.14");
  // A timed trace replay has no QPS.
  EXPECT_EQ(workload_json(l->plan.workload_of(runs[4]), runs[4], std::nullopt).dump(),
            R"({"WORKLOAD":"trace_replayer","MODE":"timed","TRACE_FILE":"t.jsonl","PRESERVE_TIMING":true,"SPEED_UP":2.0})");
  // VLLMBenchmark: REQUEST_RATE and QPS.
  EXPECT_EQ(workload_json(l->plan.workload_of(runs[5]), runs[5], std::nullopt).dump(),
            R"({"WORKLOAD":"vllm_random","QPS":4,"DATASET_NAME":"random","REQUEST_RATE":4})");
}

TEST(Artifacts, StripSecretsRemovesCredentialKeysAndSecretValues) {
  const auto config = nlohmann::ordered_json::parse(R"({
    "modelURL": "m", "hf_token": "<YOUR_HF_TOKEN>", "api_key": "sk-inline-secret", "apiKeyEnv": "MY_KEY",
    "HF_TOKEN": "x", "password": "p", "clientSecret": "s",
    "nested": {"authToken": "t", "note": "uses hf_SECRET123 inline", "keep": 1},
    "args": ["--flag", "hf_SECRET123", "--other"]})");
  EXPECT_EQ(strip_secrets(config, {"hf_SECRET123"}).dump(),
            R"({"modelURL":"m","apiKeyEnv":"MY_KEY","nested":{"keep":1},"args":["--flag","--other"]})");
}

}  // namespace
}  // namespace lmbench::suite
