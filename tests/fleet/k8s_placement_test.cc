// Placement kubernetes against the recording kubectl stand-in (deploy_fixture.h; no cluster can
// run here): the exact call sequence of a run, of a coordinator that fails, of an apply that
// fails, of Ctrl-C, the manifest on stdin, and the teardown on every path. Also the merged run's
// JSON, which the coordinator pod hands over, and its round trip.
//
// A small wrapper in front of the stand-in plays the cluster's side of the calls the stand-in
// does not know: the coordinator pod's status (one answer per call from status.txt, the last one
// repeating), `exec ... cat` (result.json) and `exec ... touch` (after which the pod becomes Ready
// when ready-after-stop exists). Every call still goes through the stand-in, which records it.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/interrupt.h"
#include "fleet/fleet_run_json.h"
#include "fleet/kubernetes.h"
#include "metrics/record_wire.h"
#include "support/deploy_fixture.h"

namespace lmbench::fleet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using deploy::testing::Calls;
using deploy::testing::StandIn;
using deploy::testing::TempDir;

constexpr const char* kRun = "lmbench-fleet-test";
constexpr const char* kStatus = "get pod lmbench-fleet-test-coordinator -o jsonpath={.status.phase}/{.status.containerStatuses[0].ready}";
constexpr const char* kCat = "exec lmbench-fleet-test-coordinator -c coordinator -- cat /results/run.json";
constexpr const char* kTouch = "exec lmbench-fleet-test-coordinator -c coordinator -- touch /results/stop";
constexpr const char* kLogs = "logs lmbench-fleet-test-coordinator --all-containers";
constexpr const char* kDelete =
    "delete job,pod,service,configmap,secret -l lmbench.io/fleet-run=lmbench-fleet-test --ignore-not-found --wait=true --timeout=120s";

std::string wrapper(const fs::path& standin) {
  return R"SH(#!/bin/sh
dir=')SH" + standin.string() + R"SH('
args=" $* "
case "$args" in
  *" get pod "*)
    "$dir/kubectl" "$@" >/dev/null 2>&1 </dev/null
    n=$(($(cat "$dir/status-calls" 2>/dev/null || echo 0) + 1)); echo $n > "$dir/status-calls"
    if [ -e "$dir/interrupt-at" ] && [ "$(cat "$dir/interrupt-at")" = "$n" ]; then kill -INT $PPID; fi
    if [ -e "$dir/stopped" ] && [ -e "$dir/ready-after-stop" ]; then echo "Running/true"; exit 0; fi
    first=$(head -n 1 "$dir/status.txt")
    if [ "$(wc -l < "$dir/status.txt")" -gt 1 ]; then tail -n +2 "$dir/status.txt" > "$dir/status.next"; mv "$dir/status.next" "$dir/status.txt"; fi
    echo "$first"
    ;;
  *" exec "*" touch "*)
    "$dir/kubectl" "$@" >/dev/null 2>&1 </dev/null
    : > "$dir/stopped"
    ;;
  *" exec "*" cat "*)
    "$dir/kubectl" "$@" >/dev/null 2>&1 </dev/null
    echo "Warning: a merged stderr line before the document" >&2
    cat "$dir/result.json"
    ;;
  *" delete "*)
    "$dir/kubectl" "$@" >/dev/null 2>&1 </dev/null
    if [ -e "$dir/fail-delete" ]; then echo "error: timed out waiting for the condition"; exit 1; fi
    echo "job.batch \"x\" deleted"
    ;;
  *) exec "$dir/kubectl" "$@" ;;
esac
)SH";
}

// A merged run as a coordinator writes it: two workers, three records, every optional field set
// somewhere and unset somewhere else.
FleetRun sample_run(core::TimePoint start) {
  FleetRun run;
  run.placement = "kubernetes";
  run.wall_start = std::chrono::system_clock::time_point(std::chrono::microseconds(1'767'225'600'123'456));
  run.run.start = start;
  run.run.send_end = start + 2'500'000'000ns;
  run.run.end = start + 3'100'000'007ns;
  run.run.reason = load::StopReason::kTimeLimit;
  run.run.loop_stall_max = 1'700'000ns;
  run.run.client_cpu = metrics::ClientCpu{.thread_busy = 0.31, .thread_waiting = 0.02, .process_busy = 0.2, .process_waiting = std::nullopt, .cpus = 2};
  run.run.client_stats.connections_opened = 5;
  run.run.client_stats.connections_reused = 9;
  run.run.client_stats.retries = 1;
  run.start_skew_ms = 0.125;
  run.partial = "worker 1 was lost after 1 record(s): the peer closed the connection";
  for (int k = 0; k < 3; ++k) {
    metrics::RequestRecord r;
    r.request_id = static_cast<std::uint64_t>(k);
    r.user_id = "user-" + std::to_string(k % 2);
    r.round = k;
    r.warmup = k == 0;
    r.backend = k == 2 ? "http://engine-1:8000" : "";
    r.worker = k % 2;
    r.intended_send = start + std::chrono::milliseconds(100 * k);
    r.ready_send = r.intended_send + 10ns;
    r.actual_send = r.intended_send + 123'457ns;
    if (k != 1) {
      r.first_token = r.actual_send + 40'000'001ns;
      r.chunk_times = {r.first_token, r.first_token + 5'000'003ns, r.first_token + 9'999'999ns};
    }
    r.end = r.actual_send + 60'000'000ns;
    r.loop_stall = std::chrono::microseconds(1500 * k);
    r.launch_wall = run.wall_start + std::chrono::duration_cast<std::chrono::system_clock::duration>(r.actual_send - start);
    r.prompt_tokens = 100 + k;
    r.output_tokens = k == 1 ? 0 : 3;
    if (k == 0) r.cached_tokens = 64;
    r.output_token_source = k == 1 ? metrics::TokenSource::kNone : metrics::TokenSource::kServerUsage;
    r.outcome = k == 1 ? metrics::Outcome::kFailed : metrics::Outcome::kOk;
    if (k == 1) {
      r.error_kind = "http_500";
      r.error_message = "Internal Server Error";
    }
    run.run.records.push_back(std::move(r));
  }
  for (int k = 0; k < 2; ++k) {
    WorkerReport w;
    w.index = k;
    w.ok = k == 0;
    w.error = k == 0 ? "" : run.partial;
    w.requests = k == 0 ? 2 : 1;
    w.failures = static_cast<std::size_t>(k);
    w.scheduling_lag_p99_ms = k == 0 ? std::optional<double>(0.25) : std::nullopt;
    w.cpu_s = 1.5 + k;
    w.peak_rss_mib = k == 0 ? std::optional<double>(88.0) : std::nullopt;
    w.clock_offset_ms = k == 0 ? -0.03125 : 4.5;
    w.offset_uncertainty_ms = 0.0625;
    w.started_late_ms = k == 0 ? std::optional<double>(0.011) : std::nullopt;
    if (k == 0) w.client_cpu = run.run.client_cpu;
    w.loop_stall_max = std::chrono::microseconds(1700 * (k + 1));
    w.reason = k == 0 ? "time limit" : "";
    w.node = "gke-pool-" + std::to_string(k);
    run.workers.push_back(std::move(w));
  }
  return run;
}

void expect_same_run(const FleetRun& a, const FleetRun& b) {
  EXPECT_EQ(a.placement, b.placement);
  EXPECT_EQ(a.wall_start, b.wall_start);
  EXPECT_EQ(a.run.send_end - a.run.start, b.run.send_end - b.run.start);
  EXPECT_EQ(a.run.end - a.run.start, b.run.end - b.run.start);
  EXPECT_EQ(a.run.reason, b.run.reason);
  EXPECT_EQ(a.run.loop_stall_max, b.run.loop_stall_max);
  EXPECT_EQ(a.run.start_late, b.run.start_late);
  ASSERT_EQ(a.run.client_cpu.has_value(), b.run.client_cpu.has_value());
  if (a.run.client_cpu) {
    EXPECT_EQ(a.run.client_cpu->thread_busy, b.run.client_cpu->thread_busy);
    EXPECT_EQ(a.run.client_cpu->thread_waiting, b.run.client_cpu->thread_waiting);
    EXPECT_EQ(a.run.client_cpu->process_busy, b.run.client_cpu->process_busy);
    EXPECT_EQ(a.run.client_cpu->process_waiting, b.run.client_cpu->process_waiting);
    EXPECT_EQ(a.run.client_cpu->cpus, b.run.client_cpu->cpus);
  }
  EXPECT_EQ(a.run.client_stats.connections_opened, b.run.client_stats.connections_opened);
  EXPECT_EQ(a.run.client_stats.connections_reused, b.run.client_stats.connections_reused);
  EXPECT_EQ(a.run.client_stats.retries, b.run.client_stats.retries);
  EXPECT_EQ(a.start_skew_ms, b.start_skew_ms);
  EXPECT_EQ(a.partial, b.partial);
  ASSERT_EQ(a.run.records.size(), b.run.records.size());
  for (std::size_t i = 0; i < a.run.records.size(); ++i) {
    const auto& x = a.run.records[i];
    const auto& y = b.run.records[i];
    // Every field, each time relative to its run's start: the wire form says it all.
    EXPECT_EQ(metrics::record_to_wire(x, a.run.start), metrics::record_to_wire(y, b.run.start)) << "record " << i;
    EXPECT_EQ(x.worker, y.worker) << "record " << i;
    EXPECT_EQ(x.launch_wall, y.launch_wall) << "record " << i;
  }
  ASSERT_EQ(a.workers.size(), b.workers.size());
  for (std::size_t i = 0; i < a.workers.size(); ++i) {
    const auto& x = a.workers[i];
    const auto& y = b.workers[i];
    EXPECT_EQ(x.index, y.index);
    EXPECT_EQ(x.ok, y.ok);
    EXPECT_EQ(x.error, y.error);
    EXPECT_EQ(x.requests, y.requests);
    EXPECT_EQ(x.failures, y.failures);
    EXPECT_EQ(x.scheduling_lag_p99_ms, y.scheduling_lag_p99_ms);
    EXPECT_EQ(x.cpu_s, y.cpu_s);
    EXPECT_EQ(x.peak_rss_mib, y.peak_rss_mib);
    EXPECT_EQ(x.clock_offset_ms, y.clock_offset_ms);
    EXPECT_EQ(x.offset_uncertainty_ms, y.offset_uncertainty_ms);
    EXPECT_EQ(x.started_late_ms, y.started_late_ms);
    EXPECT_EQ(x.client_cpu.has_value(), y.client_cpu.has_value());
    if (x.client_cpu && y.client_cpu) {
      EXPECT_EQ(x.client_cpu->share(), y.client_cpu->share());
    }
    EXPECT_EQ(x.loop_stall_max, y.loop_stall_max);
    EXPECT_EQ(x.reason, y.reason);
    EXPECT_EQ(x.node, y.node);
  }
}

TEST(FleetRunJson, RoundTripKeepsEveryFieldOnTheReceiversTimeline) {
  const core::TimePoint theirs{core::Duration{7'000'000'000'123}};
  const core::TimePoint ours{core::Duration{42'000'000'000'999}};
  const FleetRun run = sample_run(theirs);
  const auto j = fleet_run_to_json(run);
  EXPECT_EQ(j["format"], "lmbench-fleet-run/1");
  // Through text, as it travels.
  auto back = fleet_run_from_json(nlohmann::json::parse(j.dump()), ours);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->run.start, ours);
  EXPECT_EQ(back->run.records[0].intended_send, ours);
  expect_same_run(run, *back);
  // And the workers block the run JSON carries is the same either side.
  EXPECT_EQ(workers_json(run).dump(), workers_json(*back).dump());
}

TEST(FleetRunJson, ErrorsNameWhatIsWrong) {
  const core::TimePoint t0{};
  auto j = fleet_run_to_json(sample_run(t0));
  auto no_format = j;
  no_format.erase("format");
  EXPECT_EQ(fleet_run_from_json(no_format, t0).error().message, "fleet run: 'format' must be \"lmbench-fleet-run/1\", found none");
  auto no_end = j;
  no_end.erase("end_ns");
  EXPECT_EQ(fleet_run_from_json(no_end, t0).error().message, "fleet run: 'end_ns' is missing");
  auto bad_worker = j;
  bad_worker["workers"][1]["requests"] = "two";
  EXPECT_EQ(fleet_run_from_json(bad_worker, t0).error().message, "fleet run: workers[1].'requests' has the wrong type");
  auto bad_record = j;
  bad_record["records"][2].erase("sent");
  EXPECT_EQ(fleet_run_from_json(bad_record, t0).error().message,
            "fleet run: records[2]: record field 'sent' is missing or has the wrong type");
  auto bad_reason = j;
  bad_reason["reason"] = "bored";
  EXPECT_EQ(fleet_run_from_json(bad_reason, t0).error().message, "fleet run: 'reason' \"bored\" is not a runner's stop reason");
}

struct Cluster {
  TempDir dir{"fleet-kube"};
  StandIn tools{dir / "standin"};
  fs::path kubectl = dir / "kubectl";
  core::SteadyClock clock;

  Cluster() {
    deploy::testing::write_script(kubectl, wrapper(tools.dir()));
    status({"Pending/", "Running/false", "Running/true"});
    std::ofstream(tools.dir() / "result.json") << fleet_run_to_json(sample_run(core::TimePoint{})).dump();
  }
  void status(std::initializer_list<std::string> lines) const {
    std::ofstream out(tools.dir() / "status.txt");
    for (const auto& l : lines) out << l << "\n";
  }
  void flag(const std::string& name, const std::string& text = "1") const { std::ofstream(tools.dir() / name) << text; }

  Job job() const {
    Job j;
    j.workload = {{"kind", "spec"}, {"type", "Random"}, {"keys", {{"QPS", {4}}}}, {"root", "/home/me"}, {"rate_index", 0}};
    j.model = "meta-llama/Llama-3.1-8B-Instruct";
    j.base_url = "http://127.0.0.1:30080";
    return j;
  }
  FleetOptions options(int workers = 2) const {
    FleetOptions o;
    o.workers = workers;
    KubernetesPlacement p;
    p.target = {.kubectl = kubectl.string(), .context = "gke", .namespace_name = "bench"};
    p.base_url = "http://vllm-router-service.bench.svc.cluster.local:80";
    p.run_name = kRun;
    p.poll_interval = 10ms;
    o.kubernetes = p;
    return o;
  }
  static std::string k(const std::string& rest) { return "kubectl --context gke --namespace bench " + rest; }
};

// A whole run: apply, wait for the coordinator to be Ready, fetch the merged run, delete.
TEST(KubePlacement, AppliesWaitsFetchesAndDeletesExactly) {
  Cluster c;
  const auto options = c.options(2);
  const FleetRun run = run_fleet(c.job(), options, c.clock);
  EXPECT_EQ(c.tools.calls(), (Calls{
                                 Cluster::k("apply -f -"),
                                 Cluster::k(kStatus),
                                 Cluster::k(kStatus),
                                 Cluster::k(kStatus),
                                 Cluster::k(kCat),
                                 Cluster::k(kDelete),
                             }));
  // The manifest on stdin: every object of the run, for the job as the cluster runs it.
  const auto manifest = fleet_manifests(*options.kubernetes, kRun, cluster_job(c.job(), *options.kubernetes), 2, "");
  EXPECT_EQ(c.tools.stdin_of(1), manifest.dump(2));  // the stand-in drops the final newline
  // The merged run, rebuilt on this side.
  EXPECT_EQ(run.placement, "kubernetes");
  expect_same_run(sample_run(core::TimePoint{}), [&] {
    FleetRun r = run;
    r.placement = "kubernetes";
    return r;
  }());
  EXPECT_TRUE(run.notes.empty());
  EXPECT_EQ(workers_json(run)["placement"], "kubernetes");
  EXPECT_EQ(workers_json(run)["workers"][1]["node"], "gke-pool-1");
}

// The coordinator pod fails (a worker never came): its last lines are the error, and
// everything is still deleted.
TEST(KubePlacement, ACoordinatorThatFailsIsReportedWithItsLogAndTornDown) {
  Cluster c;
  c.status({"Pending/", "Running/false", "Failed/false"});
  c.tools.set_pod_log("lmbench coordinate: listening on 0.0.0.0:7070 for 2 worker(s)\n"
                      "lmbench coordinate: workers: not every worker connected in time (1 of 2; missing: 1)\n");
  try {
    run_fleet(c.job(), c.options(2), c.clock);
    FAIL() << "expected an error";
  } catch (const core::ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("the coordinator pod lmbench-fleet-test-coordinator ended (Failed) without the run"), std::string::npos) << m;
    EXPECT_NE(m.find("not every worker connected in time (1 of 2; missing: 1)"), std::string::npos) << m;
  }
  EXPECT_EQ(c.tools.calls(), (Calls{
                                 Cluster::k("apply -f -"),
                                 Cluster::k(kStatus),
                                 Cluster::k(kStatus),
                                 Cluster::k(kStatus),
                                 Cluster::k(kLogs),
                                 Cluster::k(kDelete),
                             }));
}

// An apply the API server refuses may still have created some objects: they are deleted too.
TEST(KubePlacement, AFailedApplyIsStillTornDown) {
  Cluster c;
  c.tools.fail("apply");
  try {
    run_fleet(c.job(), c.options(2), c.clock);
    FAIL() << "expected an error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("error validating data"), std::string::npos) << e.what();
  }
  EXPECT_EQ(c.tools.calls(), (Calls{Cluster::k("apply -f -"), Cluster::k(kDelete)}));
}

// A coordinator pod that never leaves Pending (an image that cannot be pulled) fails the run
// after start_timeout, and is deleted.
TEST(KubePlacement, ACoordinatorStuckPendingTimesOutAndIsTornDown) {
  Cluster c;
  c.status({"Pending/"});
  auto options = c.options(2);
  options.kubernetes->start_timeout = 300ms;
  try {
    run_fleet(c.job(), options, c.clock);
    FAIL() << "expected an error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did not start within 0.3 s (status 'Pending/'"), std::string::npos) << e.what();
  }
  const auto calls = c.tools.calls();
  ASSERT_GE(calls.size(), 4u);
  EXPECT_EQ(calls.front(), deploy::testing::words(Cluster::k("apply -f -")));
  for (std::size_t i = 1; i + 1 < calls.size(); ++i) EXPECT_EQ(calls[i], deploy::testing::words(Cluster::k(kStatus)));
  EXPECT_EQ(calls.back(), deploy::testing::words(Cluster::k(kDelete)));
}

// A delete that fails after the run was fetched: the run is kept, with a note saying what may be
// left and how to delete it.
TEST(KubePlacement, ATeardownThatFailsIsANoteWithTheCommand) {
  Cluster c;
  c.flag("fail-delete");
  const FleetRun run = run_fleet(c.job(), c.options(2), c.clock);
  EXPECT_EQ(run.run.records.size(), 3u);
  ASSERT_EQ(run.notes.size(), 1u);
  EXPECT_NE(run.notes[0].find("may be left in the cluster"), std::string::npos) << run.notes[0];
  EXPECT_NE(run.notes[0].find("delete them with: " + c.kubectl.string() +
                              " --context gke --namespace bench delete job,pod,service,configmap,secret -l lmbench.io/fleet-run=lmbench-fleet-test"),
            std::string::npos)
      << run.notes[0];
}

// Only a baseline with a Service in a cluster can be measured from the cluster: nothing is
// applied for one without.
TEST(KubePlacement, NoInClusterServiceIsAClearErrorBeforeAnyCall) {
  Cluster c;
  auto options = c.options(2);
  options.kubernetes->base_url.clear();
  try {
    run_fleet(c.job(), options, c.clock);
    FAIL() << "expected an error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("only Kubernetes (Direct-ProductionStack) and Helm (Helm-ProductionStack, LLM-D) baselines"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(c.tools.calls().empty());
}

// The calls of a run interrupted by a real SIGINT (Ctrl-C) that the stand-in sends to this
// process during status call number `at`, and what came of it. Death tests: a stop cannot be
// undone within a process.
std::string interrupted_run(int at, bool ready_after_stop, std::vector<std::string> expected) {
  core::install_interrupt_handlers();
  Cluster c;
  c.status({"Pending/", "Running/false"});
  c.flag("interrupt-at", std::to_string(at));
  if (ready_after_stop) c.flag("ready-after-stop");
  auto options = c.options(2);
  options.kubernetes->stop_grace = 500ms;
  std::string outcome;
  try {
    const FleetRun run = run_fleet(c.job(), options, c.clock);
    outcome = fmt::format("reason={} records={}", load::to_string(run.run.reason), run.run.records.size());
  } catch (const core::ConfigError& e) {
    outcome = std::string("error=") + e.what();
  }
  Calls want{};
  for (const auto& e : expected) want.push_back(deploy::testing::words(Cluster::k(e)));
  const auto calls = c.tools.calls();
  std::string got;
  for (const auto& call : calls) got += deploy::testing::joined(call) + "\n";
  return (calls == want ? std::string("calls=exact ") : "calls=\n" + got) + outcome;
}

TEST(KubePlacementDeathTest, CtrlCWhileRunningStopsTheWorkersFetchesWhatWasSentAndTearsDown) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::fprintf(stderr, "%s\n", interrupted_run(2, true, {"apply -f -", kStatus, kStatus, kTouch, kStatus, kCat, kDelete}).c_str());
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "calls=exact reason=interrupted records=3");
}

TEST(KubePlacementDeathTest, CtrlCBeforeTheCoordinatorRunsTearsDown) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::fprintf(stderr, "%s\n", interrupted_run(1, true, {"apply -f -", kStatus, kDelete}).c_str());
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "calls=exact error=workers: interrupted before the start");
}

TEST(KubePlacementDeathTest, CtrlCThatTheCoordinatorDoesNotAnswerStillTearsDown) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const auto run = [] {
    core::install_interrupt_handlers();
    Cluster c;
    c.status({"Running/false"});
    c.flag("interrupt-at", "1");
    auto options = c.options(2);
    options.kubernetes->stop_grace = 300ms;
    std::string outcome;
    try {
      run_fleet(c.job(), options, c.clock);
      outcome = "no error";
    } catch (const core::ConfigError& e) {
      outcome = e.what();
    }
    const auto calls = c.tools.calls();
    const bool shape = calls.size() >= 5 && calls[0] == deploy::testing::words(Cluster::k("apply -f -")) &&
                       calls[2] == deploy::testing::words(Cluster::k(kTouch)) &&
                       calls.back() == deploy::testing::words(Cluster::k(kDelete));
    return "shape=" + std::to_string(shape) + " " + outcome;
  };
  EXPECT_EXIT(
      {
        std::fprintf(stderr, "%s\n", run().c_str());
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "shape=1 workers: interrupted, and the coordinator did not hand over what was sent within 0.3 s");
}

}  // namespace
}  // namespace lmbench::fleet
