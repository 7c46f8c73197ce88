// The cluster preflight against the recording kubectl/helm stand-in answering from recorded
// real-shaped clusters (tests/support/clusters/): the exact queries, and the messages a user
// reads for a GPU cluster, one without GPUs, one without llm-d's CRDs, and no cluster at all.

#include "deploy/preflight.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/deploy_fixture.h"

namespace lmbench::deploy {
namespace {

using testing::Calls;
using testing::StandIn;
using testing::TempDir;

const std::filesystem::path kEngines = std::filesystem::path(LMBENCH_SOURCE_DIR) / "2-serving-engines";

struct Cluster {
  TempDir dir{"preflight"};
  StandIn tools{dir.path()};
  core::ManualClock clock;

  PreflightOptions options() const {
    return {.target = {.kubectl = tools.kubectl(), .namespace_name = "bench"}, .helm = tools.helm()};
  }
  std::vector<PreflightCheck> run(const std::vector<ClusterNeeds>& needs) const { return run_preflight(needs, options(), clock); }
  std::string report(const std::vector<ClusterNeeds>& needs) const { return format_preflight(run(needs), options()); }
};

// The three shipped cluster configs: kvaware routing (4 engines of 1 GPU, 8 CPU, 64 GiB and a
// router), the Direct manifest (a claim for the weights) and llm-d (three releases, CRDs).
std::vector<ClusterNeeds> shipped() {
  auto kv = production_stack_needs(production_stack_helm_options(kEngines / "helm-production-stack/helm_configurations/routing/kvaware.yaml"));
  auto direct = manifest_needs(kEngines / "direct-production-stack/kubernetes_configurations/basic/llama-3.1-8b-vllm.yaml");
  auto llmd = llmd_needs(llmd_helm_options(kEngines / "llm-d/basic/llama-3.1-8b.yaml"));
  EXPECT_TRUE(kv.ok() && direct.ok() && llmd.ok());
  kv->key = "helm_routing_kvaware";
  direct->key = "direct_basic_llama-3.1-8b-vllm";
  llmd->key = "llmd_basic_llama-3.1-8b";
  return {*kv, *direct, *llmd};
}

TEST(Preflight, WhatTheShippedConfigsNeed) {
  const auto n = shipped();
  ASSERT_EQ(n[0].pods.size(), 2u);
  EXPECT_EQ(n[0].pods[0].replicas, 4);
  EXPECT_EQ(n[0].pods[0].gpus, 1);
  EXPECT_EQ(n[0].pods[0].cpus, 8);
  EXPECT_EQ(n[0].pods[0].memory_gib, 64);
  EXPECT_EQ(n[0].pods[1].what, "router");
  EXPECT_TRUE(n[0].claims.empty());  // per-engine emptyDir caches: schedulable on any GPU pool
  ASSERT_EQ(n[1].pods.size(), 1u);
  EXPECT_EQ(n[1].pods[0].gpus, 1);
  EXPECT_EQ(n[1].pods[0].memory_gib, 48);
  EXPECT_EQ(n[1].claims, (std::vector<std::string>{"vllm-llama3-hf-cache"}));
  ASSERT_EQ(n[2].pods.size(), 1u);
  EXPECT_EQ(n[2].pods[0].what, "decode");
  EXPECT_EQ(n[2].crds.size(), 4u);
  EXPECT_EQ(n[2].releases.size(), 3u);
}

TEST(Preflight, AGpuClusterPassesWithOneQueryOfEachKind) {
  Cluster c;
  c.tools.use_cluster("gke-a100");
  const auto checks = c.run(shipped());
  EXPECT_TRUE(preflight_passed(checks));
  const std::string gaie = "oci://registry.k8s.io/gateway-api-inference-extension/charts/inferencepool";
  EXPECT_EQ(c.tools.calls(), (Calls{
                                 "kubectl version -o json",
                                 "kubectl get namespace bench --ignore-not-found -o name",
                                 "kubectl get nodes -o json",
                                 "kubectl get storageclass -o json",
                                 "kubectl get crd -o name",
                                 "helm version --short",
                                 "helm repo add vllm https://vllm-project.github.io/production-stack --force-update",
                                 "helm repo add llm-d-infra https://llm-d-incubation.github.io/llm-d-infra/ --force-update",
                                 "helm repo add llm-d-modelservice https://llm-d-incubation.github.io/llm-d-modelservice/ --force-update",
                                 "helm show chart vllm/vllm-stack --version 0.1.12",
                                 "helm show chart llm-d-infra/llm-d-infra --version v1.4.0",
                                 "helm show chart " + gaie + " --version v1.5.0",
                                 "helm show chart llm-d-modelservice/llm-d-modelservice --version v0.4.12",
                                 "helm --namespace bench status vllm",
                                 "helm --namespace bench status infra-lmbench",
                                 "helm --namespace bench status gaie-lmbench",
                                 "helm --namespace bench status ms-lmbench",
                             }));
  const std::string report = format_preflight(checks, c.options());
  for (const char* line : {
           "Preflight (context (current), namespace bench):\n",
           "  ok    kube context (current) answers (Kubernetes v1.31.5-gke.1233000)\n",
           "  ok    namespace bench exists\n",
           "  ok    2 GPU node(s), 9 GPUs: gke-bench-a100-pool-8d2b7c41-2m4v (a2-highgpu-8g, 8 GPU, 621 GiB), "
           "gke-bench-a100-pool-8d2b7c41-9hzp (a2-highgpu-1g, 1 GPU, 75 GiB)\n",
           "  ok    helm_routing_kvaware needs 4 x engine llama3 (1 GPU, 8 CPU, 64 GiB) + 1 x router (0 GPU, 2 CPU, 7.45 GiB): fits\n",
           "  ok    default StorageClass standard-rwo (for vllm-llama3-hf-cache)\n",
           "  ok    llmd_basic_llama-3.1-8b: the 4 CRDs it needs are installed\n",
           "  ok    chart vllm/vllm-stack 0.1.12 reachable (v3.16.3+gcfd0749)\n",
           "Preflight passed.\n",
       }) {
    EXPECT_NE(report.find(line), std::string::npos) << line << "\n---\n" << report;
  }
}

TEST(Preflight, AClusterWithoutGpusFailsAndSaysWhatToDo) {
  Cluster c;
  c.tools.use_cluster("cpu-only");
  const auto checks = c.run(shipped());
  EXPECT_FALSE(preflight_passed(checks));
  const std::string report = format_preflight(checks, c.options());
  for (const char* line : {
           "  FAIL  no ready, schedulable node has nvidia.com/gpu allocatable (2 node(s) in all)\n"
           "        -> add a GPU node pool and the NVIDIA device plugin",
           "  FAIL  no default StorageClass, and vllm-llama3-hf-cache must be provisioned: the claims would stay Pending\n"
           "        -> mark one default: kubectl patch storageclass NAME",
           "  FAIL  llmd_basic_llama-3.1-8b needs CRDs that are missing: gatewayclasses.gateway.networking.k8s.io, "
           "gateways.gateway.networking.k8s.io, httproutes.gateway.networking.k8s.io, inferencepools.inference.networking.k8s.io\n",
           "Preflight failed: 3 check(s). Nothing was deployed.\n",
       }) {
    EXPECT_NE(report.find(line), std::string::npos) << line << "\n---\n" << report;
  }
}

TEST(Preflight, AGpuClusterWithoutLlmdCrdsFailsOnlyThem) {
  Cluster c;
  c.tools.use_cluster("no-llmd-crds");
  const auto checks = c.run(shipped());
  std::vector<std::string> failed;
  for (const auto& ch : checks) {
    if (ch.status == PreflightCheck::Status::kFail) failed.push_back(ch.what);
  }
  EXPECT_EQ(failed, (std::vector<std::string>{"crds"}));
  const std::string report = format_preflight(checks, c.options());
  EXPECT_NE(report.find("needs CRDs that are missing: gatewayclasses.gateway.networking.k8s.io"), std::string::npos) << report;
  EXPECT_NE(report.find("-> install the Gateway API v1.5.1 and Inference Extension v1.5.0 CRDs and Istio"), std::string::npos) << report;
}

TEST(Preflight, NoClusterStopsAtTheFirstQuery) {
  Cluster c;  // no recorded cluster: kubectl version fails as with a dead context
  const auto checks = c.run(shipped());
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].status, PreflightCheck::Status::kFail);
  EXPECT_EQ(checks[0].detail,
            "the kube context (current) does not answer: The connection to the server 127.0.0.1:6443 was refused - did "
            "you specify the right host or port?");
  EXPECT_EQ(c.tools.calls().size(), 1u);
}

TEST(Preflight, AMissingNamespaceAPodTooBigAnUnreachableChartAndALeftoverRelease) {
  Cluster c;
  c.tools.use_cluster("gke-a100");
  c.tools.add_release("vllm");
  c.tools.fail("show-chart");
  auto o = c.options();
  o.target.namespace_name = "nosuch";
  auto needs = shipped();
  needs.resize(1);
  needs[0].pods[0].gpus = 16;
  const auto checks = run_preflight(needs, o, c.clock);
  const std::string report = format_preflight(checks, o);
  for (const char* line : {
           "  FAIL  namespace nosuch does not exist\n        -> kubectl create namespace nosuch\n",
           "  FAIL  helm_routing_kvaware needs 4 x engine llama3 (16 GPU, 8 CPU, 64 GiB) + 1 x router (0 GPU, 2 CPU, 7.45 GiB) (",
           "): a pod of engine llama3 (16 GPU, 8 CPU, 64 GiB) fits on no node's allocatable\n",
           "  FAIL  chart vllm/vllm-stack 0.1.12 not reachable: Error: chart \"vllm-stack\" version \"0.1.12\" not found in vllm index\n",
       }) {
    EXPECT_NE(report.find(line), std::string::npos) << line << "\n---\n" << report;
  }
  // The leftover release is only a warning: up() uninstalls it first.
  auto ok = c.options();
  std::filesystem::remove(c.dir / "fail-show-chart");
  const auto again = format_preflight(run_preflight(shipped(), ok, c.clock), ok);
  EXPECT_NE(again.find("  warn  release vllm is left from an earlier run\n        -> lmbench uninstalls it before installing"),
            std::string::npos)
      << again;
  EXPECT_NE(again.find("Preflight passed.\n"), std::string::npos) << again;
}

TEST(Quantities, KubernetesUnits) {
  EXPECT_DOUBLE_EQ(*quantity_gib("64Gi"), 64);
  EXPECT_DOUBLE_EQ(*quantity_gib("512Mi"), 0.5);
  EXPECT_DOUBLE_EQ(*quantity_gib("1Ti"), 1024);
  EXPECT_NEAR(*quantity_gib("100G"), 93.13, 0.01);
  EXPECT_NEAR(*quantity_gib("651002620Ki"), 620.84, 0.01);
  EXPECT_DOUBLE_EQ(*quantity_gib("1073741824"), 1);
  EXPECT_FALSE(quantity_gib("64GB").has_value());
  EXPECT_FALSE(quantity_gib("").has_value());
  EXPECT_DOUBLE_EQ(*quantity_cores("8"), 8);
  EXPECT_DOUBLE_EQ(*quantity_cores("3920m"), 3.92);
  EXPECT_FALSE(quantity_cores("2Gi").has_value());
}

}  // namespace
}  // namespace lmbench::deploy
