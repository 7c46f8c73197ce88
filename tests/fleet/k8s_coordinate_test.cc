// The processes of placement kubernetes, run for real on loopback as the cluster would run them:
// `lmbench coordinate` (its command line taken from the coordinator Pod's manifest) with two
// `lmbench worker` processes (the worker Job's command line, each with JOB_COMPLETION_INDEX and
// LMBENCH_NODE_NAME as the Indexed Job and the downward API give them), against a real
// `lmbench sim` started by the test. Only addresses, paths and timeouts (20 s, so that a test
// that fails does so quickly) are changed: no DNS or pod here.

#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <regex>
#include <set>
#include <thread>
#include <tuple>

#include "config/temp_tree.h"
#include "core/files.h"
#include "core/process.h"
#include "fleet/coordinator.h"
#include "fleet/fleet_run_json.h"
#include "fleet/kube_manifest.h"
#include "support/deploy_fixture.h"

namespace lmbench::fleet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using lmbench::testing::TempTree;

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";
constexpr double kScale = 20;

// Every process finds the tokenizer and data of this source tree, wherever the build folder is.
std::vector<std::pair<std::string, std::string>> home_env() { return {{"LMBENCH_HOME", LMBENCH_SOURCE_DIR}}; }

// The first capture of `re` in the file, waited for up to 15 s; "" when it never comes.
std::string wait_for_line(const fs::path& log, const std::regex& re) {
  for (int i = 0; i < 300; ++i) {
    std::smatch m;
    std::string text;
    try {
      text = core::read_file(log);
    } catch (const std::exception&) {
    }
    if (std::regex_search(text, m, re)) return m[1];
    std::this_thread::sleep_for(50ms);
  }
  return "";
}

// `lmbench sim` at time scale 20 on a free port, stopped by the destructor.
class Sim : public deploy::testing::ListeningChild {
 public:
  explicit Sim(const TempTree& t)
      : ListeningChild({.argv = {LMBENCH_BIN, "sim", "--port", "0", "--model", kModel, "--time-scale", "20"},
                        .env = home_env(),
                        .log_file = t.path("sim.log")}) {}
};

Job random_job(const std::string& url, nlohmann::json keys) {
  Job job;
  job.workload = {{"kind", "spec"}, {"type", "Random"}, {"keys", std::move(keys)}, {"root", LMBENCH_SOURCE_DIR}, {"rate_index", 0}};
  job.model = kModel;
  job.seed = 5;
  job.salt = 21;
  job.base_url = url;
  job.drain_timeout_s = 30;
  job.time_scale = kScale;
  return job;
}

// The commands of the coordinator Pod and the worker Job, as the manifests have them.
struct PodCommands {
  std::vector<std::string> coordinator;
  std::vector<std::string> worker;
};
PodCommands manifest_commands(const Job& job, int workers) {
  KubernetesPlacement p;
  p.base_url = job.base_url;
  const auto list = fleet_manifests(p, "r1", job, workers, "");
  PodCommands out;
  for (const auto& item : list["items"]) {
    if (item["kind"] == "Pod") out.coordinator = item["spec"]["containers"][0]["command"].get<std::vector<std::string>>();
    if (item["kind"] == "Job") out.worker = item["spec"]["template"]["spec"]["containers"][0]["command"].get<std::vector<std::string>>();
  }
  return out;
}

// `argv` with the program replaced by the built binary and the value after each flag in `values`
// replaced (the flag must be there: the manifest's command lines are what is under test).
std::vector<std::string> localized(std::vector<std::string> argv, const std::map<std::string, std::string>& values) {
  argv.at(0) = LMBENCH_BIN;
  for (const auto& [flag, value] : values) {
    const auto it = std::find(argv.begin(), argv.end(), flag);
    EXPECT_NE(it, argv.end()) << flag << " is not in the manifest's command line";
    if (it != argv.end() && it + 1 != argv.end()) *(it + 1) = value;
  }
  return argv;
}

// The processes of one in-cluster run on loopback.
struct InClusterRun {
  const TempTree& t;
  std::optional<core::ChildProcess> coordinator;
  std::vector<core::ChildProcess> workers;
  std::string port;

  InClusterRun(const TempTree& tree, const Job& job, int n, const std::string& linger) : t(tree) {
    t.write("job.json", job_to_json(job).dump());
    const PodCommands cmds = manifest_commands(job, n);
    auto coordinator_argv = localized(cmds.coordinator, {{"--job", t.path("job.json").string()},
                                                          {"--listen", "127.0.0.1:0"},
                                                          {"--out", t.path("results/run.json").string()},
                                                          {"--stop-file", t.path("results/stop").string()},
                                                          {"--ready-timeout", "20"}});
    coordinator_argv.insert(coordinator_argv.end(), {"--linger", linger});
    fs::create_directories(t.path("results"));
    auto c = core::ChildProcess::spawn({.argv = coordinator_argv, .env = home_env(), .log_file = t.path("coordinator.log")});
    if (!c) return;
    coordinator.emplace(std::move(*c));
    port = wait_for_line(t.path("coordinator.log"), std::regex(R"(listening on 127\.0\.0\.1:(\d+) for )"));
    if (port.empty()) return;
    for (int k = 0; k < n; ++k) {
      auto env = home_env();
      env.emplace_back("JOB_COMPLETION_INDEX", std::to_string(k));
      env.emplace_back("LMBENCH_NODE_NAME", "node-" + std::to_string(k));
      auto w = core::ChildProcess::spawn({.argv = localized(cmds.worker, {{"--coordinator", "127.0.0.1:" + port}, {"--connect-timeout", "20"}}),
                                          .env = env,
                                          .log_file = t.path("worker-" + std::to_string(k) + ".log")});
      if (w) workers.push_back(std::move(*w));
    }
  }
  std::string logs() const {
    std::string out = "coordinator:\n" + core::read_file(t.path("coordinator.log"));
    for (std::size_t k = 0; k < workers.size(); ++k) {
      out += "worker " + std::to_string(k) + ":\n" + core::read_file(t.path("worker-" + std::to_string(k) + ".log"));
    }
    return out;
  }
};

using Planned = std::tuple<std::string, int, int, long long>;
std::multiset<Planned> planned(const FleetRun& run) {
  std::multiset<Planned> out;
  for (const auto& r : run.run.records) out.emplace(r.user_id, r.round, r.prompt_tokens, (r.intended_send - run.run.start).count());
  return out;
}

TEST(KubeCoordinate, TwoIndexedWorkersAndTheMergedRunItWrites) {
  TempTree t;
  Sim sim(t);
  ASSERT_FALSE(sim.url().empty());
  const Job job = random_job(sim.url(), {{"NUM_USERS", 3}, {"NUM_ROUNDS", 6}, {"PROMPT_LEN", 30}, {"ANSWER_LEN", 5}, {"QPS", {16}}});
  InClusterRun run(t, job, 2, "60");
  ASSERT_FALSE(run.port.empty()) << run.logs();
  ASSERT_EQ(run.workers.size(), 2u);
  for (auto& w : run.workers) EXPECT_EQ(w.wait(), 0) << run.logs();
  ASSERT_TRUE(deploy::testing::wait_for_file(t.path("results/run.json"), 15000)) << run.logs();
  // Written, then it waits to be deleted: still running until SIGTERM, then exits 0.
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(run.coordinator->poll().has_value()) << run.logs();
  ::kill(run.coordinator->pid(), SIGTERM);
  EXPECT_EQ(run.coordinator->wait(), 0) << run.logs();

  const core::TimePoint here{core::Duration{1'000'000'000}};
  auto merged = fleet_run_from_json(nlohmann::json::parse(core::read_file(t.path("results/run.json"))), here);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(merged->placement, "kubernetes");
  EXPECT_EQ(merged->run.reason, load::StopReason::kWorkloadDone);
  EXPECT_TRUE(merged->partial.empty()) << merged->partial;
  ASSERT_EQ(merged->run.records.size(), 18u);  // 3 users x 6 rounds
  std::map<int, std::size_t> per_worker;
  for (const auto& r : merged->run.records) {
    EXPECT_TRUE(r.ok()) << r.error_kind << ": " << r.error_message;
    ASSERT_TRUE(r.worker.has_value());
    ++per_worker[*r.worker];
    EXPECT_GE(r.actual_send, here);
    EXPECT_EQ(r.output_tokens, 5);
  }
  ASSERT_EQ(merged->workers.size(), 2u);
  for (const auto& w : merged->workers) {
    EXPECT_TRUE(w.ok) << w.error;
    EXPECT_EQ(w.node, "node-" + std::to_string(w.index));  // LMBENCH_NODE_NAME, from the hello
    EXPECT_EQ(w.requests, per_worker[w.index]);
    EXPECT_GT(w.requests, 0u);
  }
  // The two indexed workers sent exactly what one local worker sends for the same job.
  FleetOptions one;
  one.workers = 1;
  one.executable = LMBENCH_BIN;
  ::setenv("LMBENCH_HOME", LMBENCH_SOURCE_DIR, 1);
  const FleetRun alone = run_fleet_local(job, one);
  EXPECT_EQ(planned(*merged), planned(alone));
}

// Ctrl-C reaches the in-cluster coordinator as its stop file: it stops the workers and writes
// what they sent, marked interrupted.
TEST(KubeCoordinate, TheStopFileStopsTheWorkersAndTheRunIsWrittenInterrupted) {
  TempTree t;
  Sim sim(t);
  ASSERT_FALSE(sim.url().empty());
  const Job job = random_job(sim.url(), {{"NUM_USERS", 2}, {"NUM_ROUNDS", 2000}, {"PROMPT_LEN", 20}, {"ANSWER_LEN", 4}, {"QPS", {20}}});
  InClusterRun run(t, job, 2, "0");
  ASSERT_FALSE(run.port.empty()) << run.logs();
  ASSERT_EQ(run.workers.size(), 2u);
  std::this_thread::sleep_for(2s);  // under way: each worker has sent some
  t.write("results/stop", "");
  for (auto& w : run.workers) EXPECT_EQ(w.wait(), 0) << run.logs();
  EXPECT_EQ(run.coordinator->wait(), 0) << run.logs();
  auto merged = fleet_run_from_json(nlohmann::json::parse(core::read_file(t.path("results/run.json"))), core::TimePoint{});
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(merged->run.reason, load::StopReason::kInterrupted);
  EXPECT_GT(merged->run.records.size(), 10u);
  EXPECT_LT(merged->run.records.size(), 4000u);
  for (const auto& w : merged->workers) EXPECT_TRUE(w.ok) << w.error;
  EXPECT_NE(core::read_file(t.path("coordinator.log")).find("appeared: stopping the workers"), std::string::npos);
}

// A worker that never comes: the coordinator gives up after --ready-timeout, says which, and exits 1
// (the pod fails, and `lmbench run` shows these lines).
TEST(KubeCoordinate, AMissingWorkerFailsTheCoordinatorWithItsIndex) {
  TempTree t;
  t.write("job.json", job_to_json(random_job("http://127.0.0.1:9", {{"QPS", {1}}})).dump());
  auto c = core::ChildProcess::spawn({.argv = {LMBENCH_BIN, "coordinate", "--job", t.path("job.json").string(), "--workers", "2",
                                               "--listen", "127.0.0.1:0", "--out", t.path("run.json").string(), "--ready-timeout", "1"},
                                      .env = home_env(),
                                      .log_file = t.path("coordinator.log")});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->wait(), 1);
  const std::string log = core::read_file(t.path("coordinator.log"));
  EXPECT_NE(log.find("lmbench coordinate: workers: not every worker connected in time (0 of 2; missing: 0, 1)"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(t.path("run.json")));
}

}  // namespace
}  // namespace lmbench::fleet
