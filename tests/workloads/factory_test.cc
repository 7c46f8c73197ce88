#include "workloads/factory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/spec.h"
#include "core/error.h"
#include "workload_driver.h"

namespace lmbench::workloads {
namespace {

namespace fs = std::filesystem;
using testing::drive;
using testing::secs;

struct Project {
  fs::path root;
  fs::path spec;
};

// A project folder with a spec naming every workload type, and the data files they read.
Project write_project(const std::string& name, const std::string& sharegpt_json) {
  Project p;
  p.root = fs::path(::testing::TempDir()) / name;
  fs::create_directories(p.root / "0-bench-specs");
  std::ofstream(p.root / "sharegpt.json") << sharegpt_json;
  std::ofstream(p.root / "prompts.jsonl") << "{\"prompt\": \"Hello there, friend.\", \"output_len\": 9}\n";
  p.spec = p.root / "0-bench-specs" / "all.yaml";
  std::ofstream(p.spec) << R"(Name: factory
Serving:
  - Simulated: {modelURL: m}
Workload:
  LMCacheSynthetic:
    - {NUM_USERS: 2, NUM_ROUNDS: 2, SYSTEM_PROMPT: 12, CHAT_HISTORY: 10, ANSWER_LEN: 5, QPS: [1, 2], DURATION: 3}
    - {NUM_USERS: 1, NUM_ROUNDS: 1, SYSTEM_PROMPT: 12, CHAT_HISTORY: 0, ANSWER_LEN: 5, QPS: [1], DURATION: 1, USE_SHAREGPT: true, SHAREGPT_FILE: sharegpt.json}
  StrictSynthetic: {NUM_CONCURRENT_USERS: 2, NUM_ROUNDS_PER_USER: 2, TIME_BETWEEN_REQUESTS_PER_USER: [4], SHARED_SYSTEM_PROMPT_LEN: 8, FIRST_PROMPT_LEN: 8, FOLLOW_UP_PROMPTS_LEN: 4, ANSWER_LEN: 4, KV_REUSE_RATIO: 0.5}
  Agentic: {NUM_USERS_WARMUP: 0, NUM_AGENTS: 2, NUM_ROUNDS: 2, SYSTEM_PROMPT: 8, CHAT_HISTORY: 8, ANSWER_LEN: 4, NEW_USER_INTERVALS: [1, 3], DURATION: 4, MODELS: [a, b]}
  Random: {NUM_USERS: 2, NUM_ROUNDS: 2, PROMPT_LEN: 16, ANSWER_LEN: 4, QPS: [4]}
  ShareGPT: {LIMIT: 5, MIN_ROUNDS: 1, START_ROUND: 0, QPS: [2], SHAREGPT_FILE: sharegpt.json}
  TraceReplayer: {TRACE_FILE: )" LMBENCH_WORKLOADS_DIR R"(/trace-replayer/traces/mooncake_trace.jsonl, START_TIME: 0, DURATION: 2, PRESERVE_TIMING: true, SPEED_UP: 1, QPS: [1]}
  VLLMBenchmark:
    - {DATASET_NAME: sonnet, DATASET_PATH: )" LMBENCH_WORKLOADS_DIR R"(/vllm-benchmark-serving/sonnet.txt, NUM_PROMPTS: 3, REQUEST_RATES: [5], SONNET_INPUT_LEN: 120, SONNET_PREFIX_LEN: 60, SONNET_OUTPUT_LEN: 7}
    - {DATASET_NAME: custom, DATASET_PATH: prompts.jsonl, NUM_PROMPTS: 3, REQUEST_RATES: [5]}
    - {DATASET_NAME: random, NUM_PROMPTS: 4, REQUEST_RATES: [5], RANDOM_INPUT_LEN: 20, RANDOM_OUTPUT_LEN: 3}
)";
  return p;
}

const char* kShareGpt = R"([{"conversations": [{"from": "human", "value": "Why is the sea salty?"},
  {"from": "gpt", "value": "Rivers carry dissolved minerals into it."}]}])";

WorkloadContext context() {
  WorkloadContext c;
  c.tokenizer = &testing::tokenizer();
  c.synth = &testing::synth();
  c.api = Api::kChat;
  c.model = "m";
  c.seed = 5;
  return c;
}

const config::WorkloadConfig& find(const config::Spec& spec, const std::string& type, int index = 0) {
  for (const auto& w : spec.workloads) {
    if (w.type == type && w.index == index) return w;
  }
  throw std::runtime_error("no " + type);
}

TEST(WorkloadFactory, BuildsEveryWorkloadTypeFromASpec) {
  const Project p = write_project("factory_all", kShareGpt);
  const config::Spec spec = config::load_spec(p.spec, "all.yaml", {p.root, std::nullopt});
  const std::vector<std::pair<std::string, std::string>> types = {
      {"LMCacheSynthetic", "synthetic"}, {"StrictSynthetic", "strict_synthetic"}, {"Agentic", "agentic"},
      {"Random", "random"},              {"ShareGPT", "sharegpt"},                {"TraceReplayer", "trace_replayer"}};
  for (const auto& [type, name] : types) {
    const auto w = make_workload(find(spec, type), 0, context());
    EXPECT_EQ(w->name(), name);
    core::ManualClock clock;
    const auto sent = drive(*w, clock, {}, 50);
    EXPECT_FALSE(sent.empty()) << type;
    for (const auto& s : sent) {
      EXPECT_EQ(s.req.api, Api::kChat) << type;
      EXPECT_GT(s.req.prompt_tokens, 0) << type;
    }
  }
  const std::vector<std::string> vllm = {"vllm_sonnet", "vllm_custom", "vllm_random"};
  for (int i = 0; i < 3; ++i) {
    const auto w = make_workload(find(spec, "VLLMBenchmark", i), 0, context());
    EXPECT_EQ(w->name(), vllm[static_cast<std::size_t>(i)]);
    core::ManualClock clock;
    EXPECT_FALSE(drive(*w, clock).empty());
  }
}

TEST(WorkloadFactory, PicksTheRunsRateAndHonoursTheDurationOverride) {
  const Project p = write_project("factory_rates", kShareGpt);
  const config::Spec spec = config::load_spec(p.spec, "all.yaml", {p.root, std::nullopt});
  const auto& synthetic = find(spec, "LMCacheSynthetic");
  EXPECT_EQ(run_count(synthetic), 2u);
  EXPECT_EQ(run_count(find(spec, "TraceReplayer")), 1u) << "a timed replay is one run";

  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  const auto w = make_workload(synthetic, 1, context());  // QPS 2: slots 0.5 s apart, DURATION 3 s
  const auto sent = drive(*w, clock);
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_NEAR(secs(t0, sent[1].req.intended_send), 0.5, 1e-9);

  auto capped = context();
  capped.duration = std::chrono::seconds(1);
  core::ManualClock clock2;
  const auto short_run = make_workload(synthetic, 1, capped);
  EXPECT_EQ(drive(*short_run, clock2).size(), 2u);

  // Agentic's second interval (3 s) over 4 s: users join at 0 and 3 s.
  core::ManualClock clock3;
  const core::TimePoint a0 = clock3.now();
  const auto agentic = make_workload(find(spec, "Agentic"), 1, context());
  const auto sent3 = drive(*agentic, clock3);
  ASSERT_EQ(sent3.size(), 4u);
  EXPECT_EQ(sent3[0].req.model, "a");
  EXPECT_EQ(sent3[1].req.model, "b");
  EXPECT_NEAR(secs(a0, sent3[2].req.intended_send), 3.0, 1e-9);

  // USE_SHAREGPT: questions from the ShareGPT file.
  core::ManualClock clock4;
  const auto from_sharegpt = make_workload(find(spec, "LMCacheSynthetic", 1), 0, context());
  const auto sent4 = drive(*from_sharegpt, clock4);
  ASSERT_EQ(sent4.size(), 1u);
  EXPECT_EQ(sent4[0].req.messages.back().content, "Why is the sea salty?");

  EXPECT_THROW(make_workload(synthetic, 2, context()), core::ConfigError);
  EXPECT_THROW(make_workload(find(spec, "TraceReplayer"), 1, context()), core::ConfigError);
  EXPECT_THROW(make_workload(synthetic, 0, WorkloadContext{}), core::ConfigError) << "no tokenizer";
}

TEST(WorkloadFactory, DataFileErrorsNameTheFile) {
  const Project p = write_project("factory_bad", "[{\"conversations\": ");
  const config::Spec spec = config::load_spec(p.spec, "all.yaml", {p.root, std::nullopt});
  try {
    make_workload(find(spec, "ShareGPT"), 0, context());
    FAIL() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sharegpt.json: not a ShareGPT JSON file"), std::string::npos) << e.what();
  }
  fs::remove(p.root / "prompts.jsonl");
  const config::Spec missing = config::load_spec(p.spec, "all.yaml", {p.root, std::nullopt});
  try {
    make_workload(find(missing, "VLLMBenchmark", 1), 0, context());
    FAIL() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("prompts.jsonl"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("DATASET_PATH"), std::string::npos) << e.what();
  }
}

// Every run of a suite gets its own prompt salt: no prompt of one run shares a KV-cache block (16
// tokens) with any prompt of another, for every workload type, while the schedule is the same and
// what a workload shares within a run (a trace's common hash ids, the sonnet prefix, a system
// prompt) stays shared.
TEST(WorkloadFactory, EveryWorkloadTypeSendsNewPromptsInEachRunAndSharesWithinOne) {
  const Project p = write_project("factory_salt", kShareGpt);
  const config::Spec spec = config::load_spec(p.spec, "all.yaml", {p.root, std::nullopt});
  auto run = [&](const config::WorkloadConfig& cfg, std::uint64_t salt) {
    auto c = context();
    c.api = Api::kCompletions;
    c.salt = salt;
    const auto w = make_workload(cfg, 0, c);
    core::ManualClock clock;
    return drive(*w, clock, {}, 40);
  };
  int configs = 0;
  for (const auto& cfg : spec.workloads) {
    ++configs;
    const auto a = run(cfg, 101);
    const auto b = run(cfg, 202);
    ASSERT_FALSE(a.empty()) << cfg.path;
    ASSERT_EQ(a.size(), b.size()) << cfg.path;
    std::vector<std::vector<text::TokenId>> ta, tb;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].req.intended_send, b[i].req.intended_send) << cfg.path << " request " << i;
      EXPECT_EQ(a[i].req.max_tokens, b[i].req.max_tokens) << cfg.path << " request " << i;
      ta.push_back(testing::ids(a[i].req.prompt));
      tb.push_back(testing::ids(b[i].req.prompt));
    }
    std::size_t longest = 0;
    for (const auto& x : ta) {
      for (const auto& y : tb) longest = std::max(longest, testing::common_prefix(x, y));
    }
    EXPECT_LT(longest, 16u) << cfg.path << ": two runs share a cache block";
    // Unsalted (0), the same config twice gives the same prompts: salting is what separates runs.
    const auto c0 = run(cfg, 0);
    const auto c1 = run(cfg, 0);
    EXPECT_EQ(c0.front().req.prompt, c1.front().req.prompt) << cfg.path;
  }
  EXPECT_EQ(configs, 10);

  // Within one salted run: trace requests with the same first hash id share that 512-token
  // block, and sonnet prompts share their prefix.
  const auto& trace_cfg = find(spec, "TraceReplayer");
  auto c = context();
  c.api = Api::kCompletions;
  c.salt = 101;
  const auto trace = make_workload(trace_cfg, 0, c);
  core::ManualClock clock;
  const auto sent = drive(*trace, clock, {}, 40);
  ASSERT_GE(sent.size(), 2u);
  EXPECT_GE(testing::common_prefix(testing::ids(sent[0].req.prompt), testing::ids(sent[1].req.prompt)), 512u)
      << "the first Mooncake lines share hash id 0";
  const auto sonnet = make_workload(find(spec, "VLLMBenchmark", 0), 0, c);
  core::ManualClock clock2;
  const auto poems = drive(*sonnet, clock2);
  ASSERT_GE(poems.size(), 2u);
  EXPECT_GE(testing::common_prefix(testing::ids(poems[0].req.prompt), testing::ids(poems[1].req.prompt)), 50u);
  EXPECT_EQ(poems[0].req.prompt_tokens, static_cast<int>(testing::ids(poems[0].req.prompt).size()));
}

}  // namespace
}  // namespace lmbench::workloads
