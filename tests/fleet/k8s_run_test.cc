// `lmbench run` with placement kubernetes, end to end: a Helm baseline through the recording
// kubectl/helm stand-ins (its port-forward serves a real `lmbench sim`), and a kubectl wrapper in
// front of the stand-in that plays the cluster: on `apply -f -` it starts the applied List's own
// coordinator and worker command lines on loopback (JOB_COMPLETION_INDEX and LMBENCH_NODE_NAME
// set as the Indexed Job and the downward API would; the ConfigMap's job sending to the
// port-forward, since no cluster DNS resolves here), answers the coordinator pod's status from
// its result file, `exec cat` with that file, and `delete -l` by ending the processes. The run
// must write the usual artifacts, with the workers block of the pods. Also: the command line
// refuses the placement where it cannot work.

#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "config/temp_tree.h"
#include "core/files.h"
#include "core/process.h"
#include "support/deploy_fixture.h"

namespace lmbench::fleet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using deploy::testing::StandIn;
using lmbench::testing::TempTree;

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";

// Starts the applied List's processes detached (their own process groups: the tool runner ends
// kubectl's group when it returns); their pids go to <cluster>/pids.
constexpr const char* kStartCluster = R"JS(
const fs = require('fs'), cp = require('child_process');
const [dir, bin, url] = process.argv.slice(2);
const list = JSON.parse(fs.readFileSync(0, 'utf8'));
fs.writeFileSync(dir + '/applied.json', JSON.stringify(list, null, 2));
const of = kind => list.items.find(i => i.kind === kind);
const job = JSON.parse(of('ConfigMap').data['job.json']);
job.base_url = url;
fs.writeFileSync(dir + '/job.json', JSON.stringify(job));
const set = (argv, flag, value) => {
  const i = argv.indexOf(flag);
  if (i < 0) { console.error('no ' + flag + ' in ' + argv.join(' ')); process.exit(1); }
  argv[i + 1] = value;
};
const start = (argv, env, log) => {
  const fd = fs.openSync(dir + '/' + log, 'a');
  const c = cp.spawn(bin, argv.slice(1), {detached: true, stdio: ['ignore', fd, fd], env: {...process.env, ...env}});
  fs.appendFileSync(dir + '/pids', c.pid + '\n');
  c.unref();
};
const coordinator = of('Pod').spec.containers[0].command.slice();
set(coordinator, '--job', dir + '/job.json');
set(coordinator, '--listen', '127.0.0.1:0');
set(coordinator, '--out', dir + '/results/run.json');
set(coordinator, '--stop-file', dir + '/results/stop');
start(coordinator, {}, 'coordinator.log');
let port = '';
for (let i = 0; i < 300 && !port; ++i) {
  const m = /listening on 127\.0\.0\.1:(\d+) /.exec(fs.existsSync(dir + '/coordinator.log') ? fs.readFileSync(dir + '/coordinator.log', 'utf8') : '');
  if (m) port = m[1]; else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
}
if (!port) { console.error('the coordinator did not listen'); process.exit(1); }
const workers = of('Job');
for (let k = 0; k < workers.spec.completions; ++k) {
  const w = workers.spec.template.spec.containers[0].command.slice();
  set(w, '--coordinator', '127.0.0.1:' + port);
  start(w, {JOB_COMPLETION_INDEX: String(k), LMBENCH_NODE_NAME: 'node-' + k}, 'worker-' + k + '.log');
}
console.log('configmap/x created\nservice/x created\npod/x created\njob.batch/x created');
)JS";

std::string cluster_kubectl(const fs::path& standin, const fs::path& cluster, int local_port) {
  fs::create_directories(cluster / "results");
  std::ofstream(cluster / "start.js") << kStartCluster;
  return R"SH(#!/bin/bash
standin=')SH" + standin.string() + R"SH('
cluster=')SH" + cluster.string() + R"SH('
args=" $* "
case "$args" in
  *" apply -f - "*)
    input=$(cat)
    printf '%s' "$input" | "$standin/kubectl" "$@" >/dev/null 2>&1
    printf '%s' "$input" | node "$cluster/start.js" "$cluster" ')SH" LMBENCH_BIN R"SH(' 'http://127.0.0.1:)SH" +
         std::to_string(local_port) + R"SH('
    ;;
  *" get pod "*)
    "$standin/kubectl" "$@" >/dev/null 2>&1 </dev/null
    if [ -s "$cluster/results/run.json" ]; then echo "Running/true"; else echo "Running/false"; fi
    ;;
  *" exec "*" cat "*)
    "$standin/kubectl" "$@" >/dev/null 2>&1 </dev/null
    cat "$cluster/results/run.json"
    ;;
  *" exec "*" touch "*)
    "$standin/kubectl" "$@" >/dev/null 2>&1 </dev/null
    : > "$cluster/results/stop"
    ;;
  *" delete job,pod,service,configmap,secret "*)
    "$standin/kubectl" "$@" >/dev/null 2>&1 </dev/null
    for p in $(cat "$cluster/pids" 2>/dev/null); do kill -TERM -- "-$p" 2>/dev/null; done
    echo 'pod "x" deleted'
    ;;
  *) exec "$standin/kubectl" "$@" ;;
esac
)SH";
}

struct Project {
  TempTree t;
  StandIn tools{t.root() / "tools"};
  fs::path kubectl = t.root() / "kubectl";
  int port = deploy::testing::free_port();

  explicit Project(const std::string& load) {
    t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: Kubernetes\n" + load);
    t.write("2-serving-engines/helm-production-stack/helm_configurations/basic/sim.yaml",
            std::string("servingEngineSpec:\n  modelSpec:\n  - name: llama3\n    modelURL: ") + kModel + "\n    replicaCount: 1\n    hf_token: <YOUR_HF_TOKEN>\n");
    t.write("0-bench-specs/suite.yaml",
            std::string("Name: in-cluster\nServing:\n  - Helm-ProductionStack: {helmConfigSelection: basic/sim.yaml, hf_token: <YOUR_HF_TOKEN>, modelURL: ") +
                kModel + "}\nWorkload:\n  Random:\n    - {NUM_USERS: 2, NUM_ROUNDS: 4, PROMPT_LEN: 16, ANSWER_LEN: 4, QPS: [8]}\n");
    tools.set_port_forward_backend("#!/bin/bash\nexec '" LMBENCH_BIN "' sim --port \"$1\" --model '" + std::string(kModel) + "'\n");
    deploy::testing::write_script(kubectl, cluster_kubectl(tools.dir(), t.root() / "cluster", port));
  }

  core::Result<core::ChildProcess> run(std::vector<std::string> extra = {}) const {
    std::vector<std::string> argv = {LMBENCH_BIN, "run", "run-bench.yaml", "--results", "out", "--quiet", "--skip-preflight",
                                     "--local-port", std::to_string(port), "--kubectl", kubectl.string(), "--helm",
                                     tools.helm(), "--namespace", "bench"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return core::ChildProcess::spawn(
        {.argv = argv, .env = {{"LMBENCH_HOME", LMBENCH_SOURCE_DIR}, {"HF_TOKEN", "hf_test"}}, .cwd = t.root(),
         .log_file = t.path("run.log")});
  }
};

TEST(KubeRun, PlacementKubernetesWritesTheUsualArtifactsFromTheClustersWorkers) {
  Project p("Load:\n  workers: 2\n  placement: kubernetes\n  nodeSelector: {pool: load}\n");
  auto child = p.run();
  ASSERT_TRUE(child.ok());
  const auto deadline = std::chrono::steady_clock::now() + 150s;
  while (!child->poll() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  if (!child->poll()) child->terminate(2s);
  const std::string log = core::read_file(p.t.path("run.log"));
  ASSERT_EQ(child->poll(), 0) << log;
  EXPECT_NE(log.find("sent by 2 workers in the cluster"), std::string::npos) << log;

  // The usual artifacts, from the workers' records.
  std::vector<fs::path> jsons;
  for (const auto& e : fs::directory_iterator(p.t.path("out/in-cluster"))) {
    if (e.path().extension() == ".json" && e.path().filename().string().find("comparison") == std::string::npos) jsons.push_back(e.path());
  }
  ASSERT_EQ(jsons.size(), 1u) << log;
  const auto j = nlohmann::json::parse(core::read_file(jsons[0]));
  EXPECT_EQ(j["status"], "ok") << j.dump(2);
  EXPECT_EQ(j["results"]["successful_requests"], 8);
  EXPECT_EQ(j["workers"]["placement"], "kubernetes");
  EXPECT_EQ(j["workers"]["count"], 2);
  EXPECT_EQ(j["workers"]["workers"][0]["node"], "node-0");
  EXPECT_EQ(j["workers"]["workers"][1]["node"], "node-1");
  EXPECT_EQ(j["workers"]["workers"][0]["requests"].get<int>() + j["workers"]["workers"][1]["requests"].get<int>(), 8);
  fs::path csv = jsons[0];
  csv.replace_extension(".csv");
  const auto csv_text = core::read_file(csv);
  EXPECT_NE(csv_text.substr(0, csv_text.find('\n')).find(",worker"), std::string::npos);
  EXPECT_TRUE(fs::exists(p.t.path("out/in-cluster/report.html")));

  // What was applied: the workers send to the baseline's Service by its DNS name.
  const auto applied = nlohmann::json::parse(core::read_file(p.t.path("cluster/applied.json")));
  const auto job = nlohmann::json::parse(applied["items"][0]["data"]["job.json"].get<std::string>());
  EXPECT_EQ(job["base_url"], "http://vllm-router-service.bench.svc.cluster.local:80");
  EXPECT_EQ(applied["items"][3]["spec"]["template"]["spec"]["nodeSelector"]["pool"], "load");
  EXPECT_EQ(applied["items"][3]["spec"]["completions"], 2);

  // The calls: the release and its port-forward, then the fleet's apply, status, fetch and
  // delete, then the release's uninstall.
  std::vector<std::string> calls;
  for (const auto& c : p.tools.calls()) calls.push_back(deploy::testing::joined(c));
  const auto at = [&](const std::string& needle) {
    return std::find_if(calls.begin(), calls.end(), [&](const std::string& c) { return c.find(needle) != std::string::npos; }) - calls.begin();
  };
  const std::string k = "kubectl --namespace bench ";
  const auto install = at("upgrade --install vllm"), forward = at("port-forward"), apply = at(k + "apply -f -"),
             status = at(k + "get pod "), fetch = at(k + "exec "), del = at(k + "delete job,pod,service,configmap,secret -l lmbench.io/fleet-run="),
             uninstall = at("uninstall vllm");
  EXPECT_LT(install, forward);
  EXPECT_LT(forward, apply);
  EXPECT_LT(apply, status);
  EXPECT_LT(status, fetch);
  EXPECT_LT(fetch, del);
  EXPECT_LT(del, uninstall);
  EXPECT_LT(uninstall, static_cast<long>(calls.size())) << log;
  // Nothing of the "cluster" is left running.
  std::istringstream pids(core::read_file(p.t.path("cluster/pids")));
  int count = 0;
  for (std::string pid; std::getline(pids, pid);) {
    if (pid.empty()) continue;
    ++count;
    EXPECT_TRUE(deploy::testing::gone_within(std::stoi(pid), 5000)) << "pid " << pid;
  }
  EXPECT_EQ(count, 3);  // the coordinator and two workers
}

// Where the placement cannot work, the command line says so before anything is deployed.
TEST(KubeRun, ThePlacementIsRefusedWithoutAClusterBaseline) {
  TempTree t;
  t.write("run-bench.yaml", "0-bench-specs:\n  - s.yaml\n1-infrastructure:\n  Location: Simulated\n");
  t.write("0-bench-specs/s.yaml", std::string("Name: s\nServing:\n  - Simulated: {name: plain, modelURL: ") + kModel +
                                      "}\nWorkload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 16, ANSWER_LEN: 4, QPS: [1]}\n");
  const auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {LMBENCH_BIN, "run", "run-bench.yaml", "--results", "out"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto c = core::ChildProcess::spawn({.argv = argv, .env = {{"LMBENCH_HOME", LMBENCH_SOURCE_DIR}}, .cwd = t.root(),
                                        .log_file = t.path("run.log")});
    const int status = c ? c->wait() : -1;
    return std::to_string(status) + " " + core::read_file(t.path("run.log"));
  };
  const std::string simulated = run({"--placement", "kubernetes"});
  EXPECT_EQ(simulated.substr(0, 2), "1 ") << simulated;
  EXPECT_NE(simulated.find("0-bench-specs/s.yaml:3:5: placement kubernetes: baseline plain (Simulated under Location Simulated) "
                           "is not deployed in a cluster"),
            std::string::npos)
      << simulated;
  EXPECT_FALSE(fs::exists(t.path("out")));
  fs::remove(t.path("run.log"));
  const std::string image = run({"--worker-image", "registry.example/lmbench:dev"});
  EXPECT_EQ(image.substr(0, 2), "1 ") << image;
  EXPECT_NE(image.find("--worker-image: the workers' image applies to placement kubernetes only"), std::string::npos) << image;
  fs::remove(t.path("run.log"));
  const std::string bad = run({"--placement", "cloud"});
  EXPECT_NE(bad.find("--placement"), std::string::npos) << bad;
  EXPECT_EQ(bad.substr(0, 4), "105 ") << bad;  // CLI11's code for a value out of its set
}

}  // namespace
}  // namespace lmbench::fleet
