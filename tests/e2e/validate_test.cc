// End-to-end: `lmbench validate` on the shipped files and on broken ones, as a child process.
#include <gtest/gtest.h>

#include <filesystem>

#include "config/temp_tree.h"
#include "e2e/run_binary.h"

namespace lmbench::e2e {
namespace {

using testing::TempTree;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(Validate, ShippedRunBenchPrintsThePlan) {
  const auto r = run_lmbench({"validate", "run-bench.yaml"}, {}, LMBENCH_SOURCE_DIR);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // the default suite needs no data file and no token
  for (const char* part :
       {"run-bench.yaml\n", "  Location: Simulated\n", "  spec 0-bench-specs/default/default-suite.yaml\n",
        "    Name: default-suite\n", "    Baselines (3):\n", "      plain_vllm          Simulated  ",
        "      vllm_lmcache        Simulated  ", "      lmcache_session_2x  Simulated  ",
        "2 engines, routing session on x-user-id", "      LMCacheSynthetic[0] (synthetic): QPS: 0.25, 0.5, 1;",
        "    Runs: 9 (3 baselines x 3 workload runs)\n",
        "    Artifacts: results/default-suite/{KEY}_{WORKLOAD}_{QPS}_{YYYYMMDD-HHMM}.json (+ .csv), e.g. plain_vllm_synthetic_0.25_",
        "valid: 1 file, 9 runs, 0 warnings\n"}) {
    EXPECT_TRUE(contains(r.out, part)) << part << "\n--- stdout ---\n" << r.out;
  }
}

// The shipped routing comparison: five simulated four-engine baselines, one per routing logic,
// on 40 GB A100 profiles.
TEST(Validate, ShippedRoutingRunBenchPrintsThePlan) {
  const auto r = run_lmbench({"validate", "run-bench-routing.yaml"}, {}, LMBENCH_SOURCE_DIR);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* policy : {"roundrobin", "session", "prefixaware", "kvaware", "leastloaded"}) {
    EXPECT_TRUE(contains(r.out, std::string("      sim_routing_") + policy + " ")) << policy << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, std::string("4 engines, routing ") + policy)) << policy << "\n" << r.out;
  }
  EXPECT_TRUE(contains(r.out, "LMCache 30 GB CPU")) << r.out;
  EXPECT_TRUE(contains(r.out, "profile llama-3.1-8b-a100-40gb, timeScale 10")) << r.out;
  EXPECT_TRUE(contains(r.out, "    Runs: 15 (5 baselines x 3 workload runs)\n")) << r.out;
}

TEST(Validate, EveryShippedSpecIsValid) {
  std::vector<std::string> args = {"validate"};
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::filesystem::path(LMBENCH_SOURCE_DIR) / "0-bench-specs")) {
    if (e.path().extension() == ".yaml") {
      args.push_back(std::filesystem::relative(e.path(), LMBENCH_SOURCE_DIR).string());
    }
  }
  ASSERT_GE(args.size(), 5u);
  const auto r = run_lmbench(args, {"HF_TOKEN=hf_e2e_SECRET_value", "VLLM_API_KEY=sk-e2e"}, LMBENCH_SOURCE_DIR);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* key : {"helm_basic_llama-3.1-8b-lmcache ", "basic_llama-3.1-8b-vllm ", "sglang_comparison_baseline ",
                          "rayserve_comparison_baseline_h100 ", "dynamo_agg-llama-3.1-8b ", "llmd_basic_llama-3.1-8b ",
                          "flat_basic_lmcache_run_llama8B ", "local_vllm ", "sim ", "sim_routing_session ",
                          "helm_routing_kvaware ", "sim_routing_prefixaware "}) {
    EXPECT_TRUE(contains(r.out, "      " + std::string(key))) << key;
  }
  for (const char* workload : {"(sharegpt)", "(synthetic)", "(strict_synthetic)", "(agentic)", "(trace_replayer)",
                               "(random)", "(vllm_random)", "(vllm_sonnet)"}) {
    EXPECT_TRUE(contains(r.out, workload)) << workload;
  }
  // Tokens are never printed, only whether they are set.
  EXPECT_TRUE(contains(r.out, "hf_token <set>"));
  EXPECT_TRUE(contains(r.out, "apiKeyEnv VLLM_API_KEY <set>"));
  EXPECT_FALSE(contains(r.out + r.err, "hf_e2e_SECRET_value"));
  EXPECT_FALSE(contains(r.out + r.err, "sk-e2e"));
  // The public traces and sonnet.txt are shipped under 3-workloads/ and found there; the ShareGPT
  // data (which the original downloads) is not: a warning, not an error.
  EXPECT_TRUE(contains(r.err, "lmbench: warning: 0-bench-specs/examples/every-workload.yaml:"));
  EXPECT_TRUE(contains(r.err, "SHAREGPT_FILE: data file 'sharegpt-data.json' not found (looked in "));
  EXPECT_FALSE(contains(r.err, "TRACE_FILE")) << r.err;
  EXPECT_FALSE(contains(r.err, "DATASET_PATH")) << r.err;
}

struct Broken {
  const char* file_text;
  const char* expected_err;
};

TEST(Validate, BrokenSpecsExitOneWithTheOneLineError) {
  const Broken cases[] = {
      {"Name: bad\nServing:\n  - Simulated: {modelURL: m}\nWorkload:\n LMCacheSynthetic:\n - NUM_USERS_WARMUP: 1\n   QPS: fast\n"
       "   NUM_USERS: 1\n   NUM_ROUNDS: 1\n   SYSTEM_PROMPT: 0\n   CHAT_HISTORY: 10\n   ANSWER_LEN: 10\n",
       "lmbench: error: 0-bench-specs/bad.yaml:7:9: Workload.LMCacheSynthetic[0].QPS: expected a list of positive numbers, found 'fast'\n"},
      {"Name: bad\nServing:\n  - Simulated: {modelURL: m}\nWorkload:\n  LMCacheSynthetic:\n    - NUM_USER: 10\n",
       "lmbench: error: 0-bench-specs/bad.yaml:6:7: unknown key 'NUM_USER' in LMCacheSynthetic (did you mean 'NUM_USERS'?)\n"},
      {"Name: \"a/b\"\nServing:\n  - Simulated: {modelURL: m}\nWorkload: {}\n",
       "lmbench: error: 0-bench-specs/bad.yaml:1:7: Name: 'a/b' is not usable as a folder name: it contains '/' (results "
       "go to <results>/<Name>/)\n"},
      {"Name: bad\nServing: []\nWorkload: {}\n",
       "lmbench: error: 0-bench-specs/bad.yaml:2:10: Serving: expected a non-empty list of baselines, found an empty list\n"},
      {"Name: bad\nServing:\n  - Simulated: {modelURL: m\n",
       "lmbench: error: 0-bench-specs/bad.yaml:4:1: invalid YAML: end of map flow not found\n"},
      {"just text\n",
       "lmbench: error: 0-bench-specs/bad.yaml:1:1: file: expected a run-bench file (0-bench-specs, 1-infrastructure) or a "
       "spec file (Name, Serving, Workload), found 'just text'\n"},
  };
  for (const auto& c : cases) {
    TempTree t;
    t.write("0-bench-specs/bad.yaml", c.file_text);
    const auto r = run_lmbench({"validate", "0-bench-specs/bad.yaml"}, {}, t.root().string());
    EXPECT_EQ(r.exit_code, 1) << c.file_text;
    EXPECT_EQ(r.err, c.expected_err);
    EXPECT_EQ(r.out, "");
  }
}

TEST(Validate, BrokenRunBenchFiles) {
  TempTree t;
  t.write("0-bench-specs/ok.yaml",
          "Name: ok\nServing:\n  - Simulated: {modelURL: m}\nWorkload:\n  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [1]}\n");
  t.write("unknown-location.yaml", "0-bench-specs:\n  - ok.yaml\n1-infrastructure:\n  Location: Cloud\n");
  t.write("missing-spec.yaml", "0-bench-specs:\n  - ok.yaml\n  - nope.yaml\n1-infrastructure:\n  Location: Simulated\n");
  auto r = run_lmbench({"validate", "unknown-location.yaml"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "lmbench: error: unknown-location.yaml:4:13: 1-infrastructure.Location: expected one of NoBench, Local-Flat, "
            "LocalMinikube, LMCacheGKE, Simulated, Kubernetes, found 'Cloud'\n");
  r = run_lmbench({"validate", "missing-spec.yaml"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "lmbench: error: missing-spec.yaml:3:5: 0-bench-specs[1]: spec file not found: 0-bench-specs/nope.yaml\n");
  r = run_lmbench({"validate", "no-such-file.yaml"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "lmbench: error: no-such-file.yaml: file not found\n");
  r = run_lmbench({"validate"}, {}, t.root().string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(r.err.empty());
}

TEST(Validate, MissingDataFileIsAWarningAndSpecsAloneFindTheirProjectFolder) {
  TempTree t;
  t.write("3-workloads/trace-replayer/traces/here.jsonl", "{}\n");
  t.write("0-bench-specs/sub/trace.yaml", R"(Name: trace
Serving:
  - Simulated: {modelURL: m}
Workload:
  TraceReplayer:
    - {TRACE_FILE: traces/here.jsonl, QPS: [1]}
    - {TRACE_FILE: traces/gone.jsonl, QPS: [1]}
)");
  const auto r = run_lmbench({"validate", "0-bench-specs/sub/trace.yaml"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err,
            "lmbench: warning: 0-bench-specs/sub/trace.yaml:7:20: Workload.TraceReplayer[1].TRACE_FILE: data file "
            "'traces/gone.jsonl' not found (looked in traces/gone.jsonl, 3-workloads/trace-replayer/traces/gone.jsonl)\n");
  EXPECT_TRUE(contains(r.out, "valid: 1 file, 2 runs, 1 warning\n"));
}

}  // namespace
}  // namespace lmbench::e2e

namespace lmbench::e2e {
namespace {

// A token written into a spec is a warning naming the file and line (never the token), and
// saying what to write instead; the placeholder is not.
TEST(Validate, ALiteralHfTokenInASpecIsAWarningWithFileAndLine) {
  TempTree t;
  t.write("0-bench-specs/token.yaml",
          "Name: token\nServing:\n  - Helm-ProductionStack:\n      helmConfigSelection: basic/x.yaml\n"
          "      hf_token: hf_LiteralTok3nInTheFile\n      modelURL: m\n"
          "  - Helm-ProductionStack:\n      helmConfigSelection: basic/y.yaml\n"
          "      hf_token: <YOUR_HF_TOKEN>\n      modelURL: m\n"
          "Workload:\n  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 4, ANSWER_LEN: 2, QPS: [1]}\n");
  const auto r = run_lmbench({"validate", "0-bench-specs/token.yaml"}, {"HF_TOKEN=hf_FromTheEnvironment"},
                             t.root().string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "lmbench: warning: 0-bench-specs/token.yaml:5:17: Serving[0].Helm-ProductionStack.hf_token: "
                              "a literal token is written in this file"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "write hf_token: <YOUR_HF_TOKEN> and export HF_TOKEN instead")) << r.err;
  EXPECT_FALSE(contains(r.err, "token.yaml:9:")) << r.err;  // the placeholder is fine
  EXPECT_FALSE(contains(r.err + r.out, "hf_LiteralTok3nInTheFile"));
  EXPECT_FALSE(contains(r.err + r.out, "hf_FromTheEnvironment"));
}

TEST(Validate, UnknownSimulatorProfileIsAConfigError) {
  testing::TempTree t;
  t.write("0-bench-specs/p.yaml",
          "Name: p\nServing:\n  - Simulated: {modelURL: m, profile: a100}\nWorkload:\n"
          "  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [1]}\n");
  const auto r = run_lmbench({"validate", "0-bench-specs/p.yaml"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1);
  // The rest of the message (the known profiles) is the simulator's.
  EXPECT_EQ(r.err.rfind("lmbench: error: 0-bench-specs/p.yaml:3:5: Serving[0].Simulated.profile: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("'a100'"), std::string::npos) << r.err;
}

// A workload whose requests can outgrow a baseline's context length is a warning naming both,
// before any run fails them; a Simulated baseline without maxModelLen has the simulator's 131,072.
TEST(Validate, RequestsLongerThanABaselinesContextAreAWarning) {
  TempTree t;
  t.write("0-bench-specs/ctx.yaml",
          "Name: ctx\nServing:\n  - Simulated: {name: short, modelURL: m, maxModelLen: 32768}\n"
          "  - Simulated: {name: long, modelURL: m}\n"
          "Workload:\n  TraceReplayer:\n    - {TRACE_FILE: " LMBENCH_WORKLOADS_DIR "/trace-replayer/traces/mooncake_trace.jsonl, "
          "START_TIME: 0, DURATION: 300, PRESERVE_TIMING: false, QPS: [1]}\n"
          "  LMCacheSynthetic:\n    - {NUM_USERS: 2, NUM_ROUNDS: 20, SYSTEM_PROMPT: 1000, CHAT_HISTORY: 30000, "
          "ANSWER_LEN: 100, QPS: [1]}\n");
  const auto r = run_lmbench({"validate", "0-bench-specs/ctx.yaml"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "maxModelLen 131072")) << r.out;
  EXPECT_TRUE(contains(r.err, "ctx.yaml:9:7: Workload.LMCacheSynthetic[0]: requests can reach 33646 tokens (prompt + "
                              "max_tokens, round 20 of a user), above baseline short's context length of 32768"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "ctx.yaml:7:7: Workload.TraceReplayer[0]: requests can reach 126527 tokens"));
  EXPECT_TRUE(contains(r.err, "846 of 12031 trace lines exceed it and will fail with HTTP 400")) << r.err;
  EXPECT_FALSE(contains(r.err, "baseline long's")) << r.err;
  EXPECT_TRUE(contains(r.out, "2 warnings")) << r.out;
}

// Two baselines with one KEY: the second's results are renamed, and validate says so.
TEST(Validate, ARenamedDuplicateKeyIsAWarning) {
  TempTree t;
  t.write("0-bench-specs/dup.yaml",
          "Name: dup\nServing:\n  - Simulated: {name: sim, modelURL: m}\n  - Simulated: {name: sim, modelURL: m, "
          "lmcache: true}\nWorkload:\n  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 4, ANSWER_LEN: 2, QPS: [1]}\n");
  const auto r = run_lmbench({"validate", "0-bench-specs/dup.yaml"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "dup.yaml:4:5: Serving[1].Simulated: an earlier baseline has the KEY sim; this one's "
                              "results are named sim_2"))
      << r.err;
  EXPECT_TRUE(contains(r.out, "      sim_2 ")) << r.out;
}

}  // namespace
}  // namespace lmbench::e2e
