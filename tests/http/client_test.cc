#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "http/client.h"
#include "http/client_support.h"
#include "http/event_loop.h"
#include "http/scripted_server.h"

namespace lmbench::http {
namespace {

using namespace std::chrono_literals;
using lmbench::testing::Collected;
using lmbench::testing::ScriptedServer;
using lmbench::testing::Step;
namespace t = lmbench::testing;

core::SteadyClock clock_;

TEST(Client, ReadsAContentLengthBodyAndReusesTheConnection) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write(t::length_head(200, 5) + "hello")};
  });
  EventLoop loop;
  Client client(loop.context(), clock_);
  for (int i = 0; i < 3; ++i) {
    const Collected c = t::run_one(loop, client, t::get(server.url("/x")));
    ASSERT_FALSE(c.error) << c.error->message;
    EXPECT_EQ(c.status, 200);
    EXPECT_EQ(c.body, "hello");
    EXPECT_EQ(find_header(c.headers, "content-type"), "application/json");
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().connections_reused, 2u);
}

TEST(Client, SendsMethodBodyAuthAndExtraHeaders) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write(t::length_head(200, 0))};
  });
  EventLoop loop;
  ClientOptions options;
  ::setenv("LMBENCH_TEST_KEY", "sk-test-123", 1);
  options.bearer_token = bearer_from_env("LMBENCH_TEST_KEY");
  options.default_headers = {{"x-default", "d"}};
  Client client(loop.context(), clock_, options);
  Request r = t::get(server.url("/v1/completions"));
  r.method = "POST";
  r.body = "{\"prompt\":\"hi\"}";
  r.content_type = "application/json";
  r.headers = {{"x-user-id", "7"}};
  const Collected c = t::run_one(loop, client, r);
  ASSERT_FALSE(c.error);
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const std::string& head = reqs[0].head;
  EXPECT_EQ(head.rfind("POST /v1/completions HTTP/1.1\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Authorization: Bearer sk-test-123\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("x-user-id: 7\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("x-default: d\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: application/json\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"), std::string::npos) << head;
  EXPECT_EQ(reqs[0].body, "{\"prompt\":\"hi\"}");
  EXPECT_TRUE(bearer_from_env("LMBENCH_TEST_UNSET_VARIABLE").empty());
}

TEST(Client, StreamsChunkedBodyPieceByPieceWithArrivalTimes) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    std::vector<Step> s{t::write(t::chunked_head())};
    for (int i = 0; i < 4; ++i) {
      s.push_back(t::pause(50ms));  // long enough that a busy CI machine does not merge two reads
      s.push_back(t::write(t::chunk("data: " + std::to_string(i) + "\n\n")));
    }
    s.push_back(t::write(t::kLastChunk));
    return s;
  });
  EventLoop loop;
  Client client(loop.context(), clock_);
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_EQ(c.body, "data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\n");
  ASSERT_EQ(c.pieces.size(), 4u);
  const auto writes = server.write_times(0, 6);
  ASSERT_EQ(writes.size(), 6u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(c.pieces[i].first, "data: " + std::to_string(i) + "\n\n");
    // Stamped when it arrived: just after the server wrote it, well before the next write 50 ms
    // later. (The server thread stamps after its write returns, so either may come first; the
    // margin allows for a descheduled thread on a loaded 2-core machine.)
    const auto gap = c.pieces[i].second > writes[i + 1] ? c.pieces[i].second - writes[i + 1]
                                                          : writes[i + 1] - c.pieces[i].second;
    EXPECT_LT(gap, 20ms);
    if (i > 0) {
      EXPECT_GE(c.pieces[i].second - c.pieces[i - 1].second, 30ms);
    }
  }
  EXPECT_LE(c.sent, c.head);
  EXPECT_LE(c.pieces.back().second, c.end);
}

TEST(Client, ReadsABodyDelimitedByClose) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil-eof"), t::close()};
  });
  EventLoop loop;
  Client client(loop.context(), clock_);
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_EQ(c.body, "until-eof");
}

TEST(Client, HeadRequestsExpectNoBody) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write(t::length_head(200, 5))};  // Content-Length of a GET, no body
  });
  EventLoop loop;
  Client client(loop.context(), clock_);
  Request r = t::get(server.url());
  r.method = "HEAD";
  const Collected c = t::run_one(loop, client, r);
  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_EQ(c.status, 200);
  EXPECT_TRUE(c.body.empty());
  EXPECT_EQ(t::run_one(loop, client, r).status, 200);  // and the connection is still usable
  EXPECT_EQ(server.connections(), 1);
}

TEST(Client, RefusedConnectionIsAConnectError) {
  std::uint16_t port;
  {
    ScriptedServer closed([](int, const t::ReceivedRequest&) { return std::vector<Step>{}; });
    port = closed.port();
  }
  EventLoop loop;
  Client client(loop.context(), clock_);
  const Collected c = t::run_one(loop, client, t::get("http://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->kind, "connect");
  EXPECT_NE(c.error->message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << c.error->message;
  EXPECT_EQ(client.stats().open_connections, 0u);
}

TEST(Client, StalledServerHitsTheFirstByteTimeout) {
  ScriptedServer server([](int, const t::ReceivedRequest&) { return std::vector<Step>{t::stall()}; });
  EventLoop loop;
  ClientOptions options;
  options.first_byte_timeout = 150ms;
  Client client(loop.context(), clock_, options);
  const auto start = clock_.now();
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->kind, "timeout");
  EXPECT_NE(c.error->message.find("150 ms"), std::string::npos) << c.error->message;
  EXPECT_GE(c.end - start, 150ms);
  EXPECT_LT(c.end - start, 1s);
}

TEST(Client, ServerThatStopsMidBodyHitsTheIdleTimeout) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write(t::chunked_head() + t::chunk("data: 1\n\n")), t::stall()};
  });
  EventLoop loop;
  ClientOptions options;
  options.idle_timeout = 100ms;
  Client client(loop.context(), clock_, options);
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->kind, "timeout");
  EXPECT_EQ(c.body, "data: 1\n\n");
  EXPECT_GE(c.end - c.pieces.back().second, 100ms);
}

// A server that keeps a stream alive with a piece every 50 ms never trips the idle timeout; the
// total timeout ends the exchange as "timeout" (before: it went on for as long as the server did).
TEST(Client, ATrickleOfBytesHitsTheTotalTimeout) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    std::vector<Step> steps = {t::write(t::chunked_head())};
    for (int i = 0; i < 60; ++i) {
      steps.push_back(t::write(t::chunk("data: " + std::to_string(i) + "\n\n")));
      steps.push_back(t::pause(50ms));
    }
    steps.push_back(t::write(t::kLastChunk));
    return steps;
  });
  EventLoop loop;
  ClientOptions options;
  options.idle_timeout = 1000ms;
  options.total_timeout = 400ms;
  Client client(loop.context(), clock_, options);
  const auto started = clock_.now();
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->kind, "timeout");
  EXPECT_NE(c.error->message.find("did not end within 400 ms (total timeout)"), std::string::npos) << c.error->message;
  EXPECT_GE(c.end - started, 400ms);
  EXPECT_LT(c.end - started, 2000ms);  // the server would have gone on for 3 s
  EXPECT_FALSE(c.pieces.empty());
}

TEST(Client, ResetMidStreamIsAResetError) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write(t::chunked_head() + t::chunk("data: 1\n\n")), t::pause(10ms), t::reset()};
  });
  EventLoop loop;
  Client client(loop.context(), clock_);
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->kind, "reset") << c.error->message;
  EXPECT_EQ(c.status, 200);
  EXPECT_EQ(c.body, "data: 1\n\n");
}

TEST(Client, TruncatedBodyIsAnError) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write(t::length_head(200, 100) + "only-part"), t::close()};
  });
  EventLoop loop;
  Client client(loop.context(), clock_);
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_TRUE(c.error);
  EXPECT_TRUE(c.error->kind == "reset" || c.error->kind == "protocol") << c.error->kind;
}

TEST(Client, RetriesOnceWhenAKeptAliveConnectionWasClosed) {
  // The server answers without "Connection: close" and then closes: the next request finds the
  // pooled connection dead before any response byte and is sent again on a new connection.
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write(t::length_head(200, 2) + "ok"), t::pause(20ms), t::close()};
  });
  EventLoop loop;
  Client client(loop.context(), clock_);
  ASSERT_FALSE(t::run_one(loop, client, t::get(server.url())).error);
  loop.run_for(50ms);  // the server has closed meanwhile
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_EQ(c.body, "ok");
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_LE(client.stats().retries, 1u);
}

TEST(Client, ConnectionLimitQueuesRequestsInOrder) {
  ScriptedServer server([](int i, const t::ReceivedRequest&) {
    return std::vector<Step>{t::pause(10ms), t::write(t::length_head(200, 1) + std::to_string(i % 10))};
  });
  EventLoop loop;
  ClientOptions options;
  options.max_connections_per_origin = 1;
  Client client(loop.context(), clock_, options);
  std::vector<Request> reqs;
  for (int i = 0; i < 5; ++i) reqs.push_back(t::get(server.url("/" + std::to_string(i))));
  const auto out = t::run_all(loop, client, reqs);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_FALSE(out[i].error) << out[i].error->message;
    EXPECT_EQ(out[i].body, std::to_string(i));
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST(Client, CancelEndsARequestInFlight) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write(t::chunked_head() + t::chunk("x")), t::stall()};
  });
  EventLoop loop;
  Client client(loop.context(), clock_);
  Collected c;
  const RequestId id = client.start(t::get(server.url()), std::make_shared<t::Collector>(c));
  while (c.pieces.empty()) loop.run_for(5ms);
  client.cancel(id);
  while (!c.done) loop.run_for(5ms);
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->kind, "cancelled");
  EXPECT_EQ(client.stats().in_flight, 0u);
  EXPECT_EQ(client.stats().open_connections, 0u);
}

TEST(Client, CancelAllAlsoEndsRequestsWaitingForAConnection) {
  ScriptedServer server([](int, const t::ReceivedRequest&) { return std::vector<Step>{t::stall()}; });
  EventLoop loop;
  ClientOptions options;
  options.max_connections_per_origin = 1;
  Client client(loop.context(), clock_, options);
  std::vector<Collected> c(3);
  for (auto& x : c) client.start(t::get(server.url()), std::make_shared<t::Collector>(x));
  loop.run_for(30ms);
  EXPECT_EQ(client.stats().in_flight, 3u);
  client.cancel_all();
  while (!(c[0].done && c[1].done && c[2].done)) loop.run_for(5ms);
  for (auto& x : c) EXPECT_EQ(x.error->kind, "cancelled");
  EXPECT_EQ(client.stats().open_connections, 0u);
}

TEST(Client, FetchReturnsTheWholeResponse) {
  ScriptedServer server([](int, const t::ReceivedRequest&) {
    return std::vector<Step>{t::write(t::chunked_head(404, "application/json") + t::chunk("{\"a\":") + t::chunk("1}") +
                                      t::kLastChunk)};
  });
  auto r = fetch(t::get(server.url()), clock_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "{\"a\":1}");
  ScriptedServer stalled([](int, const t::ReceivedRequest&) { return std::vector<Step>{t::stall()}; });
  auto s = fetch(t::get(stalled.url()), clock_, {}, 100ms);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, "timeout");
}

class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cert_ = std::make_unique<t::SelfSignedCert>(); }
  static void TearDownTestSuite() { cert_.reset(); }
  static std::unique_ptr<t::SelfSignedCert> cert_;
  static std::vector<Step> answer(int, const t::ReceivedRequest&) {
    return {t::write(t::chunked_head() + t::chunk("data: secure\n\n") + t::kLastChunk)};
  }
};
std::unique_ptr<t::SelfSignedCert> Tls::cert_;

TEST_F(Tls, VerifiesAgainstAGivenCaFile) {
  ScriptedServer server(answer, {cert_->cert_file, cert_->key_file});
  EventLoop loop;
  ClientOptions options;
  options.ca_file = cert_->cert_file;
  Client client(loop.context(), clock_, options);
  const Collected c = t::run_one(loop, client, t::get(server.url("/s")));
  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_EQ(c.body, "data: secure\n\n");
  const Collected again = t::run_one(loop, client, t::get(server.url("/s")));
  ASSERT_FALSE(again.error);
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(Tls, RejectsAnUntrustedCertificate) {
  ScriptedServer server(answer, {cert_->cert_file, cert_->key_file});
  EventLoop loop;
  Client client(loop.context(), clock_);
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->kind, "tls");
  EXPECT_NE(c.error->message.find("certificate verify failed"), std::string::npos) << c.error->message;
}

TEST_F(Tls, RejectsAHostNameTheCertificateDoesNotName) {
  t::SelfSignedCert other("DNS:other.example");
  ScriptedServer server(answer, {other.cert_file, other.key_file});
  EventLoop loop;
  ClientOptions options;
  options.ca_file = other.cert_file;  // trusted, but issued for another name
  Client client(loop.context(), clock_, options);
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->kind, "tls");
}

TEST_F(Tls, VerificationCanBeTurnedOff) {
  ScriptedServer server(answer, {cert_->cert_file, cert_->key_file});
  EventLoop loop;
  ClientOptions options;
  options.verify_tls = false;
  Client client(loop.context(), clock_, options);
  const Collected c = t::run_one(loop, client, t::get(server.url()));
  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_EQ(c.body, "data: secure\n\n");
}

}  // namespace
}  // namespace lmbench::http
