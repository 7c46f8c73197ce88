// Placement kubernetes, the pure parts: the exact objects a run applies (Indexed Job, headless
// Service, coordinator Pod, ConfigMap, labels, resources, node selector, tolerations, spreading),
// the job as the cluster runs it, run names, the default image, and the run-bench Load keys.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/run_bench.h"
#include "config/temp_tree.h"
#include "core/error.h"
#include "core/process.h"
#include "fleet/kube_manifest.h"

namespace lmbench::fleet {
namespace {

using Json = nlohmann::ordered_json;
using lmbench::testing::TempTree;

Job sample_job() {
  Job job;
  job.workload = {{"kind", "spec"}, {"type", "Random"}, {"keys", {{"QPS", {4}}}}, {"root", "/home/me/bench"}, {"rate_index", 0}};
  job.model = "meta-llama/Llama-3.1-8B-Instruct";
  job.seed = 7;
  job.salt = 11;
  job.tokenizer = "/home/me/npm/tokenizer.json";
  job.base_url = "http://127.0.0.1:30080";
  return job;
}

KubernetesPlacement placement() {
  KubernetesPlacement p;
  p.target = {.kubectl = "kubectl", .context = "gke", .namespace_name = "bench"};
  p.base_url = "http://vllm-router-service.bench.svc.cluster.local:80";
  p.node_selector = {{"pool", "load"}};
  p.tolerations = {{.key = "dedicated", .op = "Equal", .value = "load", .effect = "NoSchedule"},
                   {.key = "", .op = "Exists", .value = "", .effect = "NoExecute", .seconds = 30}};
  return p;
}

// The whole List, written out: what `kubectl apply -f -` gets for 3 workers in namespace bench.
constexpr const char* kExpected = R"({
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "v1",
      "kind": "ConfigMap",
      "metadata": {
        "name": "lmbench-fleet-test-job",
        "labels": {"app.kubernetes.io/name": "lmbench-fleet", "app.kubernetes.io/managed-by": "lmbench",
                   "app.kubernetes.io/component": "job", "lmbench.io/fleet-run": "lmbench-fleet-test"}
      },
      "data": {"job.json": "JOB"}
    },
    {
      "apiVersion": "v1",
      "kind": "Service",
      "metadata": {
        "name": "lmbench-fleet-test",
        "labels": {"app.kubernetes.io/name": "lmbench-fleet", "app.kubernetes.io/managed-by": "lmbench",
                   "app.kubernetes.io/component": "coordinator", "lmbench.io/fleet-run": "lmbench-fleet-test"}
      },
      "spec": {
        "clusterIP": "None",
        "publishNotReadyAddresses": true,
        "selector": {"lmbench.io/fleet-run": "lmbench-fleet-test", "app.kubernetes.io/component": "coordinator"},
        "ports": [{"name": "control", "port": 7070, "targetPort": 7070, "protocol": "TCP"}]
      }
    },
    {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {
        "name": "lmbench-fleet-test-coordinator",
        "labels": {"app.kubernetes.io/name": "lmbench-fleet", "app.kubernetes.io/managed-by": "lmbench",
                   "app.kubernetes.io/component": "coordinator", "lmbench.io/fleet-run": "lmbench-fleet-test"}
      },
      "spec": {
        "restartPolicy": "Never",
        "containers": [{
          "name": "coordinator",
          "image": "ghcr.io/lmbench/lmbench:0.1.0",
          "command": ["lmbench", "coordinate", "--job", "/etc/lmbench/job.json", "--workers", "3", "--listen", "0.0.0.0:7070",
                      "--out", "/results/run.json", "--stop-file", "/results/stop", "--ready-timeout", "600"],
          "ports": [{"name": "control", "containerPort": 7070}],
          "readinessProbe": {"exec": {"command": ["test", "-s", "/results/run.json"]}, "periodSeconds": 2},
          "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "8Gi"}},
          "securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "allowPrivilegeEscalation": false,
                              "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}},
          "volumeMounts": [{"name": "job", "mountPath": "/etc/lmbench", "readOnly": true},
                           {"name": "results", "mountPath": "/results"}]
        }],
        "volumes": [{"name": "job", "configMap": {"name": "lmbench-fleet-test-job"}}, {"name": "results", "emptyDir": {}}],
        "nodeSelector": {"pool": "load"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "load", "effect": "NoSchedule"},
                        {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}]
      }
    },
    {
      "apiVersion": "batch/v1",
      "kind": "Job",
      "metadata": {
        "name": "lmbench-fleet-test-workers",
        "labels": {"app.kubernetes.io/name": "lmbench-fleet", "app.kubernetes.io/managed-by": "lmbench",
                   "app.kubernetes.io/component": "worker", "lmbench.io/fleet-run": "lmbench-fleet-test"}
      },
      "spec": {
        "completionMode": "Indexed",
        "completions": 3,
        "parallelism": 3,
        "backoffLimit": 0,
        "template": {
          "metadata": {
            "labels": {"app.kubernetes.io/name": "lmbench-fleet", "app.kubernetes.io/managed-by": "lmbench",
                       "app.kubernetes.io/component": "worker", "lmbench.io/fleet-run": "lmbench-fleet-test"}
          },
          "spec": {
            "restartPolicy": "Never",
            "containers": [{
              "name": "worker",
              "image": "ghcr.io/lmbench/lmbench:0.1.0",
              "command": ["lmbench", "worker", "--coordinator", "lmbench-fleet-test.bench.svc.cluster.local:7070",
                          "--index-from-env", "JOB_COMPLETION_INDEX", "--connect-timeout", "600"],
              "env": [{"name": "LMBENCH_NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
              "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"memory": "4Gi"}},
              "securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "allowPrivilegeEscalation": false,
                                  "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}
            }],
            "nodeSelector": {"pool": "load"},
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "load", "effect": "NoSchedule"},
                            {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}],
            "topologySpreadConstraints": [{
              "maxSkew": 1,
              "topologyKey": "kubernetes.io/hostname",
              "whenUnsatisfiable": "ScheduleAnyway",
              "labelSelector": {"matchLabels": {"lmbench.io/fleet-run": "lmbench-fleet-test", "app.kubernetes.io/component": "worker"}}
            }]
          }
        }
      }
    }
  ]
})";

Json expected(const Job& cluster) {
  Json j = Json::parse(kExpected);
  j["items"][0]["data"]["job.json"] = job_to_json(cluster).dump();
  return j;
}

TEST(KubeManifest, TheExactObjectsOfARun) {
  const auto p = placement();
  const Job cluster = cluster_job(sample_job(), p);
  const Json got = fleet_manifests(p, "lmbench-fleet-test", cluster, 3, "");
  EXPECT_EQ(got.dump(2), expected(cluster).dump(2));
}

// The job the pods run: the baseline's Service, the image's data folder and tokenizer; the rest
// as this machine would have sent it.
TEST(KubeManifest, TheClusterJobSendsToTheServiceAndUsesTheImagesFiles) {
  const Job cluster = cluster_job(sample_job(), placement());
  EXPECT_EQ(cluster.base_url, "http://vllm-router-service.bench.svc.cluster.local:80");
  EXPECT_EQ(cluster.workload["root"], "/opt/lmbench");
  EXPECT_EQ(cluster.tokenizer, "");
  EXPECT_EQ(cluster.workload["keys"], sample_job().workload["keys"]);
  EXPECT_EQ(cluster.model, "meta-llama/Llama-3.1-8B-Instruct");
  EXPECT_EQ(cluster.seed, 7u);
  EXPECT_EQ(cluster.salt, 11u);
  // A `bench random` job has no data root.
  Job random = sample_job();
  random.workload = {{"kind", "random"}, {"qps", 2}};
  EXPECT_FALSE(cluster_job(random, placement()).workload.contains("root"));
}

TEST(KubeManifest, ResourcesImageAndPortAsGiven) {
  auto p = placement();
  p.image = "registry.example/lmbench:dev";
  p.port = 9000;
  p.worker_resources = {{{"cpu", "2"}, {"memory", "2Gi"}}, {{"cpu", "2"}, {"memory", "3Gi"}}};
  p.ready_timeout = std::chrono::seconds(90);
  const Json got = fleet_manifests(p, "r1", cluster_job(sample_job(), p), 2, "");
  const Json& pod = got["items"][2]["spec"]["containers"][0];
  const Json& worker = got["items"][3]["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(pod["image"], "registry.example/lmbench:dev");
  EXPECT_EQ(worker["image"], "registry.example/lmbench:dev");
  EXPECT_EQ(worker["resources"].dump(), R"({"requests":{"cpu":"2","memory":"2Gi"},"limits":{"cpu":"2","memory":"3Gi"}})");
  EXPECT_EQ(worker["command"].dump(),
            R"(["lmbench","worker","--coordinator","r1.bench.svc.cluster.local:9000","--index-from-env",)"
            R"("JOB_COMPLETION_INDEX","--connect-timeout","90"])");
  EXPECT_EQ(pod["command"][7], "0.0.0.0:9000");
  EXPECT_EQ(pod["command"].back(), "90");
  EXPECT_EQ(got["items"][1]["spec"]["ports"][0]["port"], 9000);
  EXPECT_EQ(got["items"][3]["spec"]["completions"], 2);
  EXPECT_EQ(got["items"][3]["spec"]["parallelism"], 2);
}

// Without a namespace the workers find the coordinator by its short name (their own namespace's).
TEST(KubeManifest, NoNamespaceNoSelectorNoTolerations) {
  KubernetesPlacement p;
  p.base_url = "http://vllm-router-service:80";
  const Json got = fleet_manifests(p, "r1", cluster_job(sample_job(), p), 1, "");
  const Json& spec = got["items"][3]["spec"]["template"]["spec"];
  EXPECT_EQ(spec["containers"][0]["command"][3], "r1:7070");
  EXPECT_FALSE(spec.contains("nodeSelector"));
  EXPECT_FALSE(spec.contains("tolerations"));
  EXPECT_FALSE(got["items"][2]["spec"].contains("nodeSelector"));
  EXPECT_FALSE(got["items"][2]["spec"].contains("tolerations"));
}

TEST(KubeManifest, EverySpreadKind) {
  auto p = placement();
  const auto spec_for = [&](Spread s) {
    p.spread = s;
    return fleet_manifests(p, "r1", cluster_job(sample_job(), p), 4, "")["items"][3]["spec"]["template"]["spec"];
  };
  const Json zone = spec_for(Spread::kZone);
  EXPECT_EQ(zone["topologySpreadConstraints"].dump(),
            R"([{"maxSkew":1,"topologyKey":"topology.kubernetes.io/zone","whenUnsatisfiable":"ScheduleAnyway",)"
            R"("labelSelector":{"matchLabels":{"lmbench.io/fleet-run":"r1","app.kubernetes.io/component":"worker"}}}])");
  EXPECT_FALSE(zone.contains("affinity"));
  const Json one = spec_for(Spread::kOnePerNode);
  EXPECT_EQ(one["affinity"].dump(),
            R"({"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{"matchLabels":)"
            R"({"lmbench.io/fleet-run":"r1","app.kubernetes.io/component":"worker"}},"topologyKey":"kubernetes.io/hostname"}]}})");
  EXPECT_FALSE(one.contains("topologySpreadConstraints"));
  const Json none = spec_for(Spread::kNone);
  EXPECT_FALSE(none.contains("affinity"));
  EXPECT_FALSE(none.contains("topologySpreadConstraints"));
  for (const char* name : {"hostname", "zone", "one-per-node", "none"}) {
    ASSERT_TRUE(spread_from_name(name).has_value()) << name;
    EXPECT_EQ(spread_name(*spread_from_name(name)), name);
  }
  EXPECT_FALSE(spread_from_name("rack").has_value());
}

// An API key reaches the workers from a Secret of the run, never from the job or a command line.
TEST(KubeManifest, AnApiKeyIsASecretOfTheRun) {
  const auto p = placement();
  const Json got = fleet_manifests(p, "r1", cluster_job(sample_job(), p), 2, "sk-test-123");
  ASSERT_EQ(got["items"].size(), 5u);
  EXPECT_EQ(got["items"][1].dump(),
            R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"r1-api-key","labels":{"app.kubernetes.io/name":"lmbench-fleet",)"
            R"("app.kubernetes.io/managed-by":"lmbench","app.kubernetes.io/component":"job","lmbench.io/fleet-run":"r1"}},)"
            R"("type":"Opaque","stringData":{"LMBENCH_WORKER_API_KEY":"sk-test-123"}})");
  const Json& worker = got["items"][4]["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(worker["env"][1].dump(),
            R"({"name":"LMBENCH_WORKER_API_KEY","valueFrom":{"secretKeyRef":{"name":"r1-api-key","key":"LMBENCH_WORKER_API_KEY"}}})");
  EXPECT_EQ(worker["command"].dump().find("sk-test"), std::string::npos);
  EXPECT_EQ(got["items"][0]["data"]["job.json"].get<std::string>().find("sk-test"), std::string::npos);
}

TEST(KubeManifest, RunNames) {
  EXPECT_FALSE(check_run_name("lmbench-fleet-0a1b2c3d").has_value());
  EXPECT_EQ(fleet_run_selector("r1"), "lmbench.io/fleet-run=r1");
  EXPECT_EQ(coordinator_pod_name("r1"), "r1-coordinator");
  EXPECT_EQ(workers_job_name("r1"), "r1-workers");
  for (const char* bad : {"", "1abc", "Upper", "with_underscore", "trailing-", "a-name-that-is-far-too-long-for-the-objects-it-names"}) {
    EXPECT_TRUE(check_run_name(bad).has_value()) << bad;
  }
}

// The default image's tag is the version the binary prints.
TEST(KubeManifest, TheDefaultImageIsThisVersion) {
  auto out = core::run_command({.argv = {LMBENCH_BIN, "--version"}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->output, "lmbench " + std::string(kVersion) + "\n");
  EXPECT_EQ(default_worker_image(), "ghcr.io/lmbench/lmbench:" + std::string(kVersion));
}

// run-bench.yaml's Load section: the kubernetes keys, and errors with file, line and key.
std::string load_error(const TempTree& t, const std::string& load) {
  const auto path = t.write("run-bench.yaml", "0-bench-specs:\n  - a.yaml\n1-infrastructure:\n  Location: Kubernetes\n" + load);
  return t.config_error([&] { config::load_run_bench(path); });
}

TEST(KubeLoadSection, EveryKey) {
  TempTree t;
  t.write("0-bench-specs/a.yaml", "Name: a\n");
  const auto path = t.write("run-bench.yaml",
                            "0-bench-specs:\n  - a.yaml\n1-infrastructure:\n  Location: Kubernetes\n"
                            "Load:\n"
                            "  workers: 4\n"
                            "  placement: kubernetes\n"
                            "  image: registry.example/lmbench:dev\n"
                            "  resources: {requests: {cpu: 2, memory: 2Gi}, limits: {memory: 3Gi}}\n"
                            "  nodeSelector: {pool: load}\n"
                            "  tolerations:\n"
                            "    - {key: dedicated, operator: Equal, value: load, effect: NoSchedule}\n"
                            "    - {operator: Exists, effect: NoExecute, tolerationSeconds: 30}\n"
                            "  spread: one-per-node\n");
  const auto load = config::load_run_bench(path).load;
  EXPECT_EQ(load.workers, 4);
  EXPECT_EQ(load.placement, "kubernetes");
  EXPECT_EQ(load.image, "registry.example/lmbench:dev");
  ASSERT_TRUE(load.resources.has_value());
  EXPECT_EQ(load.resources->requests, (std::map<std::string, std::string>{{"cpu", "2"}, {"memory", "2Gi"}}));
  EXPECT_EQ(load.resources->limits, (std::map<std::string, std::string>{{"memory", "3Gi"}}));
  EXPECT_EQ(load.node_selector, (std::map<std::string, std::string>{{"pool", "load"}}));
  ASSERT_EQ(load.tolerations.size(), 2u);
  EXPECT_EQ(load.tolerations[0].key, "dedicated");
  EXPECT_EQ(load.tolerations[0].effect, "NoSchedule");
  EXPECT_EQ(load.tolerations[1].op, "Exists");
  EXPECT_EQ(load.tolerations[1].toleration_seconds, 30);
  EXPECT_EQ(load.spread, "one-per-node");
  // Defaults.
  t.write("run-bench.yaml", "0-bench-specs:\n  - a.yaml\n1-infrastructure:\n  Location: Kubernetes\nLoad:\n  placement: kubernetes\n");
  const auto defaults = config::load_run_bench(path).load;
  EXPECT_EQ(defaults.workers, 1);
  EXPECT_EQ(defaults.image, "");
  EXPECT_FALSE(defaults.resources.has_value());
  EXPECT_EQ(defaults.spread, "hostname");
}

TEST(KubeLoadSection, ErrorsNameFileLineAndKey) {
  TempTree t;
  t.write("0-bench-specs/a.yaml", "Name: a\n");
  EXPECT_EQ(load_error(t, "Load:\n  placement: cluster\n"),
            "<root>/run-bench.yaml:6:14: Load.placement: expected one of local, kubernetes, found 'cluster'");
  EXPECT_EQ(load_error(t, "Load:\n  workers: 2\n  image: x\n"),
            "<root>/run-bench.yaml:7:10: Load.image: applies to placement: kubernetes only (this Load's placement is local)");
  EXPECT_EQ(load_error(t, "Load:\n  placement: kubernetes\n  resources: {requests: {cpu: two}}\n"),
            "<root>/run-bench.yaml:7:31: Load.resources.requests.cpu: expected a Kubernetes quantity such as 2, 500m, 4Gi, found 'two'");
  EXPECT_EQ(load_error(t, "Load:\n  placement: kubernetes\n  resources: {cpu: 2}\n").substr(0, 63),
            "<root>/run-bench.yaml:7:15: unknown key 'cpu' in Load.resources");
  EXPECT_EQ(load_error(t, "Load:\n  placement: kubernetes\n  spread: rack\n"),
            "<root>/run-bench.yaml:7:11: Load.spread: expected one of hostname, zone, one-per-node, none, found 'rack'");
  EXPECT_EQ(load_error(t, "Load:\n  placement: kubernetes\n  tolerations: [{operator: Exists, value: x}]\n"),
            "<root>/run-bench.yaml:7:43: Load.tolerations[0].value: must be empty with operator Exists");
  EXPECT_EQ(load_error(t, "Load:\n  placement: kubernetes\n  tolerations: [{key: a, effect: Sometimes}]\n"),
            "<root>/run-bench.yaml:7:34: Load.tolerations[0].effect: expected one of NoSchedule, PreferNoSchedule, NoExecute, "
            "found 'Sometimes'");
  EXPECT_EQ(load_error(t, "Load:\n  placement: kubernetes\n  nodeSelector: [a]\n"),
            "<root>/run-bench.yaml:7:17: Load.nodeSelector: expected a map of labels to values, found a list");
}

}  // namespace
}  // namespace lmbench::fleet
