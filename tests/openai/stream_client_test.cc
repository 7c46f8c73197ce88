// The OpenAI streaming client end to end: http::Client + StreamHandler against real servers on
// 127.0.0.1 — an OpenAI-shaped server built on http::Server and the server_api formatters, and
// the raw scripted server for faults, exact bytes and exact emission times.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "core/files.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "http/scripted_server.h"
#include "openai/fake_openai.h"
#include "http/server.h"
#include "http/sse.h"
#include "openai/models.h"
#include "openai/request.h"
#include "openai/server_api.h"
#include "openai/stream.h"

namespace lmbench::openai {
namespace {

using namespace std::chrono_literals;
namespace t = lmbench::testing;

core::SteadyClock clock_;

struct Outcome {
  StreamResult result;
  core::TimePoint started{};
};

std::vector<Outcome> stream_all(http::EventLoop& loop, http::Client& client, const std::vector<http::Request>& requests) {
  std::vector<Outcome> out(requests.size());
  std::size_t done = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    out[i].started = clock_.now();
    client.start(requests[i], std::make_shared<StreamHandler>([&out, &done, i](StreamResult& r) {
                   out[i].result = std::move(r);
                   ++done;
                 }));
  }
  while (done < requests.size()) loop.run_for(5ms);
  return out;
}

Outcome stream_one(http::EventLoop& loop, http::Client& client, const http::Request& request) {
  return stream_all(loop, client, {request}).front();
}

RequestParams params(Api api, std::string model = "base-model") {
  RequestParams p;
  p.api = api;
  p.model = std::move(model);
  p.max_tokens = 4;
  if (api == Api::kChat) {
    p.messages = {{"user", "hi"}};
  } else {
    p.prompt = "hi";
  }
  return p;
}

TEST(OpenAiClient, BothApisWithAndWithoutUsage) {
  FakeOpenAi server;
  http::EventLoop loop;
  http::Client client(loop.context(), clock_);
  for (Api api : {Api::kCompletions, Api::kChat}) {
    for (bool usage : {true, false}) {
      RequestParams p = params(api);
      p.include_usage = usage;
      const Outcome o = stream_one(loop, client, make_request(server.url(), p, {{"x-user-id", "1"}}));
      const StreamResult& r = o.result;
      ASSERT_TRUE(r.ok) << r.error.kind << ": " << r.error.message;
      EXPECT_EQ(r.http_status, 200);
      EXPECT_EQ(r.text, "Hello from the server");
      EXPECT_EQ(r.chunk_times.size(), 4u);
      EXPECT_EQ(r.finish_reason, "length");
      EXPECT_TRUE(r.saw_done);
      EXPECT_EQ(r.usage.has_value(), usage);
      if (usage) {
        EXPECT_EQ(*r.usage, (Usage{7, 4, 11}));
      }
      EXPECT_LE(o.started, r.sent);
      EXPECT_LE(r.sent, r.first_token);
      EXPECT_LE(r.chunk_times.back(), r.end);
    }
  }
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST(OpenAiClient, ManyConcurrentStreams) {
  FakeOpenAi server;
  http::EventLoop loop;
  http::Client client(loop.context(), clock_);
  std::vector<http::Request> reqs;
  for (int i = 0; i < 40; ++i) reqs.push_back(make_request(server.url(), params(i % 2 ? Api::kChat : Api::kCompletions)));
  for (const Outcome& o : stream_all(loop, client, reqs)) {
    ASSERT_TRUE(o.result.ok) << o.result.error.message;
    EXPECT_EQ(o.result.text, "Hello from the server");
  }
}

TEST(OpenAiClient, ErrorAnswersBecomeFailures) {
  FakeOpenAi server;
  http::EventLoop loop;
  http::Client client(loop.context(), clock_);
  const Outcome busy = stream_one(loop, client, make_request(server.url(), params(Api::kChat, "busy")));
  EXPECT_FALSE(busy.result.ok);
  EXPECT_EQ(busy.result.error.kind, "http_429");
  EXPECT_EQ(busy.result.error.message, "HTTP 429: too many requests");
  const Outcome broken = stream_one(loop, client, make_request(server.url(), params(Api::kCompletions, "broken")));
  EXPECT_EQ(broken.result.error.kind, "http_500");
  EXPECT_EQ(broken.result.error.message, "HTTP 500: engine crashed");
  RequestParams bad = params(Api::kCompletions);
  bad.max_tokens = 0;
  http::Request r = make_request(server.url(), bad);
  r.body = R"({"model":"m","prompt":"x","max_tokens":-1,"stream":true})";
  const Outcome invalid = stream_one(loop, client, r);
  EXPECT_EQ(invalid.result.error.kind, "http_400");
  EXPECT_NE(invalid.result.error.message.find("max_tokens"), std::string::npos);
  http::Request missing = make_request(server.url(), params(Api::kChat));
  missing.url = server.url().with_path("v1/nothing");
  EXPECT_EQ(stream_one(loop, client, missing).result.error.kind, "http_404");
  EXPECT_TRUE(stream_one(loop, client, make_request(server.url(), params(Api::kChat))).result.ok);
}

TEST(OpenAiClient, ErrorEventInsideA200Stream) {
  t::ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<t::Step>{t::write(t::chunked_head() + t::chunk("data: {\"choices\":[{\"text\":\"x\"}]}\n\n") +
                                         t::chunk("data: {\"object\":\"error\",\"message\":\"out of KV cache\",\"type\":\"InternalServerError\",\"code\":500}\n\n") +
                                         t::chunk("data: [DONE]\n\n") + t::kLastChunk)};
  });
  http::EventLoop loop;
  http::Client client(loop.context(), clock_);
  const Outcome o = stream_one(loop, client, make_request(*http::Url::parse(server.url()), params(Api::kCompletions)));
  EXPECT_EQ(o.result.error.kind, "stream_error");
  EXPECT_EQ(o.result.error.message, "out of KV cache (InternalServerError)");
}

TEST(OpenAiClient, ResetMidStream) {
  const std::string wire = core::read_file(std::filesystem::path(LMBENCH_SOURCE_DIR) / "tests/openai/data/chat_stream.sse");
  t::ScriptedServer server([&](int, const t::ReceivedRequest&) {
    return std::vector<t::Step>{t::write(t::chunked_head() + t::chunk(wire.substr(0, 900))), t::pause(5ms), t::reset()};
  });
  http::EventLoop loop;
  http::Client client(loop.context(), clock_);
  const Outcome o = stream_one(loop, client, make_request(*http::Url::parse(server.url()), params(Api::kChat)));
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.error.kind, "reset") << o.result.error.message;
  EXPECT_GE(o.result.chunk_times.size(), 1u);  // tokens before the reset are still counted
}

TEST(OpenAiClient, StalledServerTimesOut) {
  t::ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<t::Step>{t::write(t::chunked_head() + t::chunk("data: {\"choices\":[{\"text\":\"x\"}]}\n\n")), t::stall()};
  });
  http::EventLoop loop;
  http::ClientOptions options;
  options.idle_timeout = 120ms;
  http::Client client(loop.context(), clock_, options);
  const Outcome o = stream_one(loop, client, make_request(*http::Url::parse(server.url()), params(Api::kCompletions)));
  EXPECT_EQ(o.result.error.kind, "timeout");
  EXPECT_EQ(o.result.text, "x");
  EXPECT_GE(o.result.end - o.result.first_token, 120ms);
}

// What a response may make the client hold is bounded, and each bound is settable: a line, an
// event and an answer (StreamLimits, through StreamHandler), the whole body (ClientOptions). A
// response over one fails as "malformed" naming it, at once: the servers here then stall, so a
// client that kept reading would wait for its idle timeout instead.
TEST(OpenAiClient, LineEventAnswerAndBodyLimitsFailTheRequestAsMalformed) {
  const std::string content = "data: {\"choices\":[{\"text\":\"" + std::string(1000, 'a') + "\"}]}\n\n";
  t::ScriptedServer server([&](int index, const t::ReceivedRequest&) {
    std::string body;
    if (index == 0) body = "data: " + std::string(10'000, 'x');       // a line that never ends
    if (index == 1) {
      for (int i = 0; i < 100; ++i) body += "data: " + std::string(99, 'y') + "\n";  // no blank line
    }
    if (index == 2 || index == 3) {
      for (int i = 0; i < 10; ++i) body += content;  // 10 kB of answer, 10.5 kB of body
    }
    return std::vector<t::Step>{t::write(t::chunked_head() + t::chunk(body)), t::stall()};
  });
  http::EventLoop loop;
  http::ClientOptions client_options;
  client_options.idle_timeout = 10s;
  http::Client client(loop.context(), clock_, client_options);
  const StreamLimits limits{.max_line_bytes = 4096, .max_event_bytes = 4096, .max_answer_bytes = 4096};
  const auto request = make_request(*http::Url::parse(server.url()), params(Api::kCompletions));
  const auto stream_limited = [&] {
    std::optional<StreamResult> out;
    const auto t0 = std::chrono::steady_clock::now();
    client.start(request, std::make_shared<StreamHandler>([&](StreamResult& r) { out = std::move(r); }, limits));
    while (!out) loop.run_for(5ms);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    return *out;
  };
  const StreamResult line = stream_limited();
  EXPECT_EQ(line.error.kind, "malformed");
  EXPECT_EQ(line.error.message, "an SSE line is longer than 4096 bytes (SseLimits::max_line_bytes)");
  const StreamResult event = stream_limited();
  EXPECT_EQ(event.error.kind, "malformed");
  EXPECT_EQ(event.error.message, "an SSE event's data is longer than 4096 bytes (SseLimits::max_event_bytes)");
  const StreamResult answer = stream_limited();
  EXPECT_EQ(answer.error.kind, "malformed");
  EXPECT_EQ(answer.error.message, "the answer is longer than 4096 bytes (StreamLimits::max_answer_bytes)");
  EXPECT_EQ(answer.text.size(), 4000u);  // the chunks within the limit
  EXPECT_FALSE(answer.ok);

  http::ClientOptions small_body = client_options;
  small_body.max_body_bytes = 8192;
  http::Client body_client(loop.context(), clock_, small_body);
  std::optional<StreamResult> body;
  body_client.start(request, std::make_shared<StreamHandler>([&](StreamResult& r) { body = std::move(r); }));
  while (!body) loop.run_for(5ms);
  EXPECT_EQ(body->error.kind, "malformed");
  EXPECT_EQ(body->error.message, "the response body is longer than 8192 bytes (ClientOptions::max_body_bytes)");
  EXPECT_EQ(server.requests().size(), 4u);
}

// The recorded stream over a real socket, its body cut in two writes at every byte boundary.
TEST(OpenAiClient, RecordedStreamSplitAtEveryByteBoundaryOverTcp) {
  const std::string wire = core::read_file(std::filesystem::path(LMBENCH_SOURCE_DIR) / "tests/openai/data/chat_stream.sse");
  t::ScriptedServer server([&](int index, const t::ReceivedRequest&) {
    const std::size_t cut = static_cast<std::size_t>(index) % (wire.size() + 1);
    return std::vector<t::Step>{t::write(t::length_head(200, wire.size(), "text/event-stream") + wire.substr(0, cut)),
                                t::pause(100us), t::write(wire.substr(cut))};
  });
  http::EventLoop loop;
  http::Client client(loop.context(), clock_);
  const http::Request req = make_request(*http::Url::parse(server.url()), params(Api::kChat));
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    const StreamResult r = stream_one(loop, client, req).result;
    ASSERT_TRUE(r.ok) << "cut " << cut << ": " << r.error.message;
    ASSERT_EQ(r.chunk_times.size(), 10u) << cut;
    ASSERT_EQ(r.usage->completion_tokens, 10) << cut;
    ASSERT_EQ(r.text, "Hello, w\xc3\xb6rld! \"quoted\" tab\there \xe6\x97\xa5\xe6\x9c\xac\n \xf0\x9f\x99\x82 end") << cut;
  }
  EXPECT_EQ(server.connections(), 1);
}

// TTFT, ITL and TPOT measured by the client against what a server did at known times. The
// worst of the nine comparisons must be within 2 ms. A thread descheduled for a few ms on a
// loaded 2-core machine shifts one stamp without any fault of the client's, so the stream is
// tried up to three times; a client that stamps wrongly is off on every try.
TEST(OpenAiClient, TimingMatchesWhatTheServerDid) {
  const std::vector<std::chrono::milliseconds> gaps = {40ms, 15ms, 5ms, 25ms, 10ms, 10ms};
  auto ms = [](core::Duration d) { return core::to_ms(d); };
  double best = 1e9;
  std::string best_detail;
  for (int attempt = 0; attempt < 3 && best >= 2.0; ++attempt) {
    t::ScriptedServer server([&](int, const t::ReceivedRequest&) {
      std::vector<t::Step> s{t::write(t::chunked_head())};
      for (std::size_t i = 0; i < gaps.size(); ++i) {
        s.push_back(t::pause(gaps[i]));
        s.push_back(t::write(t::chunk("data: {\"choices\":[{\"text\":\"t" + std::to_string(i) + "\"}]}\n\n")));
      }
      s.push_back(t::write(t::chunk("data: [DONE]\n\n") + t::kLastChunk));
      return s;
    });
    http::EventLoop loop;
    http::Client client(loop.context(), clock_);
    const Outcome o = stream_one(loop, client, make_request(*http::Url::parse(server.url()), params(Api::kCompletions)));
    ASSERT_TRUE(o.result.ok) << o.result.error.message;
    const auto writes = server.write_times(0, gaps.size() + 2);  // [head, token 0..5, done]
    const auto received = server.requests().at(0).received;
    ASSERT_EQ(writes.size(), gaps.size() + 2);
    const auto& chunks = o.result.chunk_times;
    ASSERT_EQ(chunks.size(), gaps.size());
    // And the server really did what it was told (so the comparison is not vacuous).
    EXPECT_GE(ms(writes[1] - received), 39.0);

    double worst = 0;
    std::string detail;
    auto compare = [&](const std::string& what, double client_ms, double server_ms) {
      const double d = std::abs(client_ms - server_ms);
      if (d > worst) {
        worst = d;
        detail = what + ": client " + std::to_string(client_ms) + " ms, server " + std::to_string(server_ms) + " ms";
      }
    };
    // TTFT: client send -> first token, against server receive -> first token written.
    compare("TTFT from send", ms(chunks[0] - o.result.sent), ms(writes[1] - received));
    compare("TTFT from start", ms(chunks[0] - o.started), ms(writes[1] - received));
    // Every ITL gap.
    for (std::size_t i = 1; i < chunks.size(); ++i) {
      compare("ITL gap " + std::to_string(i), ms(chunks[i] - chunks[i - 1]), ms(writes[i + 1] - writes[i]));
    }
    // TPOT = (last - first) / (n - 1).
    compare("TPOT", ms(chunks.back() - chunks.front()) / static_cast<double>(chunks.size() - 1),
            ms(writes[gaps.size()] - writes[1]) / static_cast<double>(gaps.size() - 1));
    if (worst < best) {
      best = worst;
      best_detail = detail;
    }
  }
  EXPECT_LT(best, 2.0) << "worst comparison of the best try: " << best_detail;
}

TEST(Models, ListsAndResolves) {
  FakeOpenAi server;
  auto models = fetch_models(server.url(), clock_);
  ASSERT_TRUE(models.ok()) << models.error().message;
  ASSERT_EQ(models->size(), 2u);
  EXPECT_EQ((*models)[0].id, "base-model");
  EXPECT_EQ((*models)[0].max_model_len, 4096);
  EXPECT_EQ((*models)[1].parent, "base-model");
  EXPECT_EQ(*resolve_model(*models, ""), "base-model");
  EXPECT_EQ(*resolve_model(*models, "lora-a"), "lora-a");
  auto missing = resolve_model(*models, "gpt-9");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, "model");
  EXPECT_NE(missing.error().message.find("base-model, lora-a"), std::string::npos);
  // Through a base URL ending in /v1 as well.
  EXPECT_TRUE(fetch_models(*http::Url::parse("http://127.0.0.1:" + std::to_string(server.url().port) + "/v1"), clock_).ok());
}

TEST(Models, FailuresAreValues) {
  t::ScriptedServer server([](int i, const t::ReceivedRequest&) {
    const std::string body = i == 0 ? R"({"error":{"message":"bad key","type":"authentication_error","code":401}})" : "not json";
    return std::vector<t::Step>{t::write(t::length_head(i == 0 ? 401 : 200, body.size()) + body)};
  });
  const auto base = *http::Url::parse(server.url());
  auto unauthorized = fetch_models(base, clock_);
  ASSERT_FALSE(unauthorized.ok());
  EXPECT_EQ(unauthorized.error().kind, "http_401");
  EXPECT_NE(unauthorized.error().message.find("bad key"), std::string::npos);
  auto garbage = fetch_models(base, clock_);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().kind, "malformed");
  EXPECT_EQ(parse_models(R"({"object":"list","data":[{"id":"x"}]})")->at(0).id, "x");
  EXPECT_FALSE(parse_models(R"({"data":[{"name":"x"}]})").ok());
}

}  // namespace
}  // namespace lmbench::openai
