// The Helm kind against the recording stand-in helm and kubectl (the one allowed stand-in: no
// cluster can run here; see deploy_fixture.h). Each test pins the exact call sequence.

#include "deploy/helm.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "core/interrupt.h"
#include "support/deploy_fixture.h"

namespace lmbench::deploy {
namespace {

using namespace std::chrono_literals;
using testing::StandIn;
using testing::TempDir;
using testing::Calls;
using testing::joined;
using testing::words;

constexpr const char* kToken = "hf_HelmTok3nOnlyOnStdin";
constexpr const char* kValues = R"(servingEngineSpec:
  modelSpec:
  - name: llama3
    modelURL: meta-llama/Llama-3.1-8B-Instruct
    replicaCount: 2
    hf_token: <YOUR_HF_TOKEN>
    lmcacheConfig: {enabled: true, cpuOffloadingBufferSize: "60"}
routerSpec:
  routingLogic: session
  sessionKey: x-user-id
)";

struct Cluster {
  TempDir dir{"helm"};
  StandIn tools{dir.path()};
  std::filesystem::path values = dir / "routing-session.yaml";
  int port = testing::free_port();
  core::ManualClock clock;

  Cluster() { std::ofstream(values) << kValues; }

  HelmOptions production_stack() const {
    HelmOptions h = production_stack_helm_options(values);
    h.helm = tools.helm();
    h.model = "meta-llama/Llama-3.1-8B-Instruct";
    h.target = {.kubectl = tools.kubectl(), .context = "gke", .namespace_name = "bench"};
    h.hf_token = Secret(kToken);
    h.local_port = port;
    h.port_forward_log = dir / "pf.log";
    h.install_timeout = 15min;
    return h;
  }
};

TEST(HelmBaseline, ProductionStackExactCallsTokenOnlyOnStdin) {
  Cluster c;
  HelmBaseline b(c.production_stack(), c.clock);
  EXPECT_EQ(b.kind(), "Helm");
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->base_url, "http://127.0.0.1:" + std::to_string(c.port));
  EXPECT_EQ(e->model, "meta-llama/Llama-3.1-8B-Instruct");
  const std::string v = c.values.string();
  EXPECT_EQ(c.tools.calls(),
            (Calls{
                "helm repo add vllm https://vllm-project.github.io/production-stack --force-update",
                "helm --kube-context gke --namespace bench status vllm",
                "helm --kube-context gke --namespace bench upgrade --install vllm vllm/vllm-stack -f " + v +
                    " -f - --version 0.1.12 --wait --timeout 900s",
                "kubectl --context gke --namespace bench port-forward --address 127.0.0.1 svc/vllm-router-service " +
                    std::to_string(c.port) + ":80",
                // The engine pods, for their /metrics (the stand-in lists none by default).
                "kubectl --context gke --namespace bench get pods -l "
                "app.kubernetes.io/component=serving-engine,app.kubernetes.io/instance=vllm -o json",
            }));
  // The values on stdin: the file with the placeholder replaced, everything else as written.
  std::string expected = kValues;
  expected.replace(expected.find("<YOUR_HF_TOKEN>"), 15, kToken);
  expected.pop_back();  // the stand-in drops the final newline
  EXPECT_EQ(c.tools.stdin_of(3), expected);
  // Nothing was left from an earlier run; no engine pod answered for the metrics: a note only.
  EXPECT_EQ(b.take_notices(), (std::vector<std::string>{
                                  "server metrics: no running engine pod found "
                                  "(app.kubernetes.io/component=serving-engine,app.kubernetes.io/instance=vllm); "
                                  "only the router's page is read"}));
  EXPECT_EQ(e->metrics_targets.size(), 1u);
  const pid_t forward = c.tools.port_forward_pid();
  ASSERT_GT(forward, 0);
  EXPECT_EQ(b.port_forward_pid(), forward);
  EXPECT_TRUE(testing::alive(forward));

  // Logs: the release's pods only, and the namespace's events.
  auto logs = b.logs(c.dir / "pod-logs", "helm_routing_session_synthetic_1.5");
  ASSERT_TRUE(logs.ok()) << logs.error().message;
  EXPECT_EQ(logs->size(), 3u);
  EXPECT_TRUE(std::filesystem::exists(c.dir / "pod-logs" / "vllm-router-1_helm_routing_session_synthetic_1.5.log"));
  const std::string events = testing::read_text(c.dir / "pod-logs" / "events_helm_routing_session_synthetic_1.5.log");
  EXPECT_NE(events.find("get events --sort-by=.lastTimestamp ===\n"), std::string::npos) << events;
  EXPECT_NE(events.find("Insufficient nvidia.com/gpu"), std::string::npos) << events;

  EXPECT_FALSE(b.down().has_value());
  EXPECT_TRUE(testing::gone_within(forward, 2000));
  auto calls = c.tools.calls();
  ASSERT_EQ(calls.size(), 5u + 1u + 6u + 1u + 1u);
  EXPECT_EQ(calls[5], words("kubectl --context gke --namespace bench get pods -o name -l app.kubernetes.io/instance=vllm"));
  EXPECT_EQ(calls[12], words("kubectl --context gke --namespace bench get events --sort-by=.lastTimestamp"));
  EXPECT_EQ(calls.back(), words("helm --kube-context gke --namespace bench uninstall vllm --wait --timeout 300s"));
  EXPECT_FALSE(c.tools.has_release("vllm"));
  EXPECT_FALSE(b.down().has_value());
  EXPECT_EQ(c.tools.calls().size(), calls.size());

  EXPECT_EQ(testing::read_text(c.dir / "calls.log").find(kToken), std::string::npos);
  EXPECT_EQ(testing::read_text(c.values), kValues);  // the file on disk keeps its placeholder
}

// llm-d's inference-scheduling path: three pinned releases in order (gateway, inference pool,
// model service) with their values from one folder, uninstalled in reverse; the token only in
// the Secret the model service reads.
TEST(HelmBaseline, LlmdInstallsItsThreeReleasesInOrderAndRemovesThemInReverse) {
  Cluster c;
  const auto ms = c.dir / "llama.yaml";
  std::ofstream(ms) << "modelArtifacts: {uri: hf://meta-llama/Llama-3.1-8B-Instruct, authSecretName: llm-d-hf-token}\n";
  std::ofstream(c.dir / "infra-values.yaml") << "gateway: {provider: istio}\n";
  std::ofstream(c.dir / "gaie-values.yaml") << "provider: {name: istio}\n";
  HelmOptions h = llmd_helm_options(ms);
  h.helm = c.tools.helm();
  h.model = "meta-llama/Llama-3.1-8B-Instruct";
  h.target = {.kubectl = c.tools.kubectl()};
  h.hf_token = Secret(kToken);
  h.local_port = c.port;
  HelmBaseline b(h, c.clock);
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_TRUE(c.tools.has_release("infra-lmbench") && c.tools.has_release("gaie-lmbench") && c.tools.has_release("ms-lmbench"));
  ASSERT_TRUE(b.logs(c.dir / "logs", "llmd_x").ok());
  EXPECT_FALSE(b.down().has_value());
  const std::string d = c.dir.path().string();
  EXPECT_EQ(c.tools.calls(),
            (Calls{
                "helm repo add llm-d-infra https://llm-d-incubation.github.io/llm-d-infra/ --force-update",
                "helm repo add llm-d-modelservice https://llm-d-incubation.github.io/llm-d-modelservice/ --force-update",
                "helm status ms-lmbench",
                "helm status gaie-lmbench",
                "helm status infra-lmbench",
                "kubectl delete secret llm-d-hf-token --ignore-not-found",
                "kubectl create secret generic llm-d-hf-token --from-env-file=/dev/stdin",
                "helm upgrade --install infra-lmbench llm-d-infra/llm-d-infra -f " + d +
                    "/infra-values.yaml --version v1.4.0 --wait --timeout 1200s",
                "helm upgrade --install gaie-lmbench oci://registry.k8s.io/gateway-api-inference-extension/charts/inferencepool -f " +
                    d + "/gaie-values.yaml --version v1.5.0 --wait --timeout 1200s",
                "helm upgrade --install ms-lmbench llm-d-modelservice/llm-d-modelservice -f " + ms.string() +
                    " --version v0.4.12 --wait --timeout 1200s",
                "kubectl port-forward --address 127.0.0.1 svc/infra-lmbench-inference-gateway-istio " + std::to_string(c.port) + ":80",
                "kubectl get pods -l app.kubernetes.io/instance=ms-lmbench -o json",
                "kubectl get pods -o name -l app.kubernetes.io/instance=ms-lmbench",
                "kubectl get pods -o name -l inferencepool=gaie-lmbench-epp",
                "kubectl get pods -o name -l gateway.networking.k8s.io/gateway-name=infra-lmbench-inference-gateway",
                // The stand-in lists the same two pods for every selector: each is saved once.
                "kubectl logs vllm-engine-0 --all-containers",
                "kubectl logs vllm-engine-0 --all-containers --previous",
                "kubectl describe pod vllm-engine-0",
                "kubectl logs vllm-router-1 --all-containers",
                "kubectl logs vllm-router-1 --all-containers --previous",
                "kubectl describe pod vllm-router-1",
                "kubectl get events --sort-by=.lastTimestamp",
                "helm uninstall ms-lmbench --wait --timeout 300s",
                "helm uninstall gaie-lmbench --wait --timeout 300s",
                "helm uninstall infra-lmbench --wait --timeout 300s",
                "kubectl delete secret llm-d-hf-token --ignore-not-found",
            }));
  EXPECT_EQ(c.tools.stdin_of(7), std::string("HF_TOKEN=") + kToken);
  for (std::size_t n = 8; n <= 10; ++n) EXPECT_EQ(c.tools.stdin_of(n), "");  // no placeholder: values files as they are
  EXPECT_EQ(testing::read_text(c.dir / "calls.log").find(kToken), std::string::npos);
}

// A release left by an earlier run (killed, or a teardown that timed out) is uninstalled before
// installing, and the run says so; a new install onto it would surge pods that get no GPU.
TEST(HelmBaseline, AReleaseLeftByAnEarlierRunIsUninstalledFirstAndSaidSo) {
  Cluster c;
  c.tools.add_release("vllm");
  HelmBaseline b(c.production_stack(), c.clock);
  ASSERT_TRUE(b.up().ok());
  const auto calls = c.tools.calls();
  ASSERT_GE(calls.size(), 4u);
  EXPECT_EQ(calls[1], words("helm --kube-context gke --namespace bench status vllm"));
  EXPECT_EQ(calls[2], words("helm --kube-context gke --namespace bench uninstall vllm --wait --timeout 300s"));
  EXPECT_EQ(joined(calls[3]).find("helm --kube-context gke --namespace bench upgrade --install vllm "), 0u) << joined(calls[3]);
  const auto notices = b.take_notices();
  ASSERT_EQ(notices.size(), 2u);  // and a note that no engine pod was found for the metrics
  EXPECT_EQ(notices[0], "release vllm was left installed by an earlier run; uninstalled it before installing");
  EXPECT_FALSE(b.down().has_value());
}

// The second of llm-d's releases fails: the first is uninstalled, the failed one's teardown
// tolerates "not found", the third was never touched.
TEST(HelmBaseline, AFailedReleaseTearsDownWhatWasInstalledBeforeIt) {
  Cluster c;
  const auto ms = c.dir / "llama.yaml";
  std::ofstream(ms) << "decode: {replicas: 1}\n";
  std::ofstream(c.dir / "infra-values.yaml") << "gateway: {}\n";
  std::ofstream(c.dir / "gaie-values.yaml") << "provider: {}\n";
  c.tools.fail("install-gaie-lmbench");
  HelmOptions h = llmd_helm_options(ms);
  h.helm = c.tools.helm();
  h.target = {.kubectl = c.tools.kubectl()};
  h.hf_token = Secret(kToken);
  h.local_port = c.port;
  HelmBaseline b(h, c.clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("upgrade --install gaie-lmbench"), std::string::npos) << e.error().message;
  EXPECT_FALSE(b.down().has_value());
  auto calls = c.tools.calls();
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls[calls.size() - 3], words("helm uninstall gaie-lmbench --wait --timeout 300s"));
  EXPECT_EQ(calls[calls.size() - 2], words("helm uninstall infra-lmbench --wait --timeout 300s"));
  EXPECT_EQ(calls.back(), words("kubectl delete secret llm-d-hf-token --ignore-not-found"));
  for (const auto& call : calls) EXPECT_EQ(joined(call).find("ms-lmbench llm-d-modelservice"), std::string::npos);
  EXPECT_FALSE(c.tools.has_release("infra-lmbench"));
}

TEST(HelmBaseline, FailedInstallIsReportedAndTeardownToleratesAMissingRelease) {
  Cluster c;
  c.tools.fail("install");
  HelmBaseline b(c.production_stack(), c.clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "helm");
  EXPECT_NE(e.error().message.find("INSTALLATION FAILED: context deadline exceeded"), std::string::npos) << e.error().message;
  EXPECT_EQ(e.error().message.find(kToken), std::string::npos);
  EXPECT_FALSE(b.down().has_value());  // "release: not found" is not a teardown failure
  auto calls = c.tools.calls();
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[3], words("helm --kube-context gke --namespace bench uninstall vllm --wait --timeout 300s"));
}

TEST(HelmBaseline, FailedUninstallIsReportedByDown) {
  Cluster c;
  c.tools.fail("uninstall");
  HelmBaseline b(c.production_stack(), c.clock);
  ASSERT_TRUE(b.up().ok());
  const pid_t forward = c.tools.port_forward_pid();
  auto err = b.down();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->kind, "helm");
  EXPECT_NE(err->message.find("timed out waiting for the condition"), std::string::npos);
  EXPECT_TRUE(testing::gone_within(forward, 2000));  // the port-forward is stopped regardless
}

TEST(HelmBaseline, PlaceholderWithoutTokenFailsBeforeAnyCall) {
  Cluster c;
  auto h = c.production_stack();
  h.hf_token.reset();
  HelmBaseline b(h, c.clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "missing_token");
  EXPECT_NE(e.error().message.find(c.values.string()), std::string::npos);
  EXPECT_TRUE(c.tools.calls().empty());
  EXPECT_FALSE(b.down().has_value());
  EXPECT_TRUE(c.tools.calls().empty());
}

TEST(HelmBaseline, MissingValuesFileIsAFailure) {
  Cluster c;
  auto h = c.production_stack();
  h.releases[0].values_file = c.dir / "nope.yaml";
  HelmBaseline b(h, c.clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "values");
  EXPECT_NE(e.error().message.find("nope.yaml"), std::string::npos);
}

// Ctrl-C during `helm upgrade --install --wait`: up() gives up at once, down() still uninstalls.
// A death test, because core::request_stop() cannot be undone within a process.
TEST(HelmBaselineDeathTest, InterruptDuringInstallStillUninstalls) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // The work runs in a function so that its temporary folder is removed before exit().
  const auto interrupted_run = []() -> std::string {
    Cluster c;
    c.tools.slow("install");
    HelmBaseline b(c.production_stack(), c.clock);
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
    const bool torn_down = calls.size() == 4 && joined(calls[3]).find(" uninstall vllm ") != std::string::npos;
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
