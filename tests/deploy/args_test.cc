// The exact command lines of the Kubernetes and Helm kinds, as pure functions.

#include <gtest/gtest.h>

#include "deploy/helm.h"
#include "deploy/kubectl.h"
#include "deploy/script.h"

namespace lmbench::deploy {
namespace {

using Args = std::vector<std::string>;
using namespace std::chrono_literals;

const KubeTarget kTarget{.kubectl = "/opt/kubectl", .context = "gke-a100", .namespace_name = "bench"};

TEST(KubectlArgs, GlobalFlagsOnlyWhenSet) {
  EXPECT_EQ(kubectl_base_args(KubeTarget{}), (Args{"kubectl"}));
  EXPECT_EQ(kubectl_base_args(kTarget), (Args{"/opt/kubectl", "--context", "gke-a100", "--namespace", "bench"}));
  EXPECT_EQ(kubectl_base_args(KubeTarget{.namespace_name = "n"}), (Args{"kubectl", "--namespace", "n"}));
}

TEST(KubectlArgs, ApplyRolloutWaitDelete) {
  const KubeTarget t{};
  EXPECT_EQ(kubectl_apply_args(t, "/m.yaml"), (Args{"kubectl", "apply", "-f", "/m.yaml"}));
  EXPECT_EQ(kubectl_rollout_status_args(t, "deployment/vllm", 600s),
            (Args{"kubectl", "rollout", "status", "deployment/vllm", "--timeout=600s"}));
  EXPECT_EQ(kubectl_wait_pods_ready_args(t, "", 90s),
            (Args{"kubectl", "wait", "--for=condition=Ready", "pod", "--all", "--timeout=90s"}));
  EXPECT_EQ(kubectl_wait_pods_ready_args(t, "app=vllm", 90s),
            (Args{"kubectl", "wait", "--for=condition=Ready", "pod", "-l", "app=vllm", "--timeout=90s"}));
  EXPECT_EQ(kubectl_delete_args(t, "/m.yaml", 5min),
            (Args{"kubectl", "delete", "-f", "/m.yaml", "--ignore-not-found", "--cascade=foreground", "--timeout=300s"}));
}

TEST(KubectlArgs, PortForwardLogsDescribe) {
  EXPECT_EQ(kubectl_port_forward_args(kTarget, "vllm-router-service", 30080, 80),
            (Args{"/opt/kubectl", "--context", "gke-a100", "--namespace", "bench", "port-forward", "--address", "127.0.0.1",
                  "svc/vllm-router-service", "30080:80"}));
  const KubeTarget t{};
  EXPECT_EQ(kubectl_get_pods_args(t, ""), (Args{"kubectl", "get", "pods", "-o", "name"}));
  EXPECT_EQ(kubectl_get_pods_args(t, "app=x"), (Args{"kubectl", "get", "pods", "-o", "name", "-l", "app=x"}));
  EXPECT_EQ(kubectl_logs_args(t, "p", false), (Args{"kubectl", "logs", "p", "--all-containers"}));
  EXPECT_EQ(kubectl_logs_args(t, "p", true), (Args{"kubectl", "logs", "p", "--all-containers", "--previous"}));
  EXPECT_EQ(kubectl_describe_pod_args(t, "p"), (Args{"kubectl", "describe", "pod", "p"}));
}

TEST(KubectlArgs, SecretFromStdinNeverArgv) {
  const TokenSecret s{};
  EXPECT_EQ(kubectl_create_secret_args(KubeTarget{}, s),
            (Args{"kubectl", "create", "secret", "generic", "hf-token-secret", "--from-env-file=/dev/stdin"}));
  EXPECT_EQ(kubectl_delete_secret_args(KubeTarget{}, s),
            (Args{"kubectl", "delete", "secret", "hf-token-secret", "--ignore-not-found"}));
  auto env = secret_env_file(s, "hf_abc");
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(*env, "token=hf_abc\n");
  EXPECT_EQ(secret_env_file(s, "").error().kind, "bad_token");
  EXPECT_EQ(secret_env_file(s, "hf_a\nb=c").error().kind, "bad_token");
  EXPECT_EQ(secret_env_file(s, "hf a").error().kind, "bad_token");
}

TEST(KubectlArgs, SecondsRoundUpAndNeverZero) {
  EXPECT_EQ(kube_seconds(1500ms), "2s");
  EXPECT_EQ(kube_seconds(2s), "2s");
  EXPECT_EQ(kube_seconds(0s), "1s");
  EXPECT_EQ(kube_seconds(-3s), "1s");
  EXPECT_EQ(kube_seconds(20min), "1200s");
}

TEST(KubectlArgs, PodNamesSkipWarnings) {
  EXPECT_EQ(parse_pod_names("pod/a\nWarning: deprecated\npod/b-1\r\n\npod/\n"), (Args{"a", "b-1"}));
  EXPECT_TRUE(parse_pod_names("No resources found in bench namespace.\n").empty());
}

TEST(HelmArgs, ProductionStackPreset) {
  HelmOptions h = production_stack_helm_options("/v/routing.yaml");
  ASSERT_EQ(h.repos.size(), 1u);
  ASSERT_EQ(h.releases.size(), 1u);
  EXPECT_EQ(helm_repo_add_args(h, h.repos[0]),
            (Args{"helm", "repo", "add", "vllm", "https://vllm-project.github.io/production-stack", "--force-update"}));
  EXPECT_EQ(helm_status_args(h, h.releases[0]), (Args{"helm", "status", "vllm"}));
  EXPECT_EQ(helm_upgrade_install_args(h, h.releases[0], false),
            (Args{"helm", "upgrade", "--install", "vllm", "vllm/vllm-stack", "-f", "/v/routing.yaml", "--version", "0.1.12",
                  "--wait", "--timeout", "1200s"}));
  EXPECT_EQ(helm_uninstall_args(h, h.releases[0]), (Args{"helm", "uninstall", "vllm", "--wait", "--timeout", "300s"}));
  EXPECT_FALSE(h.token_secret.has_value());
  EXPECT_EQ(h.service, "vllm-router-service");
  EXPECT_EQ(h.local_port, 30080);
  EXPECT_EQ(h.pod_selectors, (Args{"app.kubernetes.io/instance=vllm"}));
}

TEST(HelmArgs, ContextNamespaceVersionAndStdinValues) {
  HelmOptions h = llmd_helm_options("/v/llm-d/basic/llama.yaml");
  h.install_timeout = 90s;
  h.target = kTarget;
  ASSERT_EQ(h.releases.size(), 3u);
  EXPECT_EQ(helm_upgrade_install_args(h, h.releases[2], true),
            (Args{"helm", "--kube-context", "gke-a100", "--namespace", "bench", "upgrade", "--install", "ms-lmbench",
                  "llm-d-modelservice/llm-d-modelservice", "-f", "/v/llm-d/basic/llama.yaml", "-f", "-", "--version", "v0.4.12",
                  "--wait", "--timeout", "90s"}));
  EXPECT_EQ(h.releases[0].values_file, "/v/llm-d/basic/infra-values.yaml");
  EXPECT_EQ(h.releases[1].values_file, "/v/llm-d/basic/gaie-values.yaml");
  EXPECT_EQ(h.service, "infra-lmbench-inference-gateway-istio");
  ASSERT_TRUE(h.token_secret.has_value());
  EXPECT_EQ(h.token_secret->name, "llm-d-hf-token");
  EXPECT_EQ(h.token_secret->key, "HF_TOKEN");
}

TEST(HelmValues, PlaceholderReplacedOnlyInTheStdinCopy) {
  const std::string values =
      "servingEngineSpec:\n  modelSpec:\n  - name: a\n    hf_token: <YOUR_HF_TOKEN>\n  - name: b\n    hf_token: <YOUR_HF_TOKEN>\n";
  auto r = values_with_token(values, "v.yaml", Secret("hf_Tok3n"));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, "servingEngineSpec:\n  modelSpec:\n  - name: a\n    hf_token: hf_Tok3n\n  - name: b\n    hf_token: hf_Tok3n\n");

  auto none = values_with_token("routerSpec: {routingLogic: session}\n", "v.yaml", Secret("hf_x"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  auto missing = values_with_token(values, "helm/v.yaml", std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, "missing_token");
  EXPECT_NE(missing.error().message.find("helm/v.yaml"), std::string::npos);

  auto unsafe = values_with_token(values, "v.yaml", Secret("hf_x: {evil}"));
  ASSERT_FALSE(unsafe.ok());
  EXPECT_EQ(unsafe.error().kind, "bad_token");
  EXPECT_EQ(unsafe.error().message.find("evil"), std::string::npos);
}

TEST(ScriptArgs, InterpreterByExtensionAndSecretsOnlyInEnv) {
  ScriptOptions o{.script = "/e/sglang/run.sh", .args = {"H100"}, .model = "m", .port = 8123, .hf_token = Secret("hf_s")};
  EXPECT_EQ(script_argv(o), (Args{"bash", "/e/sglang/run.sh", "H100"}));
  o.script = "/e/rayserve/serve.py";
  EXPECT_EQ(script_argv(o), (Args{"python3", "/e/rayserve/serve.py", "H100"}));
  o.script = "/e/flat/launch";
  EXPECT_EQ(script_argv(o), (Args{"/e/flat/launch", "H100"}));
  o.env = {{"ACCELERATOR_TYPE", "H100"}};
  const std::vector<std::pair<std::string, std::string>> env = {
      {"MODEL_URL", "m"}, {"PORT", "8123"}, {"HF_TOKEN", "hf_s"}, {"ACCELERATOR_TYPE", "H100"}};
  EXPECT_EQ(script_env(o), env);
}

TEST(Secret, RedactReplacesEveryOccurrence) {
  EXPECT_EQ(redact("a hf_x b hf_xhf_x", Secret("hf_x")), "a <redacted> b <redacted><redacted>");
  EXPECT_EQ(redact("unchanged", Secret("")), "unchanged");
}

}  // namespace
}  // namespace lmbench::deploy
