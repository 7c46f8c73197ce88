// `lmbench validate --cluster` and the cluster path of `lmbench run` with the shipped cluster
// configs, against the recording kubectl/helm stand-in answering from recorded real-shaped
// clusters (tests/support/clusters/): the preflight's screen and exit code, nothing deployed
// when it fails, logs saved when a deploy fails, and the settings a first real run needs.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "config/temp_tree.h"
#include "core/files.h"
#include "e2e/run_binary.h"
#include "support/deploy_fixture.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;
using deploy::testing::joined;
using deploy::testing::StandIn;

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";
constexpr const char* kToken = "hf_ClusterTestTok3n";

// A project with the shipped cluster configs and a suite of the given baselines.
struct Project {
  lmbench::testing::TempTree t;
  StandIn tools{t.root() / "tools"};

  explicit Project(const std::string& serving) {
    const fs::path src = fs::path(LMBENCH_SOURCE_DIR) / "2-serving-engines";
    for (const char* rel : {"helm-production-stack/helm_configurations/routing/kvaware.yaml",
                            "helm-production-stack/helm_configurations/routing/leastloaded.yaml",
                            "direct-production-stack/kubernetes_configurations/basic/llama-3.1-8b-vllm.yaml",
                            "llm-d/basic/llama-3.1-8b.yaml", "llm-d/basic/infra-values.yaml", "llm-d/basic/gaie-values.yaml"}) {
      t.write(std::string("2-serving-engines/") + rel, core::read_file(src / rel));
    }
    t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: LMCacheGKE\n  numClusterGPUs: 8\n");
    t.write("0-bench-specs/suite.yaml", "Name: cluster\nServing:\n" + serving +
                                            "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 16, "
                                            "ANSWER_LEN: 4, QPS: [5]}\n");
    tools.set_port_forward_backend("#!/bin/bash\nexec '" LMBENCH_BIN "' sim --port \"$1\" --model '" + std::string(kModel) +
                                   "' --time-scale 20\n");
  }
  std::vector<std::string> tool_args() const {
    return {"--kubectl", tools.kubectl(), "--helm", tools.helm(), "--namespace", "bench"};
  }
  RunResult lmbench(std::vector<std::string> args) const {
    const auto tools_args = tool_args();
    args.insert(args.end(), tools_args.begin(), tools_args.end());
    return run_lmbench(args, {std::string("HF_TOKEN=") + kToken}, t.root().string());
  }
  bool called(const std::string& part) const {
    for (const auto& c : tools.calls()) {
      if (joined(c).find(part) != std::string::npos) return true;
    }
    return false;
  }
};

const std::string kAllThree =
    std::string("  - Helm-ProductionStack: {helmConfigSelection: routing/kvaware.yaml, hf_token: <YOUR_HF_TOKEN>, modelURL: ") +
    kModel + "}\n  - Direct-ProductionStack: {kubernetesConfigSelection: basic/llama-3.1-8b-vllm.yaml, hf_token: " +
    "<YOUR_HF_TOKEN>, modelURL: " + kModel + "}\n  - LLM-D: {configSelection: basic/llama-3.1-8b.yaml, hf_token: " +
    "<YOUR_HF_TOKEN>, modelURL: " + kModel + "}\n";

TEST(ValidateCluster, AGpuClusterPassesAndACpuClusterFailsWithWhatToDo) {
  Project p(kAllThree);
  p.tools.use_cluster("gke-a100");
  auto r = p.lmbench({"validate", "run-bench.yaml", "--cluster"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Preflight (context (current), namespace bench):\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  ok    helm_routing_kvaware needs 4 x engine llama3 (1 GPU, 8 CPU, 64 GiB)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Preflight passed.\n"), std::string::npos) << r.out;
  EXPECT_FALSE(p.called("upgrade --install"));  // validate deploys nothing

  Project cpu(kAllThree);
  cpu.tools.use_cluster("cpu-only");
  r = cpu.lmbench({"validate", "run-bench.yaml", "--cluster"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  FAIL  no ready, schedulable node has nvidia.com/gpu allocatable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Preflight failed: 3 check(s). Nothing was deployed.\n"), std::string::npos) << r.out;
}

TEST(RunCluster, AFailedPreflightDeploysNothingAndSkipPreflightGoesStraightToDeploying) {
  Project p(kAllThree);
  p.tools.use_cluster("no-llmd-crds");
  auto r = p.lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  FAIL  llmd_basic_llama-3.1-8b needs CRDs that are missing: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Preflight failed: 1 check(s). Nothing was deployed.\n"), std::string::npos) << r.out;
  EXPECT_FALSE(p.called("upgrade --install"));
  EXPECT_FALSE(p.called(" apply "));
  EXPECT_FALSE(fs::exists(p.t.path("out/cluster")));

  // --skip-preflight: the first call deploys; --key keeps it to the Direct baseline.
  Project q(kAllThree);
  q.tools.use_cluster("no-llmd-crds");
  r = q.lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--skip-preflight", "--key",
                 "basic_llama-3.1-8b-vllm", "--local-port", std::to_string(deploy::testing::free_port())});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto calls = q.tools.calls();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(joined(calls[0]), "kubectl --namespace bench delete secret hf-token-secret --ignore-not-found");
  EXPECT_FALSE(q.called("version -o json"));
}

// A deploy that fails leaves its pods' logs, descriptions and the namespace's events behind,
// collected before the teardown, and the run says where.
TEST(RunCluster, AFailedDeploySavesItsLogsAndEventsBeforeTearingDown) {
  Project p(std::string("  - Direct-ProductionStack: {kubernetesConfigSelection: basic/llama-3.1-8b-vllm.yaml, hf_token: ") +
            "<YOUR_HF_TOKEN>, modelURL: " + kModel + "}\n");
  p.tools.use_cluster("gke-a100");
  p.tools.fail("rollout");
  const auto r = p.lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const fs::path logs = p.t.path("out/cluster/pod-logs");
  EXPECT_NE(r.out.find("(logs of the failed deploy: out/cluster/pod-logs/*_basic_llama-3.1-8b-vllm_deploy-failed.log)"),
            std::string::npos)
      << r.out;
  // Only the manifest's pods (its Deployment's selector), then the events, then the teardown.
  const auto calls = p.tools.calls();
  std::vector<std::string> after_rollout;
  bool seen = false;
  for (const auto& c : calls) {
    const std::string line = joined(c);
    if (seen) after_rollout.push_back(line.substr(line.find(" --namespace bench ") + 19));
    seen = seen || line.find(" rollout status ") != std::string::npos;
  }
  EXPECT_EQ(after_rollout, (std::vector<std::string>{
                               "get pods -o name -l app=vllm-llama3",
                               "logs vllm-engine-0 --all-containers",
                               "logs vllm-engine-0 --all-containers --previous",
                               "describe pod vllm-engine-0",
                               "logs vllm-router-1 --all-containers",
                               "logs vllm-router-1 --all-containers --previous",
                               "describe pod vllm-router-1",
                               "get events --sort-by=.lastTimestamp",
                               "delete -f 2-serving-engines/direct-production-stack/kubernetes_configurations/basic/"
                               "llama-3.1-8b-vllm.yaml --ignore-not-found --cascade=foreground --timeout=300s",
                               "delete secret hf-token-secret --ignore-not-found",
                           }));
  const std::string events = core::read_file(logs / "events_basic_llama-3.1-8b-vllm_deploy-failed.log");
  EXPECT_NE(events.find("Insufficient nvidia.com/gpu"), std::string::npos) << events;
  EXPECT_TRUE(fs::exists(logs / "vllm-engine-0_basic_llama-3.1-8b-vllm_deploy-failed.log"));
}

// leastloaded is lmbench's own router policy: a real cluster's production-stack chart refuses it.
TEST(ValidateCluster, LeastloadedIsRefusedOutsideSimulated) {
  Project p(std::string("  - Helm-ProductionStack: {helmConfigSelection: routing/leastloaded.yaml, hf_token: <YOUR_HF_TOKEN>, "
                        "modelURL: ") + kModel + "}\n");
  auto r = p.lmbench({"validate", "run-bench.yaml"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("suite.yaml:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sets routerSpec.routingLogic leastloaded, which only lmbench's simulated router has"), std::string::npos)
      << r.err;
  p.t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: Simulated\n");
  r = p.lmbench({"validate", "run-bench.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

// --helm-timeout reaches every helm --wait, and LLM-D's gatewayService the port-forward.
TEST(RunCluster, HelmTimeoutAndGatewayServiceAreUsed) {
  Project p(std::string("  - LLM-D: {configSelection: basic/llama-3.1-8b.yaml, hf_token: <YOUR_HF_TOKEN>, modelURL: ") + kModel +
            ", gatewayService: my-gateway}\n");
  p.tools.use_cluster("gke-a100");
  const auto r = p.lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--helm-timeout", "90", "--local-port",
                            std::to_string(deploy::testing::free_port())});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  int installs = 0;
  for (const auto& c : p.tools.calls()) {
    const std::string line = joined(c);
    if (line.find("upgrade --install") == std::string::npos) continue;
    ++installs;
    EXPECT_NE(line.find(" --wait --timeout 90s"), std::string::npos) << line;
  }
  EXPECT_EQ(installs, 3);
  EXPECT_TRUE(p.called("port-forward --address 127.0.0.1 svc/my-gateway "));
}

}  // namespace
}  // namespace lmbench::e2e
