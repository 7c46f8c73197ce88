// The local placement of a fleet run with real processes: `lmbench worker` children of the test
// (through fleet::run_fleet_local, with the real binary), a real `lmbench sim` as the server,
// and the real `lmbench bench --workers` for Ctrl-C.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "config/temp_tree.h"
#include "core/files.h"
#include "core/process.h"
#include "fleet/coordinator.h"
#include "metrics/summary.h"
#include "metrics/summary_json.h"
#include "support/deploy_fixture.h"

namespace lmbench::fleet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using lmbench::testing::TempTree;

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";
constexpr double kScale = 20;

// `lmbench sim` at time scale 20 on a free port, stopped by the destructor.
class Sim : public deploy::testing::ListeningChild {
 public:
  explicit Sim(const TempTree& t)
      : ListeningChild({.argv = {LMBENCH_BIN, "sim", "--port", "0", "--model", kModel, "--time-scale",
                                 std::to_string(static_cast<int>(kScale))},
                        .log_file = t.path("sim.log")}) {}
};

// The requests a simulator finished so far (the sum of its vllm:request_success_total series),
// read from its /metrics with a plain HTTP/1.0 GET; -1 when it cannot be read.
double finished_by(const std::string& url) {
  const auto colon = url.rfind(':');
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1))));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  const std::string get = "GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n";
  (void)!::write(fd, get.data(), get.size());
  std::string page;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) page.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  double total = 0;
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("vllm:request_success_total", 0) == 0) total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

Job spec_job(const std::string& url, const std::string& type, nlohmann::json keys) {
  Job job;
  job.workload = {{"kind", "spec"}, {"type", type}, {"keys", std::move(keys)}, {"root", fs::current_path().string()}, {"rate_index", 0}};
  job.model = kModel;
  job.seed = 3;
  job.salt = 99;
  job.base_url = url;
  job.drain_timeout_s = 30;
  job.time_scale = kScale;
  return job;
}

FleetOptions local(int workers) {
  FleetOptions o;
  o.workers = workers;
  o.executable = LMBENCH_BIN;
  return o;
}

// What a request was meant to be, whoever sent it: user, round, prompt size, intended send
// since the run's start (exact, in nanoseconds).
using Planned = std::tuple<std::string, int, int, bool, long long>;
std::multiset<Planned> planned(const FleetRun& run) {
  std::multiset<Planned> out;
  for (const auto& r : run.run.records) {
    out.emplace(r.user_id, r.round, r.prompt_tokens, r.warmup, (r.intended_send - run.run.start).count());
  }
  return out;
}

// The processes whose parent is `pid` and whose command line contains `needle`.
std::vector<pid_t> children_with(pid_t pid, const std::string& needle) {
  std::vector<pid_t> out;
  for (const auto& [child, cmd] : deploy::testing::children_of(pid)) {
    if (cmd.find(needle) != std::string::npos) out.push_back(child);
  }
  return out;
}

// A user-based workload (each user's rounds carry its answers) and an open-arrival one: two
// workers send exactly the requests one worker sends, on the same schedule, and the run says
// who sent what, where the workers' clocks were and how far apart they started. (LMCacheSynthetic's
// measurement starts after its warm-up answers: at 2 QPS their window is 1 s of the simulator's
// time, 50 ms of wall time, so a loaded test machine does not push the start and with it every
// send time; at 8 QPS a 7 ms late answer once did.)
TEST(Fleet, TwoWorkersSendExactlyWhatOneSends) {
  TempTree t;
  Sim sim(t);
  ASSERT_FALSE(sim.url().empty());
  const std::vector<std::pair<std::string, nlohmann::json>> workloads = {
      {"LMCacheSynthetic",
       {{"NUM_USERS", 4}, {"NUM_USERS_WARMUP", 2}, {"NUM_ROUNDS", 3}, {"SYSTEM_PROMPT", 60}, {"CHAT_HISTORY", 80},
        {"ANSWER_LEN", 6}, {"QPS", {2}}, {"DURATION", 8}}},
      {"Random", {{"NUM_USERS", 3}, {"NUM_ROUNDS", 7}, {"PROMPT_LEN", 40}, {"ANSWER_LEN", 6}, {"QPS", {16}}}}};
  for (const auto& [type, keys] : workloads) {
    SCOPED_TRACE(type);
    const Job job = spec_job(sim.url(), type, keys);
    const FleetRun one = run_fleet_local(job, local(1));
    const FleetRun two = run_fleet_local(job, local(2));
    ASSERT_TRUE(one.partial.empty()) << one.partial;
    ASSERT_TRUE(two.partial.empty()) << two.partial;
    ASSERT_GT(one.run.records.size(), 10u);
    EXPECT_EQ(planned(one), planned(two));
    for (const auto& r : two.run.records) EXPECT_TRUE(r.ok()) << r.error_kind << ": " << r.error_message;
    // Each worker sent some, each user's rounds came from one worker.
    std::map<std::string, std::set<int>> workers_of_user;
    std::map<int, std::size_t> per_worker;
    for (const auto& r : two.run.records) {
      ASSERT_TRUE(r.worker.has_value());
      workers_of_user[r.user_id].insert(*r.worker);
      ++per_worker[*r.worker];
    }
    EXPECT_EQ(per_worker.size(), 2u);
    if (type == "LMCacheSynthetic") {
      for (const auto& [user, ws] : workers_of_user) EXPECT_EQ(ws.size(), 1u) << "user " << user;
    }
    ASSERT_EQ(two.workers.size(), 2u);
    for (const auto& w : two.workers) {
      EXPECT_TRUE(w.ok);
      EXPECT_EQ(w.requests, per_worker[w.index]);
      EXPECT_EQ(w.failures, 0u);
      ASSERT_TRUE(w.cpu_s && w.peak_rss_mib && w.scheduling_lag_p99_ms && w.started_late_ms);
      EXPECT_GT(*w.cpu_s, 0.0);
      EXPECT_GT(*w.peak_rss_mib, 1.0);
      // One machine, one steady clock: the measured offset is within its own uncertainty (plus
      // a little for the probe's asymmetry).
      EXPECT_LE(std::abs(w.clock_offset_ms), w.offset_uncertainty_ms + 0.5);
    }
    ASSERT_TRUE(two.start_skew_ms.has_value());
    const auto block = workers_json(two);
    EXPECT_EQ(block["count"], 2);
    EXPECT_EQ(block["workers"].size(), 2u);
    EXPECT_EQ(block["workers"][1]["status"], "ok");
  }
}

// A worker killed mid-run fails its shard: its records up to then are kept, the run says it is
// partial and why, and the other shard runs to its end.
TEST(Fleet, AKilledWorkerFailsItsShardAndTheOtherFinishes) {
  TempTree t;
  Sim sim(t);
  ASSERT_FALSE(sim.url().empty());
  // 2 users x 80 rounds at 1/s of the simulator's time (20/s of wall time): 8 s, each worker
  // 80 requests (by arrival order: every other one).
  const Job job = spec_job(sim.url(), "Random",
                           {{"NUM_USERS", 2}, {"NUM_ROUNDS", 80}, {"PROMPT_LEN", 20}, {"ANSWER_LEN", 4}, {"QPS", {1}}});
  std::atomic<bool> killed{false};
  std::thread killer([&] {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    std::vector<pid_t> victims;
    while (victims.empty() && std::chrono::steady_clock::now() < deadline) {
      victims = children_with(::getpid(), "--index 1");
      std::this_thread::sleep_for(20ms);
    }
    if (victims.empty()) return;
    // Its run is under way (a worker takes up to a second or two to load the tokenizer and build
    // its shard on a busy machine): some records are sent, most are not.
    std::this_thread::sleep_for(3500ms);
    ::kill(victims.front(), SIGKILL);
    killed = true;
  });
  const FleetRun run = run_fleet_local(job, local(2));
  killer.join();
  ASSERT_TRUE(killed);
  EXPECT_NE(run.partial.find("worker 1"), std::string::npos) << run.partial;
  ASSERT_EQ(run.workers.size(), 2u);
  EXPECT_TRUE(run.workers[0].ok);
  EXPECT_EQ(run.workers[0].requests, 80u);
  EXPECT_FALSE(run.workers[1].ok);
  EXPECT_NE(run.workers[1].error.find("exit status 137"), std::string::npos) << run.workers[1].error;
  EXPECT_GT(run.workers[1].requests, 0u);
  EXPECT_LT(run.workers[1].requests, 80u);
  std::size_t from_one = 0;
  for (const auto& r : run.run.records) from_one += r.worker == 1 ? 1 : 0;
  EXPECT_EQ(from_one, run.workers[1].requests);
  EXPECT_EQ(workers_json(run)["workers"][1]["status"], "failed");
  EXPECT_TRUE(workers_json(run).contains("partial"));
  // Nothing is left running.
  EXPECT_TRUE(children_with(::getpid(), "worker").empty());
}

// A workload every worker rejects is one clear error before anything is sent, not N of them.
TEST(Fleet, AWorkloadTheWorkersCannotBuildIsOneClearError) {
  TempTree t;
  const Job job = spec_job("http://127.0.0.1:9", "TraceReplayer",
                           {{"TRACE_FILE", t.path("no-such-trace.jsonl").string()}, {"QPS", {1}}});
  try {
    run_fleet_local(job, local(2));
    FAIL() << "expected an error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-trace.jsonl"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(children_with(::getpid(), "worker").empty());
}

// Ctrl-C on `lmbench bench --workers 2`: every worker stops, what was sent is written and marked
// interrupted, and no worker outlives lmbench.
TEST(Fleet, CtrlCStopsEveryWorkerAndKeepsWhatWasSent) {
  TempTree t;
  Sim sim(t);
  ASSERT_FALSE(sim.url().empty());
  auto bench = core::ChildProcess::spawn(
      {.argv = {LMBENCH_BIN, "bench", "random", "--base-url", sim.url(), "--model", kModel, "--qps", "20",
                "--num-rounds", "2000", "--prompt-len", "20", "--answer-len", "4", "--workers", "2", "--json",
                t.path("run.json").string(), "--csv", t.path("run.csv").string()},
       .log_file = t.path("bench.log")});
  ASSERT_TRUE(bench.ok());
  std::vector<pid_t> workers;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (workers.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    workers = children_with(bench->pid(), "worker");
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(workers.size(), 2u) << core::read_file(t.path("bench.log"));
  // Ctrl-C once the run is well under way (the server finished some requests), not after a
  // fixed sleep: on a loaded machine the workers may still be starting after 1.5 s.
  while (finished_by(sim.url()) < 12 && std::chrono::steady_clock::now() < deadline + 30s) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GE(finished_by(sim.url()), 12) << core::read_file(t.path("bench.log"));
  ::kill(bench->pid(), SIGINT);
  const int status = bench->wait();
  const auto log = core::read_file(t.path("bench.log"));
  EXPECT_EQ(status, 130) << log;
  for (pid_t w : workers) EXPECT_TRUE(deploy::testing::gone_within(w, 5000)) << "worker " << w << " outlived lmbench";
  const auto j = nlohmann::json::parse(core::read_file(t.path("run.json")));
  EXPECT_EQ(j["status"], "interrupted");
  EXPECT_EQ(j["workers"]["count"], 2);
  EXPECT_GT(j["results"]["successful_requests"].get<int>(), 10);
  EXPECT_LT(j["results"]["successful_requests"].get<int>(), 2000);
  const auto csv = core::read_file(t.path("run.csv"));
  EXPECT_NE(csv.substr(0, csv.find('\n')).find(",worker"), std::string::npos);
}

}  // namespace
}  // namespace lmbench::fleet
