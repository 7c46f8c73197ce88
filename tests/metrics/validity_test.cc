// The verdict of a run on its own numbers, from records and client health made by hand.

#include "metrics/validity.h"

#include <gtest/gtest.h>

namespace lmbench::metrics {
namespace {

core::TimePoint at_ms(double ms) { return core::TimePoint{} + std::chrono::microseconds(static_cast<long long>(ms * 1000)); }

// `n` requests meant `gap_ms` apart, each sent `lag_ms(i)` late and answered.
std::vector<RequestRecord> records(int n, double gap_ms, double (*lag_ms)(int)) {
  std::vector<RequestRecord> out;
  for (int i = 0; i < n; ++i) {
    RequestRecord r;
    r.request_id = static_cast<std::uint64_t>(i);
    r.intended_send = at_ms(i * gap_ms);
    r.ready_send = r.intended_send;
    r.actual_send = at_ms(i * gap_ms + lag_ms(i));
    r.first_token = r.actual_send + std::chrono::milliseconds(20);
    r.end = r.first_token + std::chrono::milliseconds(50);
    r.output_tokens = 10;
    out.push_back(r);
  }
  return out;
}


Validity judge(const std::vector<RequestRecord>& recs, ClientHealth health = {}) {
  return judge_validity(recs, summarize(recs), health);
}

const ValidityCheck& check(const Validity& v, const std::string& name) {
  for (const auto& c : v.checks) {
    if (c.check == name) return c;
  }
  throw std::runtime_error("no check " + name);
}

TEST(Validity, ACalmRunIsValid) {
  const auto v = judge(records(100, 100, [](int) { return 0.3; }), {.cpu = ClientCpu{.thread_busy = 0.05, .thread_waiting = 0.01, .process_busy = 0.03, .cpus = 2}, .loop_stall_ms = 0.4});
  EXPECT_EQ(v.verdict, Verdict::kValid);
  EXPECT_TRUE(v.reasons().empty());
  EXPECT_EQ(v.checks.size(), 6u);  // lag, send rate, cpu, stall, unfinished, failures
  EXPECT_EQ(check(v, "client_lag").suspect_above, 10.0);  // 10% of the 100 ms gap beats the 2 ms budget
}

TEST(Validity, ClientLagIsJudgedAgainstTheGapOrTheBudget) {
  // 1 ms apart: the 2 ms budget applies; a p99 of 5 ms is suspect, of 50 ms invalid.
  auto v = judge(records(200, 1, [](int i) { return i % 50 == 0 ? 5.0 : 0.2; }));
  EXPECT_EQ(check(v, "client_lag").verdict, Verdict::kSuspect);
  EXPECT_EQ(v.verdict, Verdict::kSuspect);
  ASSERT_EQ(v.reasons().size(), 1u);
  EXPECT_EQ(v.reasons()[0].rfind("client_lag ", 0), 0u) << v.reasons()[0];
  EXPECT_NE(v.reasons()[0].find(" > 2 ms (suspect): client lag p99 "), std::string::npos) << v.reasons()[0];
  v = judge(records(200, 1, [](int i) { return i % 50 == 0 ? 50.0 : 0.2; }));
  EXPECT_EQ(v.verdict, Verdict::kInvalid);
}

TEST(Validity, AClosedLoopsWaitIsNotTheClientsLag) {
  // Sent 3 s after the slot, but the request only existed (the previous answer came) then.
  auto recs = records(50, 100, [](int) { return 3000.0; });
  for (auto& r : recs) r.ready_send = r.actual_send - std::chrono::microseconds(300);
  const auto v = judge(recs);
  EXPECT_EQ(check(v, "client_lag").verdict, Verdict::kValid);
  EXPECT_NEAR(check(v, "client_lag").figure, 0.3, 1e-6);
}

TEST(Validity, CpuStallsAndUnansweredRequests) {
  auto recs = records(100, 100, [](int) { return 0.1; });
  EXPECT_EQ(judge(recs, {.cpu = ClientCpu{.thread_busy = 0.8}}).verdict, Verdict::kSuspect);
  EXPECT_EQ(judge(recs, {.cpu = ClientCpu{.thread_busy = 0.97}}).verdict, Verdict::kInvalid);
  // Starved: on a CPU a little, waiting for one most of the time.
  EXPECT_EQ(judge(recs, {.cpu = ClientCpu{.thread_busy = 0.2, .thread_waiting = 0.75}}).verdict, Verdict::kInvalid);
  // Another thread of the client took every CPU the process may use.
  EXPECT_EQ(judge(recs, {.cpu = ClientCpu{.thread_busy = 0.1, .process_busy = 0.99, .cpus = 1}}).verdict,
            Verdict::kInvalid);
  // A 10 ms stall: suspect at scale 1; at time scale 5 it is 50 ms of the run's time, and the
  // thresholds scale with it.
  // Stalls are judged on the requests in flight during them (p99 over the run): one 40 ms hiccup
  // that touched 1 request in 100 is named, not held against the run...
  recs[50].loop_stall = std::chrono::milliseconds(40);
  auto v = judge(recs, {.loop_stall_ms = 40});
  EXPECT_EQ(check(v, "loop_stall").verdict, Verdict::kValid);
  EXPECT_NE(check(v, "loop_stall").detail.find("stalled up to 40.0 ms; 1 of 100 requests were in flight during a stall"),
            std::string::npos)
      << check(v, "loop_stall").detail;
  // ... but 10 ms stalls under 5 requests in 100 are: suspect at scale 1, and at time scale 5
  // they are 50 ms of the run's time, against thresholds scaled alike.
  for (int i = 0; i < 5; ++i) recs[static_cast<std::size_t>(10 + i)].loop_stall = std::chrono::milliseconds(10);
  recs[50].loop_stall = {};
  v = judge(recs, {.loop_stall_ms = 10, .time_scale = 5});
  EXPECT_EQ(check(v, "loop_stall").verdict, Verdict::kSuspect);
  EXPECT_DOUBLE_EQ(check(v, "loop_stall").figure, 50);
  for (int i = 0; i < 5; ++i) recs[static_cast<std::size_t>(10 + i)].loop_stall = std::chrono::milliseconds(40);
  EXPECT_EQ(judge(recs, {.loop_stall_ms = 40}).verdict, Verdict::kInvalid);
  for (auto& r : recs) r.loop_stall = {};
  recs[7].outcome = Outcome::kCancelled;
  v = judge(recs);
  EXPECT_EQ(check(v, "unfinished").verdict, Verdict::kSuspect);  // 1 of 100: not beyond 1%
  recs[8].outcome = Outcome::kCancelled;
  EXPECT_EQ(judge(recs).verdict, Verdict::kInvalid);
  EXPECT_EQ(judge(recs, {.engine_lag_p99_ms = 20}).checks.back().verdict, Verdict::kInvalid);
  // 0.5 ms of wall time is within the simulator's 1 ms goal; 1.5 ms is not: at time scale 5 that
  // is 7.5 ms of the run's time, against thresholds scaled alike.
  EXPECT_EQ(check(judge(recs, {.time_scale = 5, .engine_lag_p99_ms = 0.5}), "engine_lag").verdict, Verdict::kValid);
  v = judge(recs, {.time_scale = 5, .engine_lag_p99_ms = 1.5});
  EXPECT_EQ(check(v, "engine_lag").verdict, Verdict::kSuspect);
  EXPECT_DOUBLE_EQ(check(v, "engine_lag").figure, 7.5);
  EXPECT_DOUBLE_EQ(check(v, "engine_lag").suspect_above, 5.0);
  // At time scale 100 the same 0.5 ms is 50 ms of the run's time; thresholds stop at scale 5's.
  v = judge(recs, {.time_scale = 100, .engine_lag_p99_ms = 0.5});
  EXPECT_EQ(check(v, "engine_lag").verdict, Verdict::kInvalid);
  EXPECT_DOUBLE_EQ(check(v, "engine_lag").invalid_above, 25.0);
}

TEST(Validity, AClientThatFallsBehindSendsTooSlowly) {
  // Meant 10 ms apart, but every send 10 ms later than the one before: the window is 2x as long.
  auto recs = records(100, 10, [](int i) { return i * 10.0; });
  auto v = judge(recs);
  EXPECT_EQ(check(v, "send_rate").verdict, Verdict::kInvalid);
  EXPECT_NEAR(check(v, "send_rate").figure, 0.5, 1e-9);
  // 10% slower: suspect.
  v = judge(records(100, 10, [](int i) { return i * 10.0 / 0.9 - i * 10.0; }));
  EXPECT_EQ(check(v, "send_rate").verdict, Verdict::kSuspect);
  // A closed loop whose answers came late allowed no more: not the client's shortfall.
  for (auto& r : recs) r.ready_send = r.actual_send;
  EXPECT_EQ(check(judge(recs), "send_rate").verdict, Verdict::kValid);
}

TEST(Validity, FailuresAreCountedByKind) {
  auto recs = records(100, 100, [](int) { return 0.1; });
  recs[3].outcome = Outcome::kFailed;
  recs[3].error_kind = "http_500";
  auto v = judge(recs);
  EXPECT_EQ(check(v, "failures").verdict, Verdict::kSuspect);
  EXPECT_EQ(check(v, "failures").detail, "1 of 100 requests failed (http_500 1): the latencies are the survivors'");
  for (int i = 10; i < 21; ++i) {
    recs[static_cast<std::size_t>(i)].outcome = Outcome::kFailed;
    recs[static_cast<std::size_t>(i)].error_kind = "timeout";
  }
  v = judge(recs);
  EXPECT_EQ(check(v, "failures").verdict, Verdict::kInvalid);  // 12%
  EXPECT_EQ(check(v, "failures").detail, "12 of 100 requests failed (http_500 1, timeout 11): the latencies are the survivors'");
}

TEST(Validity, JsonHasTheVerdictReasonsAndEveryCheck) {
  const auto v = judge(records(100, 100, [](int) { return 0.1; }),
                       {.cpu = ClientCpu{.thread_busy = 0.9, .thread_waiting = 0.05, .process_busy = 0.5, .cpus = 2}});
  const auto j = validity_json(v);
  EXPECT_EQ(j["verdict"], "invalid");
  ASSERT_EQ(j["reasons"].size(), 1u);
  EXPECT_EQ(j["reasons"][0],
            "client_cpu 95% > 90% (invalid): the load thread was on a CPU 90% of the run and waiting for one 5%; "
            "the process used 50% of the 2 CPUs it may run on");
  EXPECT_EQ(j["checks"].size(), 5u);  // lag, send rate, cpu, unfinished, failures
  EXPECT_EQ(j["checks"][2]["check"], "client_cpu");
  EXPECT_EQ(j["checks"][2]["unit"], "share");
}

}  // namespace
}  // namespace lmbench::metrics
