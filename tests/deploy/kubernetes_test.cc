// The Kubernetes kind against the recording stand-in kubectl (the one allowed stand-in: no
// cluster can run here; see deploy_fixture.h). Each test pins the exact call sequence.

#include "deploy/kubernetes.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "core/interrupt.h"
#include "deploy/net.h"
#include "deploy/tool_runner.h"
#include "support/deploy_fixture.h"

namespace lmbench::deploy {
namespace {

using namespace std::chrono_literals;
using testing::StandIn;
using testing::TempDir;
using testing::Calls;
using testing::joined;
using testing::words;

constexpr const char* kToken = "hf_KubeTok3nNeverOnDisk";
constexpr const char* kManifest = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm-engine}
spec:
  template:
    spec:
      containers:
      - name: vllm
        env:
        - name: HF_TOKEN
          valueFrom: {secretKeyRef: {name: hf-token-secret, key: token}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm-router}
---
apiVersion: v1
kind: Service
metadata: {name: vllm-router-service}
)";

struct Cluster {
  TempDir dir{"kube"};
  StandIn tools{dir.path()};
  std::filesystem::path manifest = dir / "vllm.yaml";
  int port = testing::free_port();
  core::ManualClock clock;

  Cluster() { std::ofstream(manifest) << kManifest; }

  KubernetesOptions options() const {
    return {.manifest = manifest, .model = "meta-llama/Llama-3.1-8B-Instruct",
            .target = {.kubectl = tools.kubectl(), .context = "minikube", .namespace_name = "bench"},
            .hf_token = Secret(kToken), .local_port = port, .port_forward_log = dir / "port-forward.log",
            .ready_timeout = 10min, .port_forward_timeout = 30s};
  }
  std::string k(const std::string& rest) const { return "kubectl --context minikube --namespace bench " + rest; }
};

TEST(KubernetesBaseline, UpLogsDownExactCallsAndNoTokenAnywhereButStdin) {
  Cluster c;
  KubernetesBaseline b(c.options(), c.clock);
  EXPECT_EQ(b.kind(), "Kubernetes");
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->base_url, "http://127.0.0.1:" + std::to_string(c.port));
  EXPECT_EQ(e->model, "meta-llama/Llama-3.1-8B-Instruct");
  const std::string m = c.manifest.string();
  const std::string fwd = "port-forward --address 127.0.0.1 svc/vllm-router-service " + std::to_string(c.port) + ":80";
  EXPECT_EQ(c.tools.calls(), (Calls{
                                 c.k("delete secret hf-token-secret --ignore-not-found"),
                                 c.k("create secret generic hf-token-secret --from-env-file=/dev/stdin"),
                                 c.k("apply -f " + m),
                                 c.k("rollout status deployment/vllm-engine --timeout=600s"),
                                 c.k("rollout status deployment/vllm-router --timeout=600s"),
                                 c.k(fwd),
                                 // The engine pods, for their /metrics: the workloads have no
                                 // selector here, so every pod (the stand-in lists none).
                                 c.k("get pods -o json"),
                             }));
  EXPECT_EQ(c.tools.stdin_of(2), std::string("token=") + kToken);  // the stand-in drops the final newline
  const pid_t forward = c.tools.port_forward_pid();
  ASSERT_GT(forward, 0);
  EXPECT_EQ(b.port_forward_pid(), forward);
  EXPECT_TRUE(testing::alive(forward));
  EXPECT_FALSE(b.failure().has_value());

  // Logs after a workload: every pod, three sections each, named {pod}_{tag}.log.
  c.tools.set_pod_log(std::string("INFO loaded with ") + kToken + "\n");
  auto logs = b.logs(c.dir / "pod-logs", "vllm_synthetic_0.7");
  ASSERT_TRUE(logs.ok()) << logs.error().message;
  EXPECT_EQ(*logs, (std::vector<std::filesystem::path>{c.dir / "pod-logs" / "vllm-engine-0_vllm_synthetic_0.7.log",
                                                       c.dir / "pod-logs" / "vllm-router-1_vllm_synthetic_0.7.log",
                                                       c.dir / "pod-logs" / "events_vllm_synthetic_0.7.log"}));
  const std::string engine_log = testing::read_text((*logs)[0]);
  EXPECT_NE(engine_log.find("=== " + c.tools.kubectl() + " --context minikube --namespace bench logs vllm-engine-0 --all-containers ===\n"
                            "INFO loaded with <redacted>\n"),
            std::string::npos)
      << engine_log;
  EXPECT_NE(engine_log.find("--previous ===\nError from server (BadRequest): previous terminated container not found\n(exit code 1)\n"),
            std::string::npos)
      << engine_log;
  EXPECT_NE(engine_log.find("describe pod vllm-engine-0 ===\nName: vllm-engine-0\n"), std::string::npos) << engine_log;
  EXPECT_EQ(engine_log.find(kToken), std::string::npos);

  EXPECT_FALSE(b.down().has_value());
  EXPECT_TRUE(testing::gone_within(forward, 2000));
  EXPECT_EQ(b.port_forward_pid(), std::nullopt);
  const Calls after_logs = {
      c.k("get pods -o name"),
      c.k("logs vllm-engine-0 --all-containers"),
      c.k("logs vllm-engine-0 --all-containers --previous"),
      c.k("describe pod vllm-engine-0"),
      c.k("logs vllm-router-1 --all-containers"),
      c.k("logs vllm-router-1 --all-containers --previous"),
      c.k("describe pod vllm-router-1"),
      c.k("get events --sort-by=.lastTimestamp"),
      c.k("delete -f " + m + " --ignore-not-found --cascade=foreground --timeout=300s"),
      c.k("delete secret hf-token-secret --ignore-not-found"),
  };
  auto calls = c.tools.calls();
  ASSERT_EQ(calls.size(), 7 + after_logs.size());
  EXPECT_EQ(Calls(std::vector<testing::Argv>(calls.begin() + 7, calls.end())), after_logs);

  // down() again: nothing more to do.
  EXPECT_FALSE(b.down().has_value());
  EXPECT_EQ(c.tools.calls().size(), calls.size());

  // The token never reached a command line nor the manifest on disk.
  EXPECT_EQ(testing::read_text(c.dir / "calls.log").find(kToken), std::string::npos);
  EXPECT_EQ(testing::read_text(c.manifest), kManifest);
}

TEST(KubernetesBaseline, NoTokenNoSecretAndPodsWaitedForWithoutWorkloads) {
  Cluster c;
  std::ofstream(c.manifest) << "apiVersion: v1\nkind: Pod\nmetadata: {name: vllm}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: vllm-engine-service}\n";
  auto o = c.options();
  o.hf_token.reset();
  o.target = {.kubectl = c.tools.kubectl()};
  o.service = "vllm-engine-service";
  o.service_port = 8000;
  o.pod_selector = "app=vllm";
  o.ready_timeout = 90s;
  KubernetesBaseline b(o, c.clock);
  ASSERT_TRUE(b.up().ok());
  b.down();
  const std::string m = c.manifest.string();
  EXPECT_EQ(c.tools.calls(), (Calls{
                                 "kubectl apply -f " + m,
                                 "kubectl wait --for=condition=Ready pod -l app=vllm --timeout=90s",
                                 "kubectl port-forward --address 127.0.0.1 svc/vllm-engine-service " + std::to_string(c.port) + ":8000",
                                 "kubectl get pods -l app=vllm -o json",
                                 "kubectl delete -f " + m + " --ignore-not-found --cascade=foreground --timeout=300s",
                             }));
}

TEST(KubernetesBaseline, RolloutTimeoutIsAFailureAndDownStillCleansUp) {
  Cluster c;
  c.tools.fail("rollout");
  KubernetesBaseline b(c.options(), c.clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "kubectl");
  EXPECT_NE(e.error().message.find("rollout status deployment/vllm-engine --timeout=600s failed with exit code 1"), std::string::npos)
      << e.error().message;
  EXPECT_NE(e.error().message.find("timed out waiting for the condition"), std::string::npos);
  EXPECT_EQ(c.tools.port_forward_pid(), 0);  // never got that far
  EXPECT_FALSE(b.down().has_value());
  auto calls = c.tools.calls();
  ASSERT_EQ(calls.size(), 6u);
  EXPECT_EQ(calls[4], words(c.k("delete -f " + c.manifest.string() + " --ignore-not-found --cascade=foreground --timeout=300s")));
  EXPECT_EQ(calls[5], words(c.k("delete secret hf-token-secret --ignore-not-found")));
}

TEST(KubernetesBaseline, PortForwardThatExitsIsReportedWithItsOutput) {
  Cluster c;
  c.tools.fail("port-forward");
  KubernetesBaseline b(c.options(), c.clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "port_forward");
  EXPECT_NE(e.error().message.find("unable to forward port: pod is not running"), std::string::npos) << e.error().message;
  EXPECT_FALSE(b.down().has_value());
}

TEST(KubernetesBaseline, PortForwardReachesTheServerBehindIt) {
  Cluster c;
  // Behind the stand-in port-forward: an HTTP server answering GET /v1/models, as an engine would.
  c.tools.set_port_forward_backend(
      "#!/bin/sh\nexec node -e 'require(\"http\").createServer((q, r) => r.end(JSON.stringify({data: [{id: q.url}]})))"
      ".listen(Number(process.argv[1]), \"127.0.0.1\")' \"$1\"\n");
  KubernetesBaseline b(c.options(), c.clock);
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  core::SteadyClock clock;
  auto r = run_tool({.argv = {"node", "-e",
                              "require('http').get(process.argv[1] + '/v1/models', r => { let b = ''; r.on('data', d => b += d);"
                              " r.on('end', () => console.log(b)); })",
                              e->base_url}},
                    clock);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->output, "{\"data\":[{\"id\":\"/v1/models\"}]}\n");
  const pid_t forward = c.tools.port_forward_pid();
  EXPECT_FALSE(b.down().has_value());
  EXPECT_TRUE(testing::gone_within(forward, 2000));
}

TEST(KubernetesBaseline, PortForwardThatDiesLaterIsReportedByFailure) {
  Cluster c;
  KubernetesBaseline b(c.options(), c.clock);
  ASSERT_TRUE(b.up().ok());
  const pid_t forward = c.tools.port_forward_pid();
  ASSERT_GT(forward, 0);
  ::kill(forward, SIGKILL);  // as when the pod behind it restarts
  std::optional<core::Error> failure;
  for (int i = 0; i < 300 && !failure; ++i) {
    std::this_thread::sleep_for(10ms);
    failure = b.failure();
  }
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->kind, "port_forward");
  EXPECT_NE(failure->message.find("exited with status " + std::to_string(128 + SIGKILL)), std::string::npos) << failure->message;
  EXPECT_NE(failure->message.find("Forwarding from 127.0.0.1:"), std::string::npos) << failure->message;
  EXPECT_FALSE(b.down().has_value());
}

TEST(KubernetesBaseline, PortForwardThatNeverListensTimesOut) {
  Cluster c;
  // A port-forward that stays up but never listens: the stand-in's fake listener is replaced by sleep.
  testing::write_script(c.dir / "kubectl", "#!/bin/sh\ncase \" $* \" in *\" port-forward \"*) echo $$ > '" +
                                               (c.dir / "port-forward.pid").string() + "'; exec sleep 30 ;; esac\necho ok\n");
  auto o = c.options();
  o.port_forward_timeout = 300ms;
  core::SteadyClock clock;
  KubernetesBaseline b(o, clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "timeout");
  EXPECT_NE(e.error().message.find("did not accept connections within 1s"), std::string::npos) << e.error().message;
  EXPECT_TRUE(testing::gone_within(c.tools.port_forward_pid(), 2000));
}

TEST(KubernetesBaseline, BusyLocalPortFailsBeforeAnyKubectlCall) {
  Cluster c;
  testing::write_script(c.dir / "listen.sh",
                        "#!/bin/sh\nexec node -e 'require(\"net\").createServer(c => c.end()).listen(" + std::to_string(c.port) + ", \"127.0.0.1\")'\n");
  auto listener = core::ChildProcess::spawn({.argv = {(c.dir / "listen.sh").string()}});
  ASSERT_TRUE(listener.ok()) << listener.error().message;
  bool listening = false;
  for (int i = 0; i < 1000 && !listening; ++i) {
    listening = tcp_port_open("127.0.0.1", c.port);
    if (!listening) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(listening);
  KubernetesBaseline b(c.options(), c.clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "port_in_use");
  EXPECT_NE(e.error().message.find(std::to_string(c.port)), std::string::npos);
  EXPECT_TRUE(c.tools.calls().empty());
  EXPECT_FALSE(b.down().has_value());
  EXPECT_TRUE(c.tools.calls().empty());
}

TEST(KubernetesBaseline, ManifestThatInlinesTheTokenPlaceholderIsRefused) {
  Cluster c;
  std::ofstream(c.manifest) << "kind: Deployment\nmetadata: {name: x}\nspec: {env: [{name: HF_TOKEN, value: <YOUR_HF_TOKEN>}]}\n";
  KubernetesBaseline b(c.options(), c.clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "manifest");
  EXPECT_NE(e.error().message.find("secretKeyRef name 'hf-token-secret', key 'token'"), std::string::npos);
  EXPECT_TRUE(c.tools.calls().empty());
}

// The manifest shipped in 2-serving-engines deploys as it is: it references the Secret lmbench
// creates and names the Service the port-forward reaches.
TEST(KubernetesBaseline, ShippedManifestDeploysThroughTheSecretAndService) {
  Cluster c;
  auto o = c.options();
  o.manifest = std::filesystem::path(LMBENCH_SOURCE_DIR) /
               "2-serving-engines/direct-production-stack/kubernetes_configurations/basic/llama-3.1-8b-vllm.yaml";
  KubernetesBaseline b(o, c.clock);
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  // The weights' claim is missing on a first run: created (on stdin), and kept by down().
  EXPECT_EQ(c.tools.calls(), (Calls{
                                 c.k("delete secret hf-token-secret --ignore-not-found"),
                                 c.k("create secret generic hf-token-secret --from-env-file=/dev/stdin"),
                                 c.k("get persistentvolumeclaim vllm-llama3-hf-cache --ignore-not-found -o name"),
                                 c.k("apply -f -"),
                                 c.k("apply -f " + o.manifest.string()),
                                 c.k("rollout status deployment/vllm-llama3 --timeout=600s"),
                                 c.k("port-forward --address 127.0.0.1 svc/vllm-router-service " +
                                     std::to_string(c.port) + ":80"),
                                 c.k("get pods -l app=vllm-llama3 -o json"),
                             }));
  const std::string claim = c.tools.stdin_of(4);
  EXPECT_NE(claim.find("kind: PersistentVolumeClaim\nmetadata:\n  name: vllm-llama3-hf-cache\n"), std::string::npos) << claim;
  EXPECT_NE(claim.find("storage: 50Gi"), std::string::npos) << claim;
  const auto notices = b.take_notices();
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_NE(notices[0].find("created PersistentVolumeClaim vllm-llama3-hf-cache (50Gi"), std::string::npos) << notices[0];
  EXPECT_NE(notices[1].find("server metrics: no running engine pod found (app=vllm-llama3)"), std::string::npos) << notices[1];
  EXPECT_FALSE(b.down().has_value());
  for (const auto& call : c.tools.calls()) EXPECT_EQ(joined(call).find("delete persistentvolumeclaim"), std::string::npos);

  // The next run finds the claim and creates nothing.
  Cluster again;
  again.tools.add_claim("vllm-llama3-hf-cache");
  auto o2 = again.options();
  o2.manifest = o.manifest;
  KubernetesBaseline b2(o2, again.clock);
  ASSERT_TRUE(b2.up().ok());
  const auto calls = again.tools.calls();
  ASSERT_GE(calls.size(), 4u);
  EXPECT_EQ(calls[2], words(again.k("get persistentvolumeclaim vllm-llama3-hf-cache --ignore-not-found -o name")));
  EXPECT_EQ(calls[3], words(again.k("apply -f " + o.manifest.string())));
  EXPECT_EQ(b2.take_notices().size(), 1u);  // the metrics' note only
  EXPECT_FALSE(b2.down().has_value());
}

TEST(KubernetesBaseline, DestructorTearsDown) {
  Cluster c;
  pid_t forward = 0;
  {
    KubernetesBaseline b(c.options(), c.clock);
    ASSERT_TRUE(b.up().ok());
    forward = c.tools.port_forward_pid();
    ASSERT_TRUE(testing::alive(forward));
  }
  EXPECT_TRUE(testing::gone_within(forward, 2000));
  auto calls = c.tools.calls();
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[calls.size() - 2], words(c.k("delete -f " + c.manifest.string() + " --ignore-not-found --cascade=foreground --timeout=300s")));
  EXPECT_EQ(calls.back(), words(c.k("delete secret hf-token-secret --ignore-not-found")));
}

// Ctrl-C during the rollout wait: up() gives up at once and down() still deletes everything.
// A death test, because core::request_stop() cannot be undone within a process.
TEST(KubernetesBaselineDeathTest, InterruptDuringRolloutStillTearsDown) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // The work runs in a function so that its temporary folder is removed before exit().
  const auto interrupted_run = []() -> std::string {
    Cluster c;
    c.tools.slow("rollout");
    KubernetesBaseline b(c.options(), c.clock);
    std::thread ctrl_c([] {
      std::this_thread::sleep_for(300ms);
      core::request_stop();
    });
    const auto start = std::chrono::steady_clock::now();
    auto e = b.up();
    ctrl_c.join();
    const bool quick = std::chrono::steady_clock::now() - start < 10s;
    b.down();
    const auto calls = c.tools.calls();
    const bool torn_down = calls.size() == 6 && joined(calls[4]).find(" delete -f ") != std::string::npos &&
                           joined(calls[5]).find(" delete secret ") != std::string::npos;
    return "kind=" + (e.ok() ? std::string("ok") : e.error().kind) + " quick=" + std::to_string(quick) +
           " torn_down=" + std::to_string(torn_down);
  };
  EXPECT_EXIT(
      {
        std::fprintf(stderr, "%s\n", interrupted_run().c_str());
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "kind=interrupted quick=1 torn_down=1");
}

}  // namespace
}  // namespace lmbench::deploy
