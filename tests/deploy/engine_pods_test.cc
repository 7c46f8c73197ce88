// Server metrics on a cluster (issue 18): the engine pods found by label with `kubectl get pods
// -o json`, one `kubectl port-forward pod/...` each, the router through the base URL, and every
// port-forward gone after down(); against the recording kubectl/helm stand-in (deploy_fixture.h),
// whose port-forwards really listen.

#include "deploy/engine_pods.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>

#include "deploy/helm.h"
#include "deploy/kubernetes.h"
#include "deploy/tool_runner.h"
#include "support/deploy_fixture.h"
#include "telemetry/scraper.h"
#include "telemetry/server_stats.h"

namespace lmbench::deploy {
namespace {

using namespace std::chrono_literals;
using testing::Argv;
using testing::Calls;
using testing::joined;
using testing::StandIn;
using testing::TempDir;
using testing::words;

// A pod of `kubectl get pods -o json`, as the API server writes it (the fields read, and a few
// that are not).
std::string pod_json(const std::string& name, const std::string& phase, const std::string& ip, const std::string& labels,
                     const std::string& ports, bool deleting = false) {
  return R"({"apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": ")" + name + R"(", "namespace": "bench", "labels": {)" + labels + "}" +
         (deleting ? R"(, "deletionTimestamp": "2026-12-06T19:00:00Z")" : "") + R"(},
    "spec": {"containers": [{"name": "vllm", "image": "vllm/vllm-openai:v0.27.1", "ports": [)" + ports + R"(]}]},
    "status": {"phase": ")" + phase + "\"" + (ip.empty() ? "" : R"(, "podIP": ")" + ip + "\"") +
         R"(, "hostIP": "10.128.0.7"}})";
}

std::string pod_list(const std::vector<std::string>& pods) {
  std::string items;
  for (const auto& p : pods) items += (items.empty() ? "" : ",\n") + p;
  return "{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n" + items + "\n  ],\n  \"kind\": \"List\",\n  \"metadata\": {\"resourceVersion\": \"\"}\n}\n";
}

// Two engines behind a router Deployment and its Service; a third engine still Pending.
const std::string kEngineLabels = R"("app": "vllm-engine", "model": "llama3")";
const std::string kPods = pod_list({
    pod_json("vllm-engine-a", "Running", "10.0.0.11", kEngineLabels,
             R"({"containerPort": 55555, "name": "zmq-port", "protocol": "TCP"}, {"containerPort": 8000, "name": "container-port", "protocol": "TCP"})"),
    pod_json("vllm-engine-b", "Running", "10.0.0.12", kEngineLabels,
             R"({"containerPort": 9999, "name": "ucx", "protocol": "UDP"}, {"containerPort": 9090, "name": "stats"}, {"containerPort": 8080, "name": "http"})"),
    pod_json("vllm-engine-c", "Pending", "", kEngineLabels, R"({"containerPort": 8000})"),
    pod_json("vllm-router-x", "Running", "10.0.0.20", R"("app": "vllm-router")", R"({"containerPort": 8000})"),
});

constexpr const char* kManifest = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm-engine}
spec:
  selector: {matchLabels: {app: vllm-engine}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm-router}
spec:
  selector: {matchLabels: {app: vllm-router}}
---
apiVersion: v1
kind: Service
metadata: {name: vllm-router-service}
spec:
  selector: {app: vllm-router}
  ports: [{port: 80, targetPort: 8000}]
)";

// Behind every port-forward: an HTTP server that names what it stands for ($2: "pod/x", "svc/y").
constexpr const char* kNamingBackend =
    "#!/bin/sh\nexec node -e 'const [port, what] = process.argv.slice(1);"
    " require(\"http\").createServer((q, r) => r.end(what + \" \" + q.url)).listen(Number(port), \"127.0.0.1\")' \"$1\" \"$2\"\n";

struct Cluster {
  TempDir dir{"engines"};
  StandIn tools{dir.path()};
  std::filesystem::path manifest = dir / "vllm.yaml";
  int port = testing::free_port();
  // A real clock, so that each port-forward's readiness wait has its deadline.
  core::SteadyClock clock;

  Cluster() { std::ofstream(manifest) << kManifest; }

  KubernetesOptions options() const {
    return {.manifest = manifest, .model = "m", .target = {.kubectl = tools.kubectl(), .namespace_name = "bench"},
            .local_port = port, .port_forward_log = dir / "port-forward.log", .port_forward_timeout = 30s};
  }
  std::string k(const std::string& rest) const { return "kubectl --namespace bench " + rest; }
};

// The local port of "http://127.0.0.1:<port>/metrics".
int port_of(const std::string& url) {
  std::smatch m;
  const std::regex re(R"(^http://127\.0\.0\.1:(\d+)/metrics$)");
  if (!std::regex_match(url, m, re)) return 0;
  return std::stoi(m[1]);
}

// GET each URL with node, one answer per line.
std::string fetch_all(const std::vector<std::string>& urls) {
  std::vector<std::string> argv = {"node", "-e",
                                   "(async () => { for (const u of process.argv.slice(1)) console.log(await (await fetch(u)).text()); })()"};
  argv.insert(argv.end(), urls.begin(), urls.end());
  core::SteadyClock clock;
  auto r = run_tool({.argv = argv, .timeout = 30s}, clock);
  return r ? r->output : "(" + r.error().message + ")";
}

bool port_forward_children_left() {
  for (const auto& [pid, cmd] : testing::children_of(::getpid())) {
    if (cmd.find("port-forward") != std::string::npos || cmd.find("node -e") != std::string::npos) return true;
  }
  return false;
}

TEST(EnginePods, RunningPodsWithTheirApiPortAndNothingElse) {
  const std::string text = "Warning: kubectl 1.31 is newer than the server {1.29}\n" +
                           pod_list({pod_json("a", "Running", "10.0.0.1", R"("app": "x")",
                                              R"({"containerPort": 55555, "name": "zmq-port"}, {"containerPort": 8000, "name": "container-port"})"),
                                     pod_json("b", "Running", "10.0.0.2", "", R"({"containerPort": 8080, "name": "http"})"),
                                     pod_json("c", "Running", "10.0.0.3", "", R"({"containerPort": 9000, "name": "api"}, {"containerPort": 8080, "name": "x"})"),
                                     pod_json("d", "Running", "10.0.0.4", "", ""),
                                     pod_json("pending", "Pending", "", "", R"({"containerPort": 8000})"),
                                     pod_json("no-ip", "Running", "", "", R"({"containerPort": 8000})"),
                                     pod_json("going", "Running", "10.0.0.9", "", R"({"containerPort": 8000})", true),
                                     pod_json("done", "Succeeded", "10.0.0.8", "", R"({"containerPort": 8000})")});
  auto pods = parse_pod_list(text);
  ASSERT_TRUE(pods.ok()) << pods.error().message;
  ASSERT_EQ(pods->size(), 4u);
  EXPECT_EQ((*pods)[0].name, "a");
  EXPECT_EQ((*pods)[0].ip, "10.0.0.1");
  EXPECT_EQ((*pods)[0].api_port, 8000);  // 8000 wins over a port listed before it
  EXPECT_EQ((*pods)[0].labels, (Labels{{"app", "x"}}));
  EXPECT_EQ((*pods)[1].api_port, 8080);  // the port named http
  EXPECT_EQ((*pods)[2].api_port, 9000);  // the first one
  EXPECT_EQ((*pods)[3].api_port, 8000);  // none listed: vLLM's default
  EXPECT_TRUE(labels_match({{"app", "x"}, {"b", "c"}}, {{"app", "x"}}));
  EXPECT_FALSE(labels_match({{"app", "x"}}, {{"app", "x"}, {"b", "c"}}));

  // One pod (kubectl get pod NAME -o json) is a list of one.
  auto one = parse_pod_list(pod_json("solo", "Running", "10.0.0.5", "", ""));
  ASSERT_TRUE(one.ok()) << one.error().message;
  ASSERT_EQ(one->size(), 1u);

  for (const std::string bad : {"error: You must be logged in to the server (Unauthorized)\n", "{\"items\": [\n", "[1, 2]\n",
                                "{\"kind\": \"Service\"}\n"}) {
    auto r = parse_pod_list(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, "pods");
  }
}

TEST(KubernetesBaseline, EnginePodsAreFoundByLabelForwardedOneByOneAndTornDown) {
  Cluster c;
  c.tools.set_pods_json(kPods);
  c.tools.set_port_forward_backend(kNamingBackend);
  KubernetesBaseline b(c.options(), c.clock);
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  const std::string base = "http://127.0.0.1:" + std::to_string(c.port);
  ASSERT_EQ(e->metrics_targets.size(), 3u);
  const auto& t = e->metrics_targets;
  EXPECT_EQ(t[0].name, "engine-vllm-engine-a");
  EXPECT_EQ(t[0].role, "engine");
  EXPECT_EQ(t[1].name, "engine-vllm-engine-b");
  EXPECT_EQ(t[1].role, "engine");
  EXPECT_EQ(t[2].name, "router");
  EXPECT_EQ(t[2].role, "router");
  EXPECT_EQ(t[2].url, base + "/metrics");
  const int a = port_of(t[0].url), bport = port_of(t[1].url);
  ASSERT_GT(a, 0) << t[0].url;
  ASSERT_GT(bport, 0) << t[1].url;
  EXPECT_NE(a, bport);

  // Every selector of the manifest's workloads is listed; the router's pod (the Service's) and
  // the Pending one get no port-forward; each engine's port is its own API port.
  const std::string m = c.manifest.string();
  EXPECT_EQ(c.tools.calls(), (Calls{
                                 c.k("apply -f " + m),
                                 c.k("rollout status deployment/vllm-engine --timeout=1200s"),
                                 c.k("rollout status deployment/vllm-router --timeout=1200s"),
                                 c.k("port-forward --address 127.0.0.1 svc/vllm-router-service " + std::to_string(c.port) + ":80"),
                                 c.k("get pods -l app=vllm-engine -o json"),
                                 c.k("get pods -l app=vllm-router -o json"),
                                 c.k("port-forward --address 127.0.0.1 pod/vllm-engine-a " + std::to_string(a) + ":8000"),
                                 c.k("port-forward --address 127.0.0.1 pod/vllm-engine-b " + std::to_string(bport) + ":8080"),
                             }));
  EXPECT_EQ(b.take_notices(), (std::vector<std::string>{"server metrics: engine pods vllm-engine-a (port 8000), vllm-engine-b "
                                                        "(port 8080) through port-forwards, the router through the base URL"}));

  // Each page is reached through its own port-forward.
  EXPECT_EQ(fetch_all({t[0].url, t[1].url, t[2].url}),
            "pod/vllm-engine-a /metrics\npod/vllm-engine-b /metrics\nsvc/vllm-router-service /metrics\n");

  const std::vector<pid_t> engines = b.engine_port_forward_pids();
  EXPECT_EQ(engines, (std::vector<pid_t>{c.tools.port_forward_pid_of("pod/vllm-engine-a"),
                                         c.tools.port_forward_pid_of("pod/vllm-engine-b")}));
  for (const pid_t pid : engines) EXPECT_TRUE(testing::alive(pid));
  EXPECT_FALSE(b.failure().has_value());

  const auto before_down = c.tools.calls().size();
  EXPECT_FALSE(b.down().has_value());
  for (const pid_t pid : engines) EXPECT_TRUE(testing::group_gone_within(pid, 3000)) << pid;
  EXPECT_TRUE(testing::group_gone_within(c.tools.port_forward_pid(), 3000));
  EXPECT_FALSE(port_forward_children_left());
  EXPECT_TRUE(b.engine_port_forward_pids().empty());
  const auto calls = c.tools.calls();
  ASSERT_EQ(calls.size(), before_down + 1);
  EXPECT_EQ(calls.back(), words(c.k("delete -f " + m + " --ignore-not-found --cascade=foreground --timeout=300s")));
  EXPECT_FALSE(b.down().has_value());  // again: nothing left to do
  EXPECT_EQ(c.tools.calls().size(), calls.size());
}

// A plain vLLM Deployment behind its Service (the shipped Direct manifest): the pods the Service
// selects are the engines themselves, and there is no router apart from them.
TEST(KubernetesBaseline, AServiceThatFrontsTheEnginesLeavesNoRouterApart) {
  Cluster c;
  std::ofstream(c.manifest) << "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vllm-llama3}\n"
                               "spec: {selector: {matchLabels: {app: vllm-llama3}}}\n---\n"
                               "apiVersion: v1\nkind: Service\nmetadata: {name: vllm-router-service}\n"
                               "spec: {selector: {app: vllm-llama3}}\n";
  c.tools.set_pods_json(pod_list({pod_json("vllm-llama3-7d9f8-x2x4q", "Running", "10.0.0.7", R"("app": "vllm-llama3")",
                                           R"({"containerPort": 8000, "name": "http"})")}));
  KubernetesBaseline b(c.options(), c.clock);
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->metrics_targets.size(), 1u);
  EXPECT_EQ(e->metrics_targets[0].name, "engine-vllm-llama3-7d9f8-x2x4q");
  EXPECT_EQ(e->metrics_targets[0].role, "engine");
  const auto calls = c.tools.calls();
  ASSERT_EQ(calls.size(), 5u);
  EXPECT_EQ(calls[3], words(c.k("get pods -l app=vllm-llama3 -o json")));
  EXPECT_EQ(joined(calls[4]).find(c.k("port-forward --address 127.0.0.1 pod/vllm-llama3-7d9f8-x2x4q ")), 0u) << joined(calls[4]);
  const auto notices = b.take_notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("(the Service fronts them: no router apart)"), std::string::npos) << notices[0];
  const pid_t forward = c.tools.port_forward_pid_of("pod/vllm-llama3-7d9f8-x2x4q");
  EXPECT_FALSE(b.down().has_value());
  EXPECT_TRUE(testing::group_gone_within(forward, 3000));
}

// Metrics are optional: pods that cannot be listed, a name that is not safe, a port-forward that
// fails are notes; the baseline comes up and serves.
TEST(KubernetesBaseline, MetricsThatCannotBeReachedAreNotesNeverAFailedBaseline) {
  {
    Cluster c;
    c.tools.fail("get-pods");
    KubernetesBaseline b(c.options(), c.clock);
    auto e = b.up();
    ASSERT_TRUE(e.ok()) << e.error().message;
    ASSERT_EQ(e->metrics_targets.size(), 1u);
    EXPECT_EQ(e->metrics_targets[0].name, "router");
    const auto notices = b.take_notices();
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_NE(notices[0].find("server metrics: cannot list the engine pods (app=vllm-engine), only the router's page is read"),
              std::string::npos)
        << notices[0];
    EXPECT_NE(notices[0].find("Unauthorized"), std::string::npos) << notices[0];
    EXPECT_FALSE(b.failure().has_value());
    EXPECT_FALSE(b.down().has_value());
  }
  Cluster c;
  c.tools.set_pods_json(pod_list({
      pod_json("vllm-engine-a", "Running", "10.0.0.11", kEngineLabels, R"({"containerPort": 8000})"),
      pod_json("../../etc/engine", "Running", "10.0.0.13", kEngineLabels, R"({"containerPort": 8000})"),
      pod_json("vllm-engine-b", "Running", "10.0.0.12", kEngineLabels, R"({"containerPort": 8000})"),
  }));
  c.tools.fail("port-forward-pod-vllm-engine-b");
  KubernetesBaseline b(c.options(), c.clock);
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->metrics_targets.size(), 2u);
  EXPECT_EQ(e->metrics_targets[0].name, "engine-vllm-engine-a");
  EXPECT_EQ(e->metrics_targets[1].name, "router");
  const auto notices = b.take_notices();
  ASSERT_EQ(notices.size(), 3u);
  EXPECT_EQ(notices[0].find("server metrics: engine pod '../../etc/engine' is not a safe file name"), 0u) << notices[0];
  EXPECT_EQ(notices[1].find("server metrics: cannot port-forward to engine pod vllm-engine-b, its page is not read: "), 0u)
      << notices[1];
  EXPECT_NE(notices[1].find("exited with status 1"), std::string::npos) << notices[1];
  EXPECT_EQ(notices[2], "server metrics: engine pods vllm-engine-a (port 8000) through port-forwards, the router through the base URL");
  std::size_t forwards_b = 0;
  for (const auto& call : c.tools.calls()) {
    EXPECT_EQ(joined(call).find("etc/engine"), std::string::npos) << joined(call);
    if (joined(call).find("port-forward --address 127.0.0.1 pod/vllm-engine-b ") != std::string::npos) ++forwards_b;
  }
  EXPECT_EQ(forwards_b, 3u);  // tried on three ports, then given up
  EXPECT_FALSE(b.failure().has_value());
  const auto engines = b.engine_port_forward_pids();
  ASSERT_EQ(engines.size(), 1u);
  EXPECT_FALSE(b.down().has_value());
  EXPECT_TRUE(testing::group_gone_within(engines[0], 3000));
  EXPECT_FALSE(port_forward_children_left());
}

// A failed deploy never got to the metrics: down() has no port-forward to stop and says nothing
// more than before.
TEST(KubernetesBaseline, AFailedUpStartsNoMetricsForwardsAndDownIsClean) {
  Cluster c;
  c.tools.set_pods_json(kPods);
  c.tools.fail("rollout");
  KubernetesBaseline b(c.options(), c.clock);
  ASSERT_FALSE(b.up().ok());
  EXPECT_TRUE(b.engine_port_forward_pids().empty());
  EXPECT_FALSE(b.down().has_value());
  for (const auto& call : c.tools.calls()) EXPECT_EQ(joined(call).find("get pods"), std::string::npos) << joined(call);
  EXPECT_FALSE(port_forward_children_left());
}

// The production-stack chart: its engines carry app.kubernetes.io/component=serving-engine, its
// router does not; the router is read through the base URL.
TEST(HelmBaseline, ProductionStackEnginesByTheirComponentLabel) {
  TempDir dir("helm-engines");
  StandIn tools(dir.path());
  const auto values = dir / "values.yaml";
  std::ofstream(values) << "servingEngineSpec:\n  modelSpec:\n  - name: llama3\n    replicaCount: 2\n";
  const std::string engine_labels =
      R"("app.kubernetes.io/component": "serving-engine", "app.kubernetes.io/instance": "vllm", "model": "llama3")";
  const std::string ports = R"({"containerPort": 8000, "name": "container-port"}, {"containerPort": 55555, "name": "zmq-port"})";
  // What kubectl answers to the engine selector: the engines only.
  tools.set_pods_json(pod_list({pod_json("vllm-llama3-deployment-vllm-5b7c-aaaaa", "Running", "10.0.1.4", engine_labels, ports),
                                pod_json("vllm-llama3-deployment-vllm-5b7c-bbbbb", "Running", "10.0.1.5", engine_labels, ports)}));
  HelmOptions h = production_stack_helm_options(values);
  h.helm = tools.helm();
  h.model = "m";
  h.target = {.kubectl = tools.kubectl(), .namespace_name = "bench"};
  h.local_port = testing::free_port();
  h.port_forward_log = dir / "pf.log";
  h.port_forward_timeout = 30s;
  core::SteadyClock clock;
  HelmBaseline b(h, clock);
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->metrics_targets.size(), 3u);
  const int a = port_of(e->metrics_targets[0].url), bport = port_of(e->metrics_targets[1].url);
  EXPECT_EQ(e->metrics_targets[0].name, "engine-vllm-llama3-deployment-vllm-5b7c-aaaaa");
  EXPECT_EQ(e->metrics_targets[1].name, "engine-vllm-llama3-deployment-vllm-5b7c-bbbbb");
  EXPECT_EQ(e->metrics_targets[2].name, "router");
  EXPECT_EQ(e->metrics_targets[2].url, e->base_url + "/metrics");
  const std::string k = "kubectl --namespace bench ";
  EXPECT_EQ(tools.calls(),
            (Calls{
                "helm repo add vllm https://vllm-project.github.io/production-stack --force-update",
                "helm --namespace bench status vllm",
                "helm --namespace bench upgrade --install vllm vllm/vllm-stack -f " + values.string() +
                    " --version 0.1.12 --wait --timeout 1200s",
                k + "port-forward --address 127.0.0.1 svc/vllm-router-service " + std::to_string(h.local_port) + ":80",
                k + "get pods -l app.kubernetes.io/component=serving-engine,app.kubernetes.io/instance=vllm -o json",
                k + "port-forward --address 127.0.0.1 pod/vllm-llama3-deployment-vllm-5b7c-aaaaa " + std::to_string(a) + ":8000",
                k + "port-forward --address 127.0.0.1 pod/vllm-llama3-deployment-vllm-5b7c-bbbbb " + std::to_string(bport) + ":8000",
            }));
  const auto engines = b.engine_port_forward_pids();
  ASSERT_EQ(engines.size(), 2u);
  EXPECT_FALSE(b.down().has_value());
  for (const pid_t pid : engines) EXPECT_TRUE(testing::group_gone_within(pid, 3000)) << pid;
  EXPECT_FALSE(port_forward_children_left());
  EXPECT_EQ(tools.calls().back(), words("helm --namespace bench uninstall vllm --wait --timeout 300s"));
}

// Everything behind the port-forwards real: two `lmbench sim` engines behind their pods'
// port-forwards (and a third behind the Service), scraped while requests go to the engines; the
// server block counts each engine's requests and adds them up.
TEST(KubernetesBaseline, TwoSimulatedEnginesBehindPodPortForwardsFillTheServerBlock) {
  Cluster c;
  c.tools.set_pods_json(kPods);
  c.tools.set_port_forward_backend("#!/bin/sh\nexec '" LMBENCH_BIN "' sim --port \"$1\" --model m --time-scale 20\n");
  auto o = c.options();
  o.port_forward_timeout = 60s;
  KubernetesBaseline b(o, c.clock);
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->metrics_targets.size(), 3u);
  std::vector<telemetry::ScrapeTarget> targets;
  for (const auto& t : e->metrics_targets) targets.push_back({t.name, t.url, t.role});
  const auto start = std::chrono::steady_clock::now();
  telemetry::Scraper scraper(targets, 100ms);
  // Two requests to the first engine, one to the second, straight through their port-forwards.
  const auto base = [&](std::size_t i) {
    const std::string& url = e->metrics_targets[i].url;
    return url.substr(0, url.size() - std::string("/metrics").size());
  };
  core::SteadyClock steady;
  auto sent = run_tool({.argv = {"node", "-e",
                                 "(async () => { for (const u of process.argv.slice(1)) {"
                                 " const r = await fetch(u + '/v1/completions', {method: 'POST', headers: {'content-type': 'application/json'},"
                                 " body: JSON.stringify({model: 'm', prompt: 'hello there', max_tokens: 4})});"
                                 " console.log(r.status); await r.text(); } })()",
                                 base(0), base(0), base(1)},
                        .timeout = 60s},
                       steady);
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(sent->output, "200\n200\n200\n");
  const auto end = std::chrono::steady_clock::now();
  const auto scrapes = scraper.stop();
  const auto stats = telemetry::server_stats(scrapes, {start, end, 1.0});
  ASSERT_EQ(stats.endpoints.size(), 3u);
  EXPECT_EQ(stats.endpoints[0].endpoint, "engine-vllm-engine-a");
  EXPECT_EQ(stats.endpoints[1].endpoint, "engine-vllm-engine-b");
  EXPECT_EQ(stats.endpoints[2].endpoint, "router");
  ASSERT_TRUE(stats.endpoints[0].requests && stats.endpoints[1].requests);
  EXPECT_EQ(*stats.endpoints[0].requests, 2);
  EXPECT_EQ(*stats.endpoints[1].requests, 1);
  EXPECT_TRUE(stats.endpoints[0].kv_usage_max.has_value());
  const auto j = telemetry::server_json(stats, {.requests = 3}, 0.1);
  ASSERT_TRUE(j.contains("total")) << j.dump(2);
  EXPECT_EQ(j["total"]["requests"], 3) << j.dump(2);  // the engines, the router apart
  EXPECT_EQ(j["cross_checks"]["requests"]["verdict"], "agree");
  EXPECT_EQ(j["endpoints"][2]["role"], "router");

  const auto engines = b.engine_port_forward_pids();
  EXPECT_FALSE(b.down().has_value());
  for (const pid_t pid : engines) EXPECT_TRUE(testing::group_gone_within(pid, 5000)) << pid;
  EXPECT_FALSE(port_forward_children_left());
}

}  // namespace
}  // namespace lmbench::deploy
