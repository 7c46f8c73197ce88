// End-to-end tests of `lmbench run`: the real binary, real simulated engines as its children,
// real files. Each test makes a throw-away project folder (run-bench.yaml, 0-bench-specs/,
// 2-serving-engines/) and checks the artifacts a user would look at.

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "config/temp_tree.h"
#include "core/files.h"
#include "core/process.h"
#include "e2e/dashboard_process.h"
#include "e2e/run_binary.h"
#include "load/raw_server.h"
#include "support/deploy_fixture.h"

namespace lmbench::e2e {
namespace {

using lmbench::testing::TempTree;
namespace fs = std::filesystem;

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";

std::vector<fs::path> files_with(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(core::read_file(p)); }

void write_run_bench(const TempTree& t, const std::string& location = "Simulated") {
  t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: " + location + "\n");
}

using deploy::testing::children_of;

bool alive(pid_t pid) {
  std::string stat;
  try {
    stat = core::read_file("/proc/" + std::to_string(pid) + "/stat");
  } catch (const std::exception&) {
    return false;
  }
  const auto close = stat.rfind(')');
  return close != std::string::npos && stat[close + 2] != 'Z';
}

TEST(Run, SmallSuiteLeavesEveryArtifactWithItsContent) {
  TempTree t;
  write_run_bench(t);
  t.write("0-bench-specs/suite.yaml", std::string("Name: small\nServing:\n") +
                                          "  - Simulated: {modelURL: " + kModel + ", name: plain, timeScale: 20}\n" +
                                          "  - Simulated: {modelURL: " + kModel +
                                          ", name: cached, lmcache: true, cpuOffloadingBufferSize: 10, timeScale: 20}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 2, NUM_ROUNDS: 2, PROMPT_LEN: 64, "
                                          "ANSWER_LEN: 8, QPS: [4, 8]}\n");
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"}, {}, t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto dir = t.path("out/small");
  const auto jsons = files_with(dir, ".json");
  // Four runs plus the comparison file.
  ASSERT_EQ(jsons.size(), 5u) << r.out;
  const std::regex name(R"((plain|cached)_random_(4|8)_\d{8}-\d{4}\.json)");
  std::set<std::string> seen;
  std::string session;
  for (const auto& p : jsons) {
    const auto file = p.filename().string();
    if (file == "random_comparison.json") continue;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(file, m, name)) << file;
    seen.insert(m[1].str() + "@" + m[2].str());
    const auto j = read_json(p);
    EXPECT_EQ(j["name"], "small");
    EXPECT_EQ(j["key"], m[1].str());
    EXPECT_EQ(j["serving"]["baseline_type"], "Simulated");
    EXPECT_EQ(j["infra"]["Location"], "Simulated");
    EXPECT_EQ(j["workload"]["WORKLOAD"], "random");
    EXPECT_EQ(j["workload"]["QPS"].get<double>(), std::stod(m[2].str()));
    EXPECT_EQ(j["results"]["successful_requests"], 4);
    EXPECT_GT(j["results"]["ttft_ms"]["mean"].get<double>(), 0.0);
    // A simulated baseline says what the client's own path adds to each TTFT at its time scale.
    EXPECT_EQ(j["time_scale"]["scale"], 20.0);
    EXPECT_EQ(j["time_scale"]["calibration_requests"], 8);
    EXPECT_GE(j["time_scale"]["client_overhead_ms"]["modelled"].get<double>(), 0.0);
    EXPECT_NEAR(j["time_scale"]["client_overhead_ms"]["modelled"].get<double>(),
                20 * j["time_scale"]["client_overhead_ms"]["wall"].get<double>(), 0.01);
    EXPECT_GT(j["results"]["total_input_tokens"].get<int>(), 4 * 64 - 1);
    if (session.empty()) session = j["lmbench-session-id"];
    EXPECT_EQ(j["lmbench-session-id"], session) << "one session id per invocation";
    // The CSV beside it: a header and one row per request.
    auto csv = p;
    csv.replace_extension(".csv");
    const auto text = core::read_file(csv);
    EXPECT_EQ(text.rfind("prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time", 0), 0u);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"plain@4", "plain@8", "cached@4", "cached@8"}));
  EXPECT_TRUE(std::regex_match(session, std::regex(R"(lmbench-\d+-[0-9a-f]{8})")));
  const auto cmp = read_json(dir / "random_comparison.json");
  ASSERT_EQ(cmp.size(), 2u);
  EXPECT_EQ(cmp[0]["qps"].get<double>(), 4.0);
  EXPECT_TRUE(cmp[0].contains("plain") && cmp[0].contains("cached"));
  EXPECT_TRUE(cmp[1]["cached"].contains("TTFT"));
  EXPECT_GT(fs::file_size(dir / "random_comparison.png"), 10000u);
  EXPECT_TRUE(fs::exists(dir / "report.html"));
  // Each baseline was warmed up with one unmeasured request before its runs.
  EXPECT_NE(r.out.find("-- baseline plain: warmed up (one unmeasured request, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-- baseline cached: warmed up (one unmeasured request, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-- baseline cached: client overhead "), std::string::npos) << r.out;
  // The summary table names every run and the report.
  EXPECT_NE(r.out.find("Report: "), std::string::npos);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n') > 4, true);
}

// A suite written for a cluster runs unchanged under Location Simulated: a Helm-ProductionStack
// baseline becomes the simulator from its values file (two engines, session routing, LMCache),
// started as children (engines and router) that are all gone after the run; every request went
// through the router, each user's to one engine (which engine depends on the hash of the
// engines' random ports, so the test does not say which).
TEST(Run, HelmProductionStackUnderSimulatedRunsFromItsValuesFile) {
  TempTree t;
  t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: Simulated\n  A100_VRAM: 40\n");
  t.write("2-serving-engines/helm-production-stack/helm_configurations/routing/session.yaml",
          std::string("servingEngineSpec:\n  modelSpec:\n  - name: llama3\n    modelURL: ") + kModel +
              "\n    replicaCount: 2\n    vllmConfig: {enablePrefixCaching: true, maxModelLen: 16000}\n"
              "    lmcacheConfig: {enabled: true, cpuOffloadingBufferSize: \"10\"}\n"
              "routerSpec: {routingLogic: session, sessionKey: x-user-id}\n");
  t.write("0-bench-specs/suite.yaml", std::string("Name: helm-sim\nServing:\n") +
                                          "  - Helm-ProductionStack: {helmConfigSelection: routing/session.yaml, "
                                          "hf_token: <YOUR_HF_TOKEN>, modelURL: " + kModel + "}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 6, NUM_ROUNDS: 2, PROMPT_LEN: 16, "
                                          "ANSWER_LEN: 4, QPS: [10]}\n");
  auto child = core::ChildProcess::spawn(
      {.argv = {LMBENCH_BIN, "run", "run-bench.yaml", "--results", "out", "--quiet", "--time-scale", "20"},
       .env = {{"HF_TOKEN", ""}},
       .cwd = t.root(),
       .log_file = t.path("run.log")});
  ASSERT_TRUE(child.ok());
  std::map<pid_t, std::string> descendants;
  while (!child->poll()) {
    for (const auto& [pid, cmd] : children_of(child->pid())) descendants.emplace(pid, cmd);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto log = core::read_file(t.path("run.log"));
  ASSERT_EQ(*child->poll(), 0) << log;
  // The simulator (two engines, LMCache 10 GB, the 40 GB A100 profile) and the router, as children.
  bool saw_sim = false, saw_router = false;
  for (const auto& [pid, cmd] : descendants) {
    if (cmd.find(" sim ") != std::string::npos) {
      saw_sim = true;
      EXPECT_NE(cmd.find("--engines 2 "), std::string::npos) << cmd;
      EXPECT_NE(cmd.find("--profile llama-3.1-8b-a100-40gb"), std::string::npos) << cmd;
      EXPECT_NE(cmd.find("--lmcache --cpu-offloading-buffer-size 10"), std::string::npos) << cmd;
      EXPECT_NE(cmd.find("--max-model-len 16000"), std::string::npos) << cmd;
    }
    if (cmd.find(" router ") != std::string::npos) {
      saw_router = true;
      EXPECT_NE(cmd.find("--routing-logic session --session-key x-user-id"), std::string::npos) << cmd;
    }
    EXPECT_FALSE(alive(pid)) << pid << " " << cmd;
  }
  EXPECT_TRUE(saw_sim) << log;
  EXPECT_TRUE(saw_router) << log;
  const auto jsons = files_with(t.path("out/helm-sim"), ".json");
  ASSERT_EQ(jsons.size(), 2u) << log;
  const auto j = read_json(jsons[0]);
  EXPECT_EQ(j["key"], "helm_routing_session");
  EXPECT_EQ(j["serving"]["baseline_type"], "Helm-ProductionStack");
  EXPECT_EQ(j["results"]["successful_requests"], 12);
  // Session routing: each user's two requests on one engine, and both engines used.
  auto csv = jsons[0];
  csv.replace_extension(".csv");
  std::map<std::string, std::set<std::string>> engines_of_user;
  std::istringstream lines(core::read_file(csv));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream in(line);
    std::string cell;
    while (std::getline(in, cell, ',')) cells.push_back(cell);
    ASSERT_GT(cells.size(), 16u) << line;
    if (cells[12] == "1") continue;  // warm-up rows
    EXPECT_EQ(cells[16].rfind("http://127.0.0.1:", 0), 0u) << line;
    engines_of_user[cells[4]].insert(cells[16]);
  }
  EXPECT_EQ(engines_of_user.size(), 6u);
  for (const auto& [user, e] : engines_of_user) EXPECT_EQ(e.size(), 1u) << user;
}

TEST(Run, AScriptThatDiesDuringStartUpIsReportedAndTheNextBaselineRuns) {
  TempTree t;
  write_run_bench(t, "Local-Flat");
  t.write("2-serving-engines/flat/broken/run.sh", "#!/bin/bash\necho 'CUDA out of memory (pretend)'\nexit 3\n");
  t.write("0-bench-specs/suite.yaml", std::string("Name: mixed\nServing:\n") +
                                          "  - Flat: {configSelection: broken/run.sh, modelURL: " + kModel + "}\n" +
                                          "  - Simulated: {modelURL: " + kModel + ", name: sim, timeScale: 20}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 32, "
                                          "ANSWER_LEN: 4, QPS: [5]}\n");
  // A port of its own: tests run in parallel, and scripts would otherwise all take 30080.
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--local-port",
                              std::to_string(deploy::testing::free_port())},
                             {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("flat_broken_run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CUDA out of memory (pretend)"), std::string::npos) << r.out;
  const auto jsons = files_with(t.path("out/mixed"), ".json");
  bool sim_ran = false;
  for (const auto& p : jsons) sim_ran = sim_ran || p.filename().string().rfind("sim_random_5_", 0) == 0;
  EXPECT_TRUE(sim_ran) << r.out;
}

TEST(Run, AServerThatNeverBecomesHealthyTimesOut) {
  TempTree t;
  write_run_bench(t);
  // Port 9 (discard) on loopback: nothing listens, every connection is refused.
  t.write("0-bench-specs/suite.yaml", std::string("Name: dead\nServing:\n") +
                                          "  - Endpoint: {baseURL: 'http://127.0.0.1:9', modelURL: " + kModel + "}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 8, "
                                          "ANSWER_LEN: 4, QPS: [1]}\n");
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--ready-timeout", "1"}, {},
                             t.root().string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("did not become ready within 1 s"), std::string::npos) << r.out;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  EXPECT_TRUE(files_with(t.path("out/dead"), ".json").empty());
}

// A server that lists the model but cannot answer a completion fails at the warm-up request,
// with its answer in the reason, before any measured run; nothing is written for it.
TEST(Run, AServerThatFailsTheWarmUpRequestIsReportedBeforeAnyRun) {
  testing::RawServer server([](int, const testing::RawRequest& req) {
    if (req.target == "/v1/models") {
      return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
          200, std::string(R"({"object":"list","data":[{"id":")") + kModel + R"(","object":"model"}]})"))};
    }
    return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
        500, R"j({"error":{"message":"CUDA error: device-side assert (pretend)","type":"InternalServerError","code":500}})j"))};
  });
  TempTree t;
  write_run_bench(t);
  t.write("0-bench-specs/suite.yaml", std::string("Name: warm\nServing:\n") + "  - Endpoint: {baseURL: '" + server.url() +
                                          "', modelURL: " + kModel + "}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 8, "
                                          "ANSWER_LEN: 4, QPS: [1]}\n");
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("warm-up request POST /v1/completions answered 500: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CUDA error: device-side assert (pretend)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("   run endpoint random"), std::string::npos) << r.out;
  EXPECT_TRUE(files_with(t.path("out/warm"), ".json").empty());
  // One GET /v1/models (ready at once) and the one warm-up request, nothing measured.
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].target, "/v1/completions");
  const auto body = nlohmann::json::parse(reqs[1].body);
  EXPECT_EQ(body["model"], kModel);
  EXPECT_EQ(body["max_tokens"], 4);
}

// A server that answers /v1/models before its model is registered (an empty list, as Dynamo's
// frontend and llm-d's gateway do while a worker loads) is still starting: lmbench keeps polling,
// and a list that stays empty ends in the readiness timeout saying so.
TEST(Run, AnEmptyModelListIsAServerStillStarting) {
  std::atomic<int> lists{0};
  testing::RawServer server([&lists](int, const testing::RawRequest& req) {
    if (req.target == "/v1/models") {
      const bool registered = ++lists > 2;
      return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
          200, registered ? std::string(R"({"object":"list","data":[{"id":")") + kModel + R"(","object":"model"}]})"
                          : std::string(R"({"object":"list","data":[]})")))};
    }
    return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
        500, R"j({"error":{"message":"stop here (pretend)","type":"InternalServerError","code":500}})j"))};
  });
  TempTree t;
  write_run_bench(t);
  t.write("0-bench-specs/suite.yaml", std::string("Name: starting\nServing:\n") + "  - Endpoint: {baseURL: '" + server.url() +
                                          "', modelURL: " + kModel + "}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 8, "
                                          "ANSWER_LEN: 4, QPS: [1]}\n");
  auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Ready on the third list: the run went on to its warm-up request.
  EXPECT_EQ(lists.load(), 3);
  EXPECT_NE(r.out.find("warm-up request POST /v1/completions answered 500: "), std::string::npos) << r.out;

  lists = -1000;  // never registers
  r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--ready-timeout", "1"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("did not become ready within 1 s (last: GET /v1/models lists no model yet)"), std::string::npos) << r.out;
}

TEST(Run, ABaselineThatNeedsAnHfTokenFailsClearlyWithoutOne) {
  TempTree t;
  write_run_bench(t, "Kubernetes");
  t.write("2-serving-engines/direct-production-stack/kubernetes_configurations/vllm.yaml", "apiVersion: v1\nkind: List\nitems: []\n");
  t.write("0-bench-specs/suite.yaml", std::string("Name: token\nServing:\n") +
                                          "  - Direct-ProductionStack: {kubernetesConfigSelection: vllm.yaml, "
                                          "hf_token: <YOUR_HF_TOKEN>, modelURL: " + kModel + "}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 1, PROMPT_LEN: 8, "
                                          "ANSWER_LEN: 4, QPS: [1]}\n");
  // kubectl must never be called: point it at a program that would fail loudly.
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--kubectl", "/nonexistent/kubectl"},
                             {"HF_TOKEN="}, t.root().string());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("needs a Hugging Face token: set the HF_TOKEN environment variable"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("/nonexistent/kubectl"), std::string::npos) << r.out;
}

TEST(Run, AutoUploadSendsEveryRunToTheDashboardAndAFailedUploadKeepsTheFiles) {
  TempTree t;
  write_run_bench(t);
  t.write("0-bench-specs/suite.yaml", std::string("Name: uploaded\nServing:\n") +
                                          "  - Simulated: {modelURL: " + kModel + ", name: s, timeScale: 20}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 16, "
                                          "ANSWER_LEN: 4, QPS: [5, 10]}\n");
  {
    DashboardProcess dashboard(t.path("db.sqlite"), t.path("dashboard.log"));
    const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--auto-upload", "--api-url",
                                dashboard.base_url() + "/upload"},
                               {}, t.root().string());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    // Both runs are in the dashboard's store: upload them again by hand and they are duplicates.
    std::vector<std::string> args = {"upload", "--api-url", dashboard.base_url() + "/upload"};
    for (const auto& p : files_with(t.path("out/uploaded"), ".json")) {
      if (p.filename() != "random_comparison.json") args.push_back(p.string());
    }
    ASSERT_EQ(args.size(), 5u);
    const auto again = run_lmbench(args);
    EXPECT_NE(again.out.find("2 duplicate"), std::string::npos) << again.out << again.err;
  }
  // Nothing listens now: the upload fails, the run says so and exits 1, and its files stay.
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out2", "--quiet", "--auto-upload", "--api-url",
                              "http://127.0.0.1:9/upload"},
                             {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("upload failed (the files stay on disk)"), std::string::npos) << r.out;
  EXPECT_EQ(files_with(t.path("out2/uploaded"), ".json").size(), 3u);
}

TEST(Run, ResumeSkipsRunsThatAreDone) {
  TempTree t;
  write_run_bench(t);
  t.write("0-bench-specs/suite.yaml", std::string("Name: again\nServing:\n") +
                                          "  - Simulated: {modelURL: " + kModel + ", name: s, timeScale: 20}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 16, "
                                          "ANSWER_LEN: 4, QPS: [5, 10]}\n");
  auto first = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"}, {}, t.root().string());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const auto before = files_with(t.path("out/again"), ".json");
  auto second = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--resume"}, {}, t.root().string());
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(files_with(t.path("out/again"), ".json"), before);
  EXPECT_NE(second.out.find("every run already done"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("resumed"), std::string::npos);
  // A changed workload config is a different run: it is not skipped.
  t.write("0-bench-specs/suite.yaml", std::string("Name: again\nServing:\n") +
                                          "  - Simulated: {modelURL: " + kModel + ", name: s, timeScale: 20}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 17, "
                                          "ANSWER_LEN: 4, QPS: [5]}\n");
  auto third = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--resume"}, {}, t.root().string());
  EXPECT_EQ(third.exit_code, 0);
  EXPECT_EQ(third.out.find("resumed"), std::string::npos) << third.out;
  bool found_new = false;
  for (const auto& p : files_with(t.path("out/again"), ".json")) {
    const auto j = read_json(p);
    found_new = found_new || (j.contains("workload") && j["workload"].value("PROMPT_LEN", 0) == 17);
  }
  EXPECT_TRUE(found_new);
}

// Staged start (--start-from 3): nothing is deployed; the workloads run against an endpoint the
// user already has (here a simulator the test starts), only for the baseline named by --key,
// with the model given by --model-url. The spec's baselines need a cluster: if lmbench tried to
// deploy them, kubectl (pointed at a program that does not exist) would fail the run.
TEST(Run, StartFromThreeRunsOnlyTheKeyAgainstTheGivenEndpoint) {
  TempTree t;
  write_run_bench(t, "Kubernetes");
  t.write("2-serving-engines/helm-production-stack/helm_configurations/a.yaml", "servingEngineSpec: {}\n");
  t.write("2-serving-engines/helm-production-stack/helm_configurations/b.yaml", "servingEngineSpec: {}\n");
  t.write("0-bench-specs/suite.yaml", std::string("Name: staged\nServing:\n") +
                                          "  - Helm-ProductionStack: {helmConfigSelection: a.yaml, hf_token: <YOUR_HF_TOKEN>, "
                                          "modelURL: meta-llama/Other-Model}\n" +
                                          "  - Helm-ProductionStack: {helmConfigSelection: b.yaml, hf_token: <YOUR_HF_TOKEN>, "
                                          "modelURL: meta-llama/Other-Model}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 16, "
                                          "ANSWER_LEN: 4, QPS: [5]}\n");
  auto sim = core::ChildProcess::spawn({.argv = {LMBENCH_BIN, "sim", "--port", "0", "--model", "m-staged", "--time-scale", "20"},
                                        .log_file = t.path("sim.log")});
  ASSERT_TRUE(sim.ok());
  std::string url;
  const std::regex line(R"(listening on (http://127\.0\.0\.1:\d+)\n)");
  for (int i = 0; i < 300 && url.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto log = core::read_file(t.path("sim.log"));
    std::smatch m;
    if (std::regex_search(log, m, line)) url = m[1];
  }
  ASSERT_FALSE(url.empty()) << core::read_file(t.path("sim.log"));

  // Two baselines and no --key: the endpoint's numbers would be labelled with both KEYs.
  const auto no_key = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--start-from", "3",
                                   "--port-forward-url", url, "--model-url", "m-staged"},
                                  {"HF_TOKEN="}, t.root().string());
  EXPECT_EQ(no_key.exit_code, 1) << no_key.out << no_key.err;
  EXPECT_NE(no_key.err.find("this plan has 2 baselines (helm_a, helm_b): name the one the endpoint serves with --key"),
            std::string::npos)
      << no_key.err;
  // A --key that names no baseline, and --port-forward-url without a staged start: refused.
  const auto bad_key = run_lmbench({"run", "run-bench.yaml", "--key", "nosuch"}, {"HF_TOKEN="}, t.root().string());
  EXPECT_EQ(bad_key.exit_code, 1);
  EXPECT_NE(bad_key.err.find("--key 'nosuch': no baseline of run-bench.yaml has this KEY; its KEYs are: helm_a, helm_b"),
            std::string::npos)
      << bad_key.err;
  const auto no_stage = run_lmbench({"run", "run-bench.yaml", "--port-forward-url", url}, {"HF_TOKEN="}, t.root().string());
  EXPECT_EQ(no_stage.exit_code, 1);
  EXPECT_NE(no_stage.err.find("--port-forward-url is the endpoint of a staged start: it needs --start-from 3"),
            std::string::npos)
      << no_stage.err;
  EXPECT_FALSE(fs::exists(t.path("out")));

  // Given as users often copy it, with /v1: it is served at the base URL, not at /v1/v1.
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet", "--start-from", "3",
                              "--port-forward-url", url + "/v1", "--model-url", "m-staged", "--key", "helm_b",
                              "--kubectl", "/nonexistent/kubectl", "--helm", "/nonexistent/helm"},
                             {"HF_TOKEN="}, t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("serving m-staged at " + url + "\n"), std::string::npos) << r.out;  // /v1 dropped once
  EXPECT_NE(r.out.find("-- baseline helm_b: warmed up"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("/nonexistent/"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("helm_a"), std::string::npos) << "only --key's baseline runs:\n" << r.out;
  // Nothing was deployed, and nothing says so.
  EXPECT_NE(r.out.find("-- baseline helm_b (Helm-ProductionStack): staged start (--start-from 3): the running endpoint " +
                       url + "/v1, nothing deployed\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("deploying"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("tearing down"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 run(s) planned"), std::string::npos) << r.out;
  const auto jsons = files_with(t.path("out/staged"), ".json");
  ASSERT_EQ(jsons.size(), 2u) << r.out;  // helm_b's one run and the comparison file
  EXPECT_EQ(jsons[0].filename().string().rfind("helm_b_random_5_", 0), 0u) << jsons[0];
  const auto j = read_json(jsons[0]);
  EXPECT_EQ(j["key"], "helm_b");
  EXPECT_EQ(j["results"]["successful_requests"], 2);
  // The run says where its numbers came from.
  EXPECT_EQ(j["staged_start"], (nlohmann::json{{"start_from", 3}, {"endpoint", url}}));
  EXPECT_EQ(jsons[1].filename(), "random_comparison.json");
  sim->terminate(std::chrono::seconds(2));
}

TEST(Run, TheTokenNeverReachesArtifactsLogsOrCommandLines) {
  TempTree t;
  write_run_bench(t, "Local-Flat");
  const std::string token = "hf_e2eSecretValue12345";
  // A Flat script that serves with the real simulator and prints its environment's token
  // length (not the token) so we know it got it.
  t.write("2-serving-engines/flat/sim/run.sh",
          "#!/bin/bash\necho \"token length ${#HF_TOKEN}\"\nexec \"$LMBENCH_BIN_FOR_TEST\" sim --port \"$PORT\" --model "
          "\"$MODEL_URL\" --time-scale 20\n");
  t.write("0-bench-specs/suite.yaml", std::string("Name: secret\nServing:\n") +
                                          "  - Flat: {configSelection: sim/run.sh, modelURL: " + kModel + "}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 16, "
                                          "ANSWER_LEN: 4, QPS: [5]}\n");
  auto child = core::ChildProcess::spawn(
      {.argv = {LMBENCH_BIN, "run", "run-bench.yaml", "--results", "out", "--quiet", "--local-port",
                std::to_string(deploy::testing::free_port())},
       .env = {{"HF_TOKEN", token}, {"LMBENCH_BIN_FOR_TEST", LMBENCH_BIN}},
       .cwd = t.root(),
       .log_file = t.path("run.log")});
  ASSERT_TRUE(child.ok());
  // While it runs, no descendant's command line holds the token.
  bool saw_child = false;
  while (!child->poll()) {
    for (const auto& [pid, cmd] : children_of(child->pid())) {
      saw_child = true;
      EXPECT_EQ(cmd.find(token), std::string::npos) << cmd;
      for (const auto& [gpid, gcmd] : children_of(pid)) EXPECT_EQ(gcmd.find(token), std::string::npos) << gcmd;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(saw_child);
  const auto log = core::read_file(t.path("run.log"));
  EXPECT_EQ(*child->poll(), 0) << log;
  EXPECT_EQ(log.find(token), std::string::npos);
  // Every file lmbench wrote.
  int files = 0;
  bool token_reached_script = false;
  for (const auto& e : fs::recursive_directory_iterator(t.path("out"))) {
    if (!e.is_regular_file()) continue;
    ++files;
    const auto text = core::read_file(e.path());
    EXPECT_EQ(text.find(token), std::string::npos) << e.path();
    token_reached_script = token_reached_script || text.find("token length " + std::to_string(token.size())) != std::string::npos;
  }
  EXPECT_GT(files, 3);
  EXPECT_TRUE(token_reached_script) << "the script's log shows it received the token through its environment";
}

TEST(Run, InterruptKeepsFinishedArtifactsAndStopsEveryChild) {
  TempTree t;
  write_run_bench(t);
  // The first QPS finishes quickly; the second would take a minute.
  t.write("0-bench-specs/suite.yaml", std::string("Name: stop\nServing:\n") +
                                          "  - Simulated: {modelURL: " + kModel + ", name: s, timeScale: 20}\n" +
                                          "Workload:\n  Random:\n    - {NUM_USERS: 1, NUM_ROUNDS: 2, PROMPT_LEN: 16, "
                                          "ANSWER_LEN: 4, QPS: [10]}\n    - {NUM_USERS: 1, NUM_ROUNDS: 120, "
                                          "PROMPT_LEN: 16, ANSWER_LEN: 4, QPS: [2]}\n");
  auto child = core::ChildProcess::spawn({.argv = {LMBENCH_BIN, "run", "run-bench.yaml", "--results", "out"},
                                          .cwd = t.root(),
                                          .log_file = t.path("run.log")});
  ASSERT_TRUE(child.ok());
  // Wait for the first run's JSON, then for the second run to be under way.
  std::set<pid_t> descendants;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool first_done = false;
  while (std::chrono::steady_clock::now() < deadline && !first_done) {
    for (const auto& [pid, cmd] : children_of(child->pid())) descendants.insert(pid);
    first_done = files_with(t.path("out/stop"), ".json").size() == 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(first_done) << core::read_file(t.path("run.log"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  for (const auto& [pid, cmd] : children_of(child->pid())) descendants.insert(pid);
  ASSERT_FALSE(descendants.empty());
  const auto first = files_with(t.path("out/stop"), ".json").at(0);
  const auto first_text = core::read_file(first);
  ::kill(child->pid(), SIGINT);
  const int status = child->wait();
  const auto log = core::read_file(t.path("run.log"));
  EXPECT_EQ(status, 130) << log;
  // The finished run is intact, byte for byte; the interrupted one is written and marked.
  EXPECT_EQ(core::read_file(first), first_text);
  const auto jsons = files_with(t.path("out/stop"), ".json");
  int interrupted = 0;
  for (const auto& p : jsons) {
    if (p.filename() == "random_comparison.json") continue;
    const auto j = read_json(p);
    if (j.value("interrupted", false)) ++interrupted;
  }
  EXPECT_EQ(interrupted, 1) << log;
  // Every child lmbench started is gone.
  for (pid_t pid : descendants) EXPECT_FALSE(alive(pid)) << pid;
  // Nothing half-written is left behind.
  for (const auto& e : fs::recursive_directory_iterator(t.path("out"))) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

// `Load: {workers: 2}` in run-bench.yaml: the same artifacts as one process sends (file names,
// JSON keys, request counts), plus the run JSON's "workers" block, the CSV's worker column, a
// log line and the report's workers column; --workers on the command line overrides it.
TEST(Run, TwoWorkersLeaveTheSameArtifactsPlusWhoSentWhat) {
  TempTree t;
  const std::string spec = std::string("Name: fleet\nServing:\n") + "  - Simulated: {modelURL: " + kModel +
                           ", name: plain, timeScale: 20}\n" +
                           "Workload:\n  LMCacheSynthetic:\n    - {NUM_USERS: 4, NUM_USERS_WARMUP: 2, NUM_ROUNDS: 3, "
                           "SYSTEM_PROMPT: 60, CHAT_HISTORY: 80, ANSWER_LEN: 6, QPS: [4], DURATION: 4}\n"
                           "  Random:\n    - {NUM_USERS: 2, NUM_ROUNDS: 5, PROMPT_LEN: 32, ANSWER_LEN: 6, QPS: [8]}\n";
  t.write("0-bench-specs/suite.yaml", spec);
  t.write("run-bench.yaml", "0-bench-specs:\n  - suite.yaml\n1-infrastructure:\n  Location: Simulated\nLoad:\n  workers: 2\n");
  const auto two = run_lmbench({"run", "run-bench.yaml", "--results", "two", "--quiet", "--prompt-salt", "5"}, {},
                               t.root().string());
  ASSERT_EQ(two.exit_code, 0) << two.out << two.err;
  const auto one = run_lmbench({"run", "run-bench.yaml", "--results", "one", "--quiet", "--prompt-salt", "5",
                                "--workers", "1"},
                               {}, t.root().string());
  ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
  EXPECT_NE(two.out.find("plain synthetic: sent by 2 workers (start skew "), std::string::npos) << two.out;
  EXPECT_EQ(one.out.find("sent by"), std::string::npos) << one.out;

  auto names = [](const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
      out.insert(std::regex_replace(e.path().filename().string(), std::regex(R"(_\d{8}-\d{4})"), "_TIME"));
    }
    return out;
  };
  EXPECT_EQ(names(t.path("two/fleet")), names(t.path("one/fleet")));
  for (const std::string workload : {"synthetic", "random"}) {
    SCOPED_TRACE(workload);
    const auto find = [&](const std::string& results, const std::string& ext) {
      for (const auto& p : files_with(t.path(results + "/fleet"), ext)) {
        if (p.filename().string().rfind("plain_" + workload + "_", 0) == 0) return p;
      }
      return fs::path();
    };
    const auto j2 = read_json(find("two", ".json"));
    const auto j1 = read_json(find("one", ".json"));
    std::set<std::string> keys1, keys2;
    for (const auto& [k, v] : j1.items()) keys1.insert(k);
    for (const auto& [k, v] : j2.items()) keys2.insert(k);
    keys1.insert("workers");
    EXPECT_EQ(keys2, keys1);
    EXPECT_EQ(j2["results"]["successful_requests"], j1["results"]["successful_requests"]);
    EXPECT_EQ(j2["results"]["total_input_tokens"], j1["results"]["total_input_tokens"]);
    EXPECT_EQ(j2["status"], "ok");
    EXPECT_EQ(j2["workers"]["count"], 2);
    ASSERT_EQ(j2["workers"]["workers"].size(), 2u);
    int sent = 0;
    for (const auto& w : j2["workers"]["workers"]) {
      EXPECT_EQ(w["status"], "ok");
      EXPECT_GT(w["requests"].get<int>(), 0);
      EXPECT_TRUE(w["cpu_s"].is_number() && w["peak_rss_mib"].is_number() && w["scheduling_lag_p99_ms"].is_number());
      sent += w["requests"].get<int>();
    }
    const auto csv2 = core::read_file(find("two", ".csv"));
    const auto csv1 = core::read_file(find("one", ".csv"));
    EXPECT_EQ(std::count(csv2.begin(), csv2.end(), '\n'), sent + 1);
    EXPECT_EQ(std::count(csv2.begin(), csv2.end(), '\n'), std::count(csv1.begin(), csv1.end(), '\n'));
    EXPECT_EQ(csv2.substr(0, csv2.find('\n')), csv1.substr(0, csv1.find('\n')) + ",worker");
  }
  const auto report = core::read_file(t.path("two/fleet/report.html"));
  EXPECT_NE(report.find("<th>workers</th>"), std::string::npos);
  EXPECT_NE(report.find("<td>2</td></tr>"), std::string::npos);
  EXPECT_EQ(core::read_file(t.path("one/fleet/report.html")).find("<th>workers</th>"), std::string::npos);
}

// The servers' side of every run: a simulated baseline with two engines behind a router is
// scraped during each run; the metrics CSV has every endpoint's series, the run JSON a "server"
// block per endpoint and in total whose counts agree with the client's, and the log a line with
// KV usage and hit rates. An Endpoint without a metrics page runs with a note, not an error.
TEST(Run, ServerMetricsAreKeptBesideEveryRun) {
  TempTree t;
  write_run_bench(t);
  testing::RawServer plain([](int, const testing::RawRequest& req) {
    if (req.target.find("/metrics") != std::string::npos) {
      return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(404, "not here"))};
    }
    if (req.target.find("/v1/models") != std::string::npos) {
      return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
          200, std::string(R"({"object":"list","data":[{"id":")") + kModel + R"(","object":"model"}]})"))};
    }
    return std::vector<testing::RawStep>{testing::raw_write(testing::raw_stream_answer(4, false, true))};
  });
  t.write("0-bench-specs/suite.yaml",
          std::string("Name: server\nServing:\n") + "  - Simulated: {modelURL: " + kModel +
              ", name: two, engines: 2, routingLogic: session, sessionKey: x-user-id, timeScale: 20}\n" +
              "  - Endpoint: {baseURL: '" + plain.url() + "', modelURL: " + kModel + ", name: bare}\n" +
              "Workload:\n  LMCacheSynthetic:\n    - {NUM_USERS: 4, NUM_USERS_WARMUP: 0, NUM_ROUNDS: 3, SYSTEM_PROMPT: 600, "
              "CHAT_HISTORY: 400, ANSWER_LEN: 64, QPS: [4], DURATION: 6}\n");
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out", "--quiet"}, {}, t.root().string());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto dir = t.path("out/server");
  fs::path two_json, bare_json;
  for (const auto& p : files_with(dir, ".json")) {
    if (p.filename().string().rfind("two_synthetic_", 0) == 0) two_json = p;
    if (p.filename().string().rfind("bare_synthetic_", 0) == 0) bare_json = p;
  }
  ASSERT_FALSE(two_json.empty() || bare_json.empty()) << r.out;
  const auto j = read_json(two_json);
  ASSERT_TRUE(j.contains("server")) << j.dump(1);
  const auto& server = j["server"];
  std::set<std::string> endpoints;
  for (const auto& e : server["endpoints"]) {
    endpoints.insert(e["endpoint"].get<std::string>());
    EXPECT_GT(e["scrapes"].get<int>(), 3) << e.dump();
    EXPECT_EQ(e["gaps"], 0) << e.dump();
  }
  EXPECT_EQ(endpoints, (std::set<std::string>{"engine-0", "engine-1", "router"}));
  // The engines counted the requests and tokens the client counted.
  const auto& checks = server["cross_checks"];
  EXPECT_EQ(checks["requests"]["verdict"], "agree") << checks.dump(1);
  EXPECT_EQ(checks["prompt_tokens"]["verdict"], "agree") << checks.dump(1);
  EXPECT_EQ(checks["generation_tokens"]["verdict"], "agree") << checks.dump(1);
  EXPECT_EQ(checks["requests"]["client"].get<int>(), j["results"]["successful_requests"].get<int>());
  // The total hit rate is the engines' hits over their queries: multi-round users with a shared
  // system prompt hit the prefix cache.
  double hits = 0, queries = 0;
  for (const auto& e : server["endpoints"]) {
    if (e["role"] != "engine") continue;
    const double rate = e["prefix_cache_hit_rate"].get<double>();
    const double q = e["prompt_tokens"].get<double>();
    hits += rate * q;
    queries += q;
  }
  const double total_rate = server["total"]["prefix_cache_hit_rate"].get<double>();
  EXPECT_GT(total_rate, 0.2);
  EXPECT_NEAR(total_rate, hits / queries, 0.01);
  EXPECT_GT(server["total"]["kv_cache_usage"]["max"].get<double>(), 0.0);
  EXPECT_TRUE(server["total"]["ttft_ms"]["p50"].is_number());
  // The CSV beside it: a row per scrape, endpoint and series.
  auto csv_path = two_json;
  csv_path.replace_extension(".metrics.csv");
  const auto csv = core::read_file(csv_path);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "time_s,endpoint,metric,labels,kind,value");
  for (const std::string needle : {",engine-0,vllm:kv_cache_usage_perc,", ",engine-1,vllm:num_requests_running,",
                                   ",engine-1,vllm:prompt_tokens_total,", ",router,"}) {
    EXPECT_NE(csv.find(needle), std::string::npos) << needle;
  }
  EXPECT_NE(r.out.find("two synthetic: server: KV usage max "), std::string::npos) << r.out;
  // The summary table has the engines' KV usage and hit rates (no LMCache here: "-").
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(server\s+two\s+synthetic\s+4\s+ok\s+\S+\s+0/\d+(\s+[\d.]+){3}\s+\d+%\s+\d+%\s+-\s)")))
      << r.out;
  // The report draws both engines' KV usage and queue over the run, and tables the hit rates.
  const auto report = core::read_file(dir / "report.html");
  for (const std::string chart : {"KV cache usage (server)", "Requests waiting (server)"}) {
    const auto at = report.find("aria-label=\"" + chart + "\"");
    ASSERT_NE(at, std::string::npos) << chart;
    const auto svg = report.substr(at, report.find("</svg>", at) - at);
    for (const std::string engine : {"two engine-0", "two engine-1"}) {
      const std::regex line("<polyline points=\"([^\"]*)\"[^>]*><title>" + engine + "</title>");
      std::smatch m;
      ASSERT_TRUE(std::regex_search(svg, m, line)) << chart << ": " << engine;
      EXPECT_GT(std::count(m[1].first, m[1].second, ' '), 3) << chart << ": " << engine << " has too few points";
    }
  }
  EXPECT_NE(report.find("<table class=server>"), std::string::npos);
  EXPECT_NE(report.find("<td class=k>two</td><td class=k>engine-1</td>"), std::string::npos);
  EXPECT_NE(report.find("<td class=k>bare</td><td class=k>endpoint</td>"), std::string::npos);
  // The comparison file keeps the original layout; the servers' figures are inside each KEY.
  const auto cmp = read_json(dir / "synthetic_comparison.json");
  ASSERT_EQ(cmp.size(), 1u);
  EXPECT_TRUE(cmp[0]["two"]["server"]["prefix_cache_hit_rate"].is_number()) << cmp.dump(1);
  EXPECT_TRUE(cmp[0]["two"].contains("TTFT"));
  EXPECT_FALSE(cmp[0]["bare"].contains("server"));
  // No metrics page: a note, and the run is ok.
  const auto bare = read_json(bare_json);
  EXPECT_EQ(bare["status"], "ok");
  EXPECT_EQ(bare["server"]["endpoints"][0]["note"], "no metrics page (HTTP 404 at " + plain.url() + "/metrics)");
  EXPECT_FALSE(bare["server"].contains("total"));
  EXPECT_NE(r.out.find("bare synthetic: endpoint: no metrics page"), std::string::npos) << r.out;
}

// A run where some requests fail is 'partial', not 'ok': the table shows how many failed and the
// server's most frequent message, the JSON says so, and the exit code is 1 unless
// --max-failure-rate allows that share. (Prompts grow each round past the engine's context.)
TEST(Run, APartialRunShowsItsFailuresAndSetsTheExitCode) {
  TempTree t;
  write_run_bench(t);
  t.write("0-bench-specs/suite.yaml", std::string("Name: partial\nServing:\n") +
                                          "  - Simulated: {modelURL: " + kModel + ", name: small, maxModelLen: 330, timeScale: 20}\n" +
                                          "Workload:\n  LMCacheSynthetic:\n    - {NUM_USERS: 2, NUM_ROUNDS: 4, SYSTEM_PROMPT: 50, "
                                          "CHAT_HISTORY: 150, ANSWER_LEN: 30, QPS: [4], DURATION: 4}\n");
  const auto r = run_lmbench({"run", "run-bench.yaml", "--results", "out"}, {}, t.root().string());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::regex row(R"(partial\s+small\s+synthetic\s+4\s+partial\s+(?:valid|suspect|invalid)\s+(\d+)/(\d+)\s+.*most frequent error \((\d+) of (\d+)\): )"
                       R"(HTTP 400: This model's maximum context length is 330 tokens)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, row)) << r.out;
  EXPECT_GT(std::stoi(m[1]), 0);
  EXPECT_LT(std::stoi(m[1]), std::stoi(m[2]));
  EXPECT_EQ(m[1], m[4]);
  const auto jsons = files_with(t.path("out/partial"), ".json");
  ASSERT_EQ(jsons.size(), 2u);
  const auto j = read_json(jsons[0]);
  EXPECT_EQ(j["status"], "partial");
  EXPECT_EQ(j["results"]["failed_requests"].get<int>(), std::stoi(m[1]));
  EXPECT_NE(j["results"]["top_error"]["error"].get<std::string>().find("maximum context length is 330"), std::string::npos);
  // Allowed share of failures: the same run exits 0, still 'partial'.
  const auto allowed = run_lmbench({"run", "run-bench.yaml", "--results", "out2", "--max-failure-rate", "0.9"}, {},
                                   t.root().string());
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_NE(allowed.out.find(" partial "), std::string::npos) << allowed.out;
}

}  // namespace
}  // namespace lmbench::e2e
