// Broken input gets one clear line: file, line, column, key path, what was expected, what was found.
#include <gtest/gtest.h>

#include "config/run_bench.h"
#include "config/spec.h"
#include "config/temp_tree.h"
#include "config/values_file.h"

namespace lmbench::config {
namespace {

using testing::TempTree;

// Loads `text` as 0-bench-specs/bad.yaml of a fresh project and returns the error message.
std::string spec_error(const std::string& text, const TempTree* tree = nullptr) {
  TempTree own;
  const TempTree& t = tree ? *tree : own;
  const auto path = t.write("0-bench-specs/bad.yaml", text);
  try {
    load_spec(path, "0-bench-specs/bad.yaml", {t.root(), std::nullopt});
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

// Loads `text` as run-bench.yaml and returns the error message with the temp folder shown as "<root>".
std::string run_bench_error(const std::string& text, const TempTree& t) {
  const auto path = t.write("run-bench.yaml", text);
  return t.config_error([&] { load_suite(path, std::nullopt); });
}

constexpr const char* kGoodServing = "Serving:\n  - Simulated: {modelURL: m}\n";
constexpr const char* kGoodWorkload =
    "Workload:\n  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [1]}\n";

std::string with_workload(const std::string& workload) { return std::string("Name: bad\n") + kGoodServing + workload; }
std::string with_serving(const std::string& serving) { return "Name: bad\n" + serving + kGoodWorkload; }

TEST(ConfigErrors, QpsNotAListOfPositiveNumbers) {
  EXPECT_EQ(spec_error("Name: bad\n"
                       "Serving:\n"
                       "  - Simulated: {modelURL: m}\n"
                       "Workload:\n"
                       " LMCacheSynthetic:\n"
                       " - NUM_USERS_WARMUP: 1\n"
                       "   QPS: fast\n"
                       "   NUM_USERS: 1\n"
                       "   NUM_ROUNDS: 1\n"
                       "   SYSTEM_PROMPT: 0\n"
                       "   CHAT_HISTORY: 10\n"
                       "   ANSWER_LEN: 10\n"),
            "0-bench-specs/bad.yaml:7:9: Workload.LMCacheSynthetic[0].QPS: expected a list of positive numbers, found 'fast'");
  EXPECT_EQ(spec_error(with_workload("Workload:\n  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: [0.7, -1]}\n")),
            "0-bench-specs/bad.yaml:5:82: Workload.Random.QPS: expected a list of positive numbers, found '-1'");
  EXPECT_EQ(spec_error(with_workload("Workload:\n  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: []}\n")),
            "0-bench-specs/bad.yaml:5:76: Workload.Random.QPS: expected a list of positive numbers, found an empty list");
  EXPECT_EQ(spec_error(with_workload("Workload:\n  Random: {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 1, ANSWER_LEN: 1, QPS: 0.7}\n")),
            "0-bench-specs/bad.yaml:5:76: Workload.Random.QPS: expected a list of positive numbers, found '0.7'");
}

TEST(ConfigErrors, BadYaml) {
  EXPECT_EQ(spec_error("Name: bad\nServing:\n  - Simulated: {modelURL: m\nWorkload: {}\n"),
            "0-bench-specs/bad.yaml:4:9: invalid YAML: end of map flow not found");
}

TEST(ConfigErrors, WrongType) {
  EXPECT_EQ(spec_error(with_workload("Workload:\n  Random:\n    NUM_USERS: ten\n")),
            "0-bench-specs/bad.yaml:6:16: Workload.Random.NUM_USERS: expected a positive integer, found 'ten'");
  EXPECT_EQ(spec_error(with_workload("Workload:\n  Random:\n    NUM_USERS: \"5\"\n")),
            "0-bench-specs/bad.yaml:6:16: Workload.Random.NUM_USERS: expected a positive integer, found '\"5\"' (a quoted string)");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Simulated: {modelURL: m, lmcache: maybe}\n")),
            "0-bench-specs/bad.yaml:3:39: Serving[0].Simulated.lmcache: expected true or false, found 'maybe'");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Simulated: {modelURL: [a, b]}\n")),
            "0-bench-specs/bad.yaml:3:27: Serving[0].Simulated.modelURL: expected a string, found a list");
}

TEST(ConfigErrors, UnknownKeyWithNearestNameHint) {
  EXPECT_EQ(spec_error(with_workload("Workload:\n  LMCacheSynthetic:\n    - NUM_USER: 10\n")),
            "0-bench-specs/bad.yaml:6:7: unknown key 'NUM_USER' in LMCacheSynthetic (did you mean 'NUM_USERS'?)");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Helm-ProductionStack: {helmconfigselection: a.yaml}\n")),
            "0-bench-specs/bad.yaml:3:28: unknown key 'helmconfigselection' in Helm-ProductionStack (did you mean 'helmConfigSelection'?)");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Simulated: {modelURL: m, colour: blue}\n")),
            "0-bench-specs/bad.yaml:3:30: unknown key 'colour' in Simulated");
  EXPECT_EQ(spec_error("Name: bad\nServings: []\n"),
            "0-bench-specs/bad.yaml:2:1: unknown key 'Servings' in spec file (did you mean 'Serving'?)");
}

TEST(ConfigErrors, MissingRequiredKey) {
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Helm-ProductionStack: {helmConfigSelection: a.yaml, hf_token: t}\n")),
            "0-bench-specs/bad.yaml:3:27: Serving[0].Helm-ProductionStack: missing required key 'modelURL'");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Direct-ProductionStack: {kubernetesConfigSelection: a.yaml, modelURL: m}\n")),
            "0-bench-specs/bad.yaml:3:29: Serving[0].Direct-ProductionStack: missing required key 'hf_token'");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Dynamo:\n")),
            "0-bench-specs/bad.yaml:3:5: Serving[0].Dynamo: missing required key 'modelURL'");
  EXPECT_EQ(spec_error("Serving:\n  - Simulated: {modelURL: m}\n"),
            "0-bench-specs/bad.yaml:1:1: spec file: missing required key 'Name'");
  EXPECT_EQ(spec_error(with_workload("Workload:\n  TraceReplayer: {TRACE_FILE: t.jsonl}\n")),
            "0-bench-specs/bad.yaml:5:18: Workload.TraceReplayer: missing required key 'QPS' (needed unless PRESERVE_TIMING is true)");
}

TEST(ConfigErrors, EmptyServing) {
  EXPECT_EQ(spec_error(with_serving("Serving: []\n")),
            "0-bench-specs/bad.yaml:2:10: Serving: expected a non-empty list of baselines, found an empty list");
  EXPECT_EQ(spec_error(with_serving("Serving:\n")),
            "0-bench-specs/bad.yaml:2:1: Serving: expected a non-empty list of baselines, found nothing");
}

TEST(ConfigErrors, UnknownBaselineAndWorkloadTypes) {
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - SGlang: {scriptName: a.sh, modelURL: m}\n")),
            "0-bench-specs/bad.yaml:3:5: Serving[0]: unknown baseline type 'SGlang' (did you mean 'SGLang'?)");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - vLLM: {modelURL: m}\n")),
            "0-bench-specs/bad.yaml:3:5: Serving[0]: unknown baseline type 'vLLM' (expected one of Helm-ProductionStack, "
            "Direct-ProductionStack, SGLang, RayServe, Dynamo, LLM-D, Flat, Endpoint, Simulated)");
  EXPECT_EQ(spec_error(with_workload("Workload:\n  LMCacheSynthetics: {}\n")),
            "0-bench-specs/bad.yaml:5:3: Workload: unknown workload type 'LMCacheSynthetics' (did you mean 'LMCacheSynthetic'?)");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - {Simulated: {modelURL: m}, SGLang: {modelURL: m}}\n")),
            "0-bench-specs/bad.yaml:3:5: Serving[0]: expected a map with exactly one key, the baseline type, found 2 keys");
}

TEST(ConfigErrors, DuplicateKey) {
  EXPECT_EQ(spec_error(with_workload("Workload:\n  Random:\n    NUM_USERS: 1\n    NUM_USERS: 2\n")),
            "0-bench-specs/bad.yaml:7:5: duplicate key 'NUM_USERS' in Random (first given on line 6)");
}

TEST(ConfigErrors, SimulatedShapeFromTwoPlaces) {
  TempTree t;
  t.write("2-serving-engines/helm-production-stack/helm_configurations/v.yaml",
          "servingEngineSpec:\n  modelSpec:\n  - modelURL: m\n    replicaCount: two\n");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Simulated: {modelURL: m, helmConfigSelection: v.yaml, engines: 2}\n"), &t),
            "0-bench-specs/bad.yaml:3:68: Serving[0].Simulated.engines: not allowed together with helmConfigSelection "
            "(the values file gives the engine shape)");
  // The values file's own errors name the values file.
  const std::string values = (t.root() / "2-serving-engines/helm-production-stack/helm_configurations/v.yaml").string();
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Simulated: {modelURL: m, helmConfigSelection: v.yaml}\n"), &t),
            values + ":4:19: servingEngineSpec.modelSpec[0].replicaCount: expected a non-negative integer, found 'two'");
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Simulated: {modelURL: m, helmConfigSelection: none.yaml}\n"), &t),
            "0-bench-specs/bad.yaml:3:51: Serving[0].Simulated.helmConfigSelection: values file not found: " +
                (t.root() / "2-serving-engines/helm-production-stack/helm_configurations/none.yaml").string());
}

TEST(ConfigErrors, EndpointNeedsAnHttpUrl) {
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Endpoint: {baseURL: localhost:8000, modelURL: m}\n")),
            "0-bench-specs/bad.yaml:3:25: Serving[0].Endpoint.baseURL: expected an http:// or https:// URL, found 'localhost:8000'");
  // The metrics pages read during each run: URLs too, each named by its place in the list.
  EXPECT_EQ(spec_error(with_serving("Serving:\n  - Endpoint: {baseURL: 'http://h:1', modelURL: m, metricsURLs: ['http://h:1/metrics', "
                                    "'h:2/metrics']}\n")),
            "0-bench-specs/bad.yaml:3:88: Serving[0].Endpoint.metricsURLs[1]: expected an http:// or https:// URL, found "
            "'\"h:2/metrics\"' (a quoted string)");
}

TEST(ConfigErrors, RunBenchUnknownLocation) {
  TempTree t;
  EXPECT_EQ(run_bench_error("0-bench-specs:\n  - a.yaml\n1-infrastructure:\n  Location: Cloud\n", t),
            "<root>/run-bench.yaml:4:13: 1-infrastructure.Location: expected one of NoBench, Local-Flat, LocalMinikube, "
            "LMCacheGKE, Simulated, Kubernetes, found 'Cloud'");
  EXPECT_EQ(run_bench_error("0-bench-specs:\n  - a.yaml\n1-infrastructure:\n  Location: simulated\n", t),
            "<root>/run-bench.yaml:4:13: 1-infrastructure.Location: expected one of NoBench, Local-Flat, LocalMinikube, "
            "LMCacheGKE, Simulated, Kubernetes, found 'simulated' (did you mean 'Simulated'?)");
}

TEST(ConfigErrors, RunBenchMissingSpecFile) {
  TempTree t;
  EXPECT_EQ(run_bench_error("0-bench-specs:\n  - nope.yaml\n1-infrastructure:\n  Location: Simulated\n", t),
            "<root>/run-bench.yaml:2:5: 0-bench-specs[0]: spec file not found: <root>/0-bench-specs/nope.yaml");
  t.write("0-bench-specs/empty/readme.txt", "no specs here");
  EXPECT_EQ(run_bench_error("0-bench-specs:\n  - empty\n1-infrastructure:\n  Location: Simulated\n", t),
            "<root>/run-bench.yaml:2:5: 0-bench-specs[0]: no *.yaml spec files in folder <root>/0-bench-specs/empty");
}

// The optional Load section: how many worker processes send each run's load.
TEST(ConfigErrors, RunBenchLoadSection) {
  TempTree t;
  t.write("0-bench-specs/a.yaml", with_serving(kGoodServing));
  const std::string head = "0-bench-specs:\n  - a.yaml\n1-infrastructure:\n  Location: Simulated\n";
  EXPECT_EQ(run_bench_error(head + "Load:\n  workers: 0\n", t),
            "<root>/run-bench.yaml:6:12: Load.workers: expected a positive integer, found '0'");
  EXPECT_EQ(run_bench_error(head + "Load:\n  worker: 2\n", t).substr(0, 55), "<root>/run-bench.yaml:6:3: unknown key 'worker' in Load");
  EXPECT_EQ(run_bench_error(head + "Load: 2\n", t), "<root>/run-bench.yaml:5:7: Load: expected a map with workers, found '2'");
  t.write("run-bench.yaml", head + "Load:\n  workers: 3\n");
  EXPECT_EQ(config::load_run_bench(t.path("run-bench.yaml")).load.workers, 3);
  t.write("run-bench.yaml", head);
  EXPECT_EQ(config::load_run_bench(t.path("run-bench.yaml")).load.workers, 1);
}

TEST(ConfigErrors, RunBenchInfrastructure) {
  TempTree t;
  t.write("0-bench-specs/a.yaml", with_serving(kGoodServing));
  EXPECT_EQ(run_bench_error("0-bench-specs:\n  - a.yaml\n1-infrastructure:\n  Location: LMCacheGKE\n", t),
            "<root>/run-bench.yaml:4:3: 1-infrastructure: missing required key 'numClusterGPUs' (needed for LMCacheGKE)");
  EXPECT_EQ(run_bench_error("0-bench-specs:\n  - a.yaml\n1-infrastructure:\n  Location: LMCacheGKE\n  numClusterGPUs: 4\n  A100_VRAM: 50\n", t),
            "<root>/run-bench.yaml:6:14: 1-infrastructure.A100_VRAM: expected 40 or 80, found '50'");
  EXPECT_EQ(run_bench_error("0-bench-specs: []\n1-infrastructure:\n  Location: Simulated\n", t),
            "<root>/run-bench.yaml:1:16: 0-bench-specs: expected a non-empty list of spec files, found an empty list");
  EXPECT_EQ(run_bench_error("0-bench-specs:\n  - a.yaml\n", t),
            "<root>/run-bench.yaml:1:1: run-bench file: missing required key '1-infrastructure'");
  // A spec's error names the spec file, found through the run-bench file.
  t.write("0-bench-specs/b.yaml", "Name: b\nServing: {}\n");
  EXPECT_EQ(run_bench_error("0-bench-specs:\n  - b.yaml\n1-infrastructure:\n  Location: Simulated\n", t),
            "<root>/0-bench-specs/b.yaml:2:10: Serving: expected a non-empty list of baselines, found a map");
}

TEST(ConfigErrors, MissingFileAndWrongShape) {
  try {
    load_spec("/nonexistent/spec.yaml", "specs/x.yaml", {});
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_STREQ(e.what(), "specs/x.yaml: file not found");
  }
  EXPECT_EQ(spec_error("- just\n- a list\n"),
            "0-bench-specs/bad.yaml:1:1: spec file: expected a map with Name, Serving and Workload, found a list");
  EXPECT_EQ(spec_error(with_workload("Workload:\n  Random: 5\n")),
            "0-bench-specs/bad.yaml:5:11: Workload.Random: expected a Random config or a non-empty list of them, found '5'");
}

}  // namespace
}  // namespace lmbench::config
