// One suite with every baseline kind of the original LMBench, run end to end by the real binary
// with HF_TOKEN exported as the original's README says, and no hf_token key where the original
// format has none. The script kinds (SGLang, RayServe, Dynamo, Flat) run scripts that serve the
// OpenAI API by starting `lmbench sim` on $PORT; the Kubernetes kinds (Helm-ProductionStack,
// Direct-ProductionStack, LLM-D) run against the recording kubectl/helm stand-ins, whose
// port-forward starts `lmbench sim` on the local port. Every baseline must finish its run, the
// token must reach each deployment only through its environment or stdin, and appear in no
// artifact, log or command line.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include "config/temp_tree.h"
#include "core/files.h"
#include "core/process.h"
#include "e2e/run_binary.h"
#include "support/deploy_fixture.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;
using deploy::testing::Argv;
using deploy::testing::Calls;
using deploy::testing::StandIn;
using lmbench::testing::TempTree;

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";
constexpr const char* kToken = "hf_EveryKindT0kenValue987";

// Descendants of `pid` (children, grandchildren, ...) with their command lines.
void collect_descendants(pid_t pid, std::map<pid_t, std::string>& out) {
  for (const auto& [child, cmd] : deploy::testing::children_of(pid)) {
    out[child] = cmd;
    collect_descendants(child, out);
  }
}

// A script that checks its token arrived (printing only its length), then serves with the real
// simulator on $PORT.
std::string serving_script(const std::string& check) {
  return "#!/bin/bash\n" + check +
         "if [ -z \"$HF_TOKEN\" ]; then echo 'no HF_TOKEN in the environment'; exit 3; fi\n"
         "echo \"token length ${#HF_TOKEN}\"\n"
         "exec '" LMBENCH_BIN "' sim --port \"$PORT\" --model \"$MODEL_URL\" --time-scale 20\n";
}

struct Project {
  TempTree t;
  StandIn tools{t.root() / "tools"};

  Project() {
    t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: LMCacheGKE\n"
                              "  numClusterGPUs: 1\n  A100_VRAM: 80\n");
    t.write("2-serving-engines/helm-production-stack/helm_configurations/basic/sim.yaml",
            std::string("servingEngineSpec:\n  modelSpec:\n  - name: llama3\n    modelURL: ") + kModel +
                "\n    replicaCount: 1\n    hf_token: <YOUR_HF_TOKEN>\n");
    t.write("2-serving-engines/direct-production-stack/kubernetes_configurations/basic/sim.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vllm-engine}\nspec:\n"
            "  selector: {matchLabels: {app: vllm-engine}}\n  template:\n    spec:\n"
            "      containers:\n      - name: vllm\n        env:\n        - name: HF_TOKEN\n"
            "          valueFrom: {secretKeyRef: {name: hf-token-secret, key: token}}\n---\n"
            "apiVersion: v1\nkind: Service\nmetadata: {name: vllm-router-service}\n");
    t.write("2-serving-engines/llm-d/basic/sim.yaml", std::string("modelArtifacts: {uri: hf://") + kModel + "}\n");
    t.write("2-serving-engines/llm-d/basic/infra-values.yaml", "gateway: {provider: istio}\n");
    t.write("2-serving-engines/llm-d/basic/gaie-values.yaml", "provider: {name: istio}\n");
    t.write("2-serving-engines/sglang/sim.sh", serving_script(""));
    t.write("2-serving-engines/flat/sim/run.sh", serving_script(""));
    // RayServe's script is Python, run with python3; it hands over to the same bash server.
    // Like the shipped comparison-baseline.py, it takes the accelerator type as its one argument.
    t.write("2-serving-engines/rayserve/sim.py",
            "import os, sys\n"
            "if len(sys.argv) != 2 or sys.argv[1] != 'A100':\n"
            "    sys.exit('usage: sim.py ACCELERATOR_TYPE, got %r' % sys.argv[1:])\n"
            "print('accelerator', sys.argv[1], os.environ.get('ACCELERATOR_TYPE'), flush=True)\n"
            "os.execv('/bin/bash', ['bash', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'serve.sh')])\n");
    t.write("2-serving-engines/rayserve/serve.sh", serving_script(""));
    // Dynamo's launcher takes the configuration file as its one argument.
    t.write("2-serving-engines/dynamo/run-dynamo.sh",
            serving_script("if [ ! -f \"$1\" ]; then echo \"no config file: $1\"; exit 4; fi\n"));
    t.write("2-serving-engines/dynamo/dynamo_configurations/sim.yaml", "Frontend: {}\n");
    t.write("0-bench-specs/suite.yaml",
            std::string("Name: every-kind\nServing:\n") +
                "  - Helm-ProductionStack: {helmConfigSelection: basic/sim.yaml, hf_token: <YOUR_HF_TOKEN>, modelURL: " +
                kModel + "}\n" +
                "  - Direct-ProductionStack: {kubernetesConfigSelection: basic/sim.yaml, hf_token: <YOUR_HF_TOKEN>, "
                "modelURL: " + kModel + "}\n" +
                "  - SGLang: {scriptName: sim.sh, modelURL: " + kModel + "}\n" +
                "  - RayServe: {scriptName: sim.py, acceleratorType: A100, modelURL: " + kModel + "}\n" +
                "  - Dynamo: {configSelection: sim.yaml, modelURL: " + kModel + "}\n" +
                "  - LLM-D: {configSelection: basic/sim.yaml, hf_token: <YOUR_HF_TOKEN>, modelURL: " + kModel + "}\n" +
                "  - Flat: {configSelection: sim/run.sh, modelURL: " + kModel + "}\n" +
                "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 16, ANSWER_LEN: 4, QPS: [5]}\n");
    tools.use_cluster("gke-a100");
    tools.set_port_forward_backend("#!/bin/bash\nexec '" LMBENCH_BIN "' sim --port \"$1\" --model '" +
                                   std::string(kModel) + "' --time-scale 20\n");
  }
};

TEST(EveryBaselineKind, RunsWithTheExportedTokenAndTheTokenStaysOutOfEverything) {
  Project p;
  const int port = deploy::testing::free_port();
  auto child = core::ChildProcess::spawn(
      {.argv = {LMBENCH_BIN, "run", "run-bench.yaml", "--results", "out", "--quiet", "--local-port",
                std::to_string(port), "--kubectl", p.tools.kubectl(), "--helm", p.tools.helm(), "--namespace",
                "bench"},
       .env = {{"HF_TOKEN", kToken}},
       .cwd = p.t.root(),
       .log_file = p.t.path("run.log")});
  ASSERT_TRUE(child.ok());
  // While it runs, no descendant's command line holds the token.
  std::map<pid_t, std::string> seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(200);
  while (!child->poll()) {
    if (std::chrono::steady_clock::now() > deadline) {
      child->terminate(std::chrono::seconds(2));
      FAIL() << "lmbench run did not finish in 200 s";
    }
    collect_descendants(child->pid(), seen);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::string log = core::read_file(p.t.path("run.log"));
  ASSERT_EQ(*child->poll(), 0) << log;
  EXPECT_EQ(log.find(kToken), std::string::npos);
  EXPECT_EQ(log.find("Hugging Face token"), std::string::npos) << log;
  EXPECT_NE(log.find("Preflight (context (current), namespace bench):\n  ok    kube context (current) answers (Kubernetes "
                     "v1.31.5-gke.1233000)\n  ok    namespace bench exists\n  ok    2 GPU node(s), 9 GPUs: "),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("Preflight passed.\n"), std::string::npos) << log;
  ASSERT_FALSE(seen.empty());
  for (const auto& [pid, cmd] : seen) EXPECT_EQ(cmd.find(kToken), std::string::npos) << cmd;

  // Every baseline finished its run.
  std::map<std::string, int> succeeded;
  std::map<std::string, std::string> metrics_pages;  // the server block's endpoints, per baseline
  for (const auto& e : fs::directory_iterator(p.t.path("out/every-kind"))) {
    if (e.path().extension() != ".json" || e.path().filename().string().find("_comparison") != std::string::npos) {
      continue;
    }
    const auto j = nlohmann::json::parse(core::read_file(e.path()));
    if (!j.contains("key")) continue;  // not a run's JSON (e.g. {WORKLOAD}_verdicts.json)
    succeeded[j["key"].get<std::string>()] = j["results"].value("successful_requests", 0);
    std::string pages;
    if (j.contains("server") && j["server"].is_object() && j["server"].contains("endpoints")) {
      for (const auto& ep : j["server"]["endpoints"]) {
        pages += (pages.empty() ? "" : " ") + ep.value("endpoint", std::string("?")) + ":" + ep.value("role", std::string("?"));
      }
    }
    metrics_pages[j["key"].get<std::string>()] = pages;
  }
  // Scripts are read at their PORT; cluster baselines at the pages they name: the router behind
  // the port-forward (the stand-in lists no engine pod).
  EXPECT_EQ(metrics_pages, (std::map<std::string, std::string>{{"helm_basic_sim", "router:router"},
                                                               {"basic_sim", "router:router"},
                                                               {"sglang_sim", "endpoint:engine"},
                                                               {"rayserve_sim_a100", "endpoint:engine"},
                                                               {"dynamo_sim", "endpoint:engine"},
                                                               {"llmd_basic_sim", "router:router"},
                                                               {"flat_sim_run", "endpoint:engine"}}))
      << log;
  EXPECT_EQ(succeeded, (std::map<std::string, int>{{"helm_basic_sim", 2},
                                                   {"basic_sim", 2},
                                                   {"sglang_sim", 2},
                                                   {"rayserve_sim_a100", 2},
                                                   {"dynamo_sim", 2},
                                                   {"llmd_basic_sim", 2},
                                                   {"flat_sim_run", 2}}))
      << log;

  // The token in no file lmbench wrote; each script received it in its environment.
  std::set<std::string> token_received;
  for (const auto& e : fs::recursive_directory_iterator(p.t.path("out"))) {
    if (!e.is_regular_file()) continue;
    const std::string text = core::read_file(e.path());
    EXPECT_EQ(text.find(kToken), std::string::npos) << e.path();
    if (e.path().parent_path().filename() == "pod-logs" &&
        text.find("token length " + std::to_string(std::string(kToken).size())) != std::string::npos) {
      token_received.insert(e.path().filename().string());
    }
  }
  // The scripts' logs as saved after each run ({script}_{KEY}_{workload}_{qps}.log).
  EXPECT_EQ(token_received, (std::set<std::string>{"sim_sglang_sim_random_5.log", "sim_rayserve_sim_a100_random_5.log",
                                                   "run-dynamo_dynamo_sim_random_5.log", "run_flat_sim_run_random_5.log"}));

  // The cluster kinds: the exact calls, the token only on stdin.
  // Paths as lmbench found them from run-bench.yaml, relative to the folder it runs in.
  const std::string values = "2-serving-engines/helm-production-stack/helm_configurations/basic/sim.yaml";
  const std::string manifest = "2-serving-engines/direct-production-stack/kubernetes_configurations/basic/sim.yaml";
  const std::string llmd = "2-serving-engines/llm-d/basic/sim.yaml";
  const std::string fwd = std::to_string(port) + ":80";
  const std::string k = "kubectl --namespace bench ";
  const std::string h = "helm --namespace bench ";
  const auto pod_logs = [&](const std::vector<std::string>& selectors) {
    std::vector<std::string> out;
    for (const auto& sel : selectors) out.push_back(k + "get pods -o name -l " + sel);
    for (const std::string& c : {
             k + "logs vllm-engine-0 --all-containers",
             k + "logs vllm-engine-0 --all-containers --previous",
             k + "describe pod vllm-engine-0",
             k + "logs vllm-router-1 --all-containers",
             k + "logs vllm-router-1 --all-containers --previous",
             k + "describe pod vllm-router-1",
             k + "get events --sort-by=.lastTimestamp",
         }) {
      out.push_back(c);
    }
    return out;
  };
  // The preflight first, once for the three cluster baselines, then each baseline in turn.
  const std::string gaie = "oci://registry.k8s.io/gateway-api-inference-extension/charts/inferencepool";
  std::vector<std::string> expected = {
      "kubectl version -o json",
      "kubectl get namespace bench --ignore-not-found -o name",
      "kubectl get nodes -o json",
      "kubectl get crd -o name",
      "helm version --short",
      "helm repo add vllm https://vllm-project.github.io/production-stack --force-update",
      "helm repo add llm-d-infra https://llm-d-incubation.github.io/llm-d-infra/ --force-update",
      "helm repo add llm-d-modelservice https://llm-d-incubation.github.io/llm-d-modelservice/ --force-update",
      "helm show chart vllm/vllm-stack --version 0.1.12",
      "helm show chart llm-d-infra/llm-d-infra --version v1.4.0",
      "helm show chart " + gaie + " --version v1.5.0",
      "helm show chart llm-d-modelservice/llm-d-modelservice --version v0.4.12",
      h + "status vllm",
      h + "status infra-lmbench",
      h + "status gaie-lmbench",
      h + "status ms-lmbench",
      "helm repo add vllm https://vllm-project.github.io/production-stack --force-update",
      h + "status vllm",
      h + "upgrade --install vllm vllm/vllm-stack -f " + values + " -f - --version 0.1.12 --wait --timeout 1200s",
      k + "port-forward --address 127.0.0.1 svc/vllm-router-service " + fwd,
      // The engine pods, for their /metrics (the stand-in lists none).
      k + "get pods -l app.kubernetes.io/component=serving-engine,app.kubernetes.io/instance=vllm -o json",
  };
  auto add = [&](const std::vector<std::string>& calls) { expected.insert(expected.end(), calls.begin(), calls.end()); };
  add(pod_logs({"app.kubernetes.io/instance=vllm"}));
  add({
      h + "uninstall vllm --wait --timeout 300s",
      k + "delete secret hf-token-secret --ignore-not-found",
      k + "create secret generic hf-token-secret --from-env-file=/dev/stdin",
      k + "apply -f " + manifest,
      k + "rollout status deployment/vllm-engine --timeout=1200s",
      k + "port-forward --address 127.0.0.1 svc/vllm-router-service " + fwd,
      k + "get pods -l app=vllm-engine -o json",
  });
  add(pod_logs({"app=vllm-engine"}));
  const std::string llmd_dir = "2-serving-engines/llm-d/basic/";
  add({
      k + "delete -f " + manifest + " --ignore-not-found --cascade=foreground --timeout=300s",
      k + "delete secret hf-token-secret --ignore-not-found",
      "helm repo add llm-d-infra https://llm-d-incubation.github.io/llm-d-infra/ --force-update",
      "helm repo add llm-d-modelservice https://llm-d-incubation.github.io/llm-d-modelservice/ --force-update",
      h + "status ms-lmbench",
      h + "status gaie-lmbench",
      h + "status infra-lmbench",
      k + "delete secret llm-d-hf-token --ignore-not-found",
      k + "create secret generic llm-d-hf-token --from-env-file=/dev/stdin",
      h + "upgrade --install infra-lmbench llm-d-infra/llm-d-infra -f " + llmd_dir + "infra-values.yaml --version v1.4.0 --wait --timeout 1200s",
      h + "upgrade --install gaie-lmbench oci://registry.k8s.io/gateway-api-inference-extension/charts/inferencepool -f " +
          llmd_dir + "gaie-values.yaml --version v1.5.0 --wait --timeout 1200s",
      h + "upgrade --install ms-lmbench llm-d-modelservice/llm-d-modelservice -f " + llmd + " --version v0.4.12 --wait --timeout 1200s",
      k + "port-forward --address 127.0.0.1 svc/infra-lmbench-inference-gateway-istio " + fwd,
      k + "get pods -l app.kubernetes.io/instance=ms-lmbench -o json",
  });
  add(pod_logs({"app.kubernetes.io/instance=ms-lmbench", "inferencepool=gaie-lmbench-epp",
                "gateway.networking.k8s.io/gateway-name=infra-lmbench-inference-gateway"}));
  add({
      h + "uninstall ms-lmbench --wait --timeout 300s",
      h + "uninstall gaie-lmbench --wait --timeout 300s",
      h + "uninstall infra-lmbench --wait --timeout 300s",
      k + "delete secret llm-d-hf-token --ignore-not-found",
  });
  std::vector<Argv> want;
  for (const auto& line : expected) want.push_back(deploy::testing::words(line));
  const auto calls = p.tools.calls();
  EXPECT_EQ(calls, want);
  // The token went only to stdin: the values file for helm, the Secrets for kubectl.
  std::string stdin_text;
  for (std::size_t n = 1; n <= calls.size(); ++n) stdin_text += p.tools.stdin_of(n) + "\n";
  EXPECT_NE(stdin_text.find(std::string("hf_token: ") + kToken), std::string::npos);
  EXPECT_NE(stdin_text.find(std::string("token=") + kToken), std::string::npos);
  EXPECT_NE(stdin_text.find(std::string("HF_TOKEN=") + kToken), std::string::npos);
  EXPECT_EQ(core::read_file(p.tools.dir() / "calls.log").find(kToken), std::string::npos);
}

TEST(EveryBaselineKind, ValidateSeesTheExportedTokenForEveryKind) {
  Project p;
  const auto with = run_lmbench({"validate", "run-bench.yaml"}, {std::string("HF_TOKEN=") + kToken}, p.t.root().string());
  EXPECT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(with.err.find("HF_TOKEN"), std::string::npos) << with.err;
  EXPECT_EQ((with.out + with.err).find(kToken), std::string::npos);

  // Without it: the kinds that need a token say so (the script kinds SGLang and RayServe among
  // them); Flat and Dynamo, which only sometimes need one, do not.
  const auto without = run_lmbench({"validate", "run-bench.yaml"}, {"HF_TOKEN="}, p.t.root().string());
  for (const char* kind : {"Serving[0].Helm-ProductionStack", "Serving[1].Direct-ProductionStack", "Serving[2].SGLang",
                           "Serving[3].RayServe", "Serving[5].LLM-D"}) {
    EXPECT_NE(without.err.find(std::string(kind) + ": needs a Hugging Face token and HF_TOKEN is not set"), std::string::npos)
        << kind << "\n" << without.err;
  }
  EXPECT_EQ(without.err.find("Serving[4].Dynamo: needs"), std::string::npos) << without.err;
  EXPECT_EQ(without.err.find("Serving[6].Flat: needs"), std::string::npos) << without.err;
}

}  // namespace
}  // namespace lmbench::e2e
