#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <optional>
#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/client.h"
#include "http/client_support.h"
#include "http/event_loop.h"
#include "http/scripted_server.h"
#include "http/server.h"
#include "http/sse.h"

namespace lmbench::http {
namespace {

using namespace std::chrono_literals;
using lmbench::testing::Collected;
namespace t = lmbench::testing;

core::SteadyClock clock_;

std::string base(const Server& s) { return "http://127.0.0.1:" + std::to_string(s.port()); }

Router sample_router() {
  Router r;
  r.on("GET", "/health", [](const ServerRequest&) { return ServerResponse::text(200, "ok"); });
  r.on("POST", "/echo", [](const ServerRequest& req) {
    return ServerResponse::json(200, nlohmann::json{{"body", req.body},
                                                    {"user", std::string(req.header("x-user-id"))},
                                                    {"query", req.query}}
                                         .dump());
  });
  r.on("GET", "/api/runs/*", [](const ServerRequest& req) { return ServerResponse::text(200, "run " + req.path.substr(10)); });
  r.on("GET", "/api/runs/special", [](const ServerRequest&) { return ServerResponse::text(200, "exact"); });
  r.on("GET", "/throws", [](const ServerRequest&) -> ServerResponse { throw std::runtime_error("boom"); });
  r.on("GET", "/teapot", [](const ServerRequest&) -> ServerResponse {
    throw HttpError(429, "slow down", "rate_limit_error", "x");
  });
  return r;
}

TEST(Server, RoutesAndKeepsConnectionsAlive) {
  BackgroundLoop bg;
  Server server(bg.context(), sample_router());
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  EventLoop loop;
  Client client(loop.context(), clock_);
  Collected h = t::run_one(loop, client, t::get(base(server) + "/health"));
  ASSERT_FALSE(h.error) << h.error->message;
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "ok");
  EXPECT_EQ(find_header(h.headers, "server"), "lmbench");
  Request echo = t::get(base(server) + "/echo?a=1");
  echo.method = "POST";
  echo.body = "payload";
  echo.content_type = "text/plain";
  echo.headers = {{"x-user-id", "42"}};
  Collected e = t::run_one(loop, client, echo);
  ASSERT_FALSE(e.error);
  const auto j = nlohmann::json::parse(e.body);
  EXPECT_EQ(j["body"], "payload");
  EXPECT_EQ(j["user"], "42");
  EXPECT_EQ(j["query"], "a=1");
  EXPECT_EQ(t::run_one(loop, client, t::get(base(server) + "/api/runs/abc")).body, "run abc");
  EXPECT_EQ(t::run_one(loop, client, t::get(base(server) + "/api/runs/special")).body, "exact");
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST(Server, TurnsEveryFailureIntoAJsonError) {
  BackgroundLoop bg;
  Server server(bg.context(), sample_router());
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  EventLoop loop;
  Client client(loop.context(), clock_);
  struct Case {
    std::string method, path;
    int status;
    std::string type;
  };
  for (const Case& c : {Case{"GET", "/nope", 404, "not_found_error"}, Case{"DELETE", "/health", 405, "method_not_allowed"},
                        Case{"GET", "/throws", 500, "internal_server_error"}, Case{"GET", "/teapot", 429, "rate_limit_error"}}) {
    Request r = t::get(base(server) + c.path);
    r.method = c.method;
    const Collected got = t::run_one(loop, client, r);
    ASSERT_FALSE(got.error);
    EXPECT_EQ(got.status, c.status) << c.path;
    EXPECT_EQ(find_header(got.headers, "content-type"), "application/json");
    const auto j = nlohmann::json::parse(got.body);
    EXPECT_EQ(j["error"]["type"], c.type) << got.body;
    EXPECT_EQ(j["error"]["code"], c.status);
    EXPECT_TRUE(j["error"]["message"].is_string());
  }
  const auto boom = nlohmann::json::parse(t::run_one(loop, client, t::get(base(server) + "/throws")).body);
  EXPECT_NE(boom["error"]["message"].get<std::string>().find("boom"), std::string::npos);
  const auto slow = nlohmann::json::parse(t::run_one(loop, client, t::get(base(server) + "/teapot")).body);
  EXPECT_EQ(slow["error"]["param"], "x");
  // The connection survived every error.
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST(Server, RejectsBodiesOverTheLimit) {
  BackgroundLoop bg;
  ServerOptions options;
  options.max_body_bytes = 1000;
  Server server(bg.context(), sample_router(), options);
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  EventLoop loop;
  Client client(loop.context(), clock_);
  Request r = t::get(base(server) + "/echo");
  r.method = "POST";
  r.body = std::string(1001, 'x');
  const Collected big = t::run_one(loop, client, r);
  ASSERT_FALSE(big.error) << big.error->message;
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(nlohmann::json::parse(big.body)["error"]["code"], 413);
  r.body = std::string(1000, 'x');
  EXPECT_EQ(t::run_one(loop, client, r).status, 200);
}

// A raw client connection to the server (a client Beast would not send what these tests send).
int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{5, 0};  // no read in these tests may hang
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

TEST(Server, AnswersMalformedRequestsWith400) {
  BackgroundLoop bg;
  Server server(bg.context(), sample_router());
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  // A raw client: Beast's client would not send this.
  EventLoop loop;
  t::ScriptedServer unused([](int, const t::ReceivedRequest&) { return std::vector<t::Step>{}; });
  (void)unused;
  const int fd = connect_to(server.port());
  const std::string junk = "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n";
  ASSERT_EQ(::write(fd, junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
  std::string answer;
  char buf[1024];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) answer.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"code\":400"), std::string::npos);
}

// A client whose chunk-size line never ends: the server keeps at most a bounded buffer of bytes
// it has not parsed yet and closes the connection, instead of growing with the line (before: it
// read all 64 MiB into memory and waited for more).
TEST(Server, AnEndlessChunkSizeLineIsCutOffNotBuffered) {
  BackgroundLoop bg;
  Server server(bg.context(), sample_router());
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  const int fd = connect_to(server.port());
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_EQ(::write(fd, head.data(), head.size()), static_cast<ssize_t>(head.size()));
  const std::string zeros(1 << 20, '0');  // "000...": a chunk size that never ends
  std::size_t sent = 0;
  for (int i = 0; i < 64; ++i) {
    const ssize_t n = ::send(fd, zeros.data(), zeros.size(), MSG_NOSIGNAL);
    if (n <= 0) break;  // the server closed the connection (EPIPE / ECONNRESET) or stopped reading
    sent += static_cast<std::size_t>(n);
  }
  ::close(fd);
  EXPECT_LT(sent, std::size_t{32} << 20) << "the server read " << sent << " bytes of one chunk-size line";
}

// Counts body pieces where another thread can see them.
class CountingHandler final : public ResponseHandler {
 public:
  void on_body(std::string_view d, core::TimePoint) override {
    body += d;
    pieces.fetch_add(1);
  }
  void on_complete(const core::Error* e, core::TimePoint) override {
    if (e) error = *e;
    done = true;
  }
  std::string body;
  std::atomic<int> pieces{0};
  std::optional<core::Error> error;
  bool done = false;
};

TEST(Server, StreamsChunksFromAProducerOnAnotherThread) {
  BackgroundLoop bg;
  std::vector<std::thread> producers;
  auto handler = std::make_shared<CountingHandler>();
  Router router;
  router.on_stream("POST", "/stream", [&](const ServerRequest& req, std::shared_ptr<ResponseWriter> w) {
    const int n = std::stoi(req.body);
    w->begin_stream(200, "text/event-stream", {{"Cache-Control", "no-cache"}});
    producers.emplace_back([w, n, handler] {
      for (int i = 0; i < n; ++i) {
        w->write(sse_event(std::to_string(i)));
        // The next event only once the client has this one: each must have been flushed on its
        // own (a server that buffered would stall here until the deadline).
        const auto deadline = std::chrono::steady_clock::now() + 2s;
        while (handler->pieces.load() < i + 1 && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(1ms);
        }
      }
      w->write(std::string(kSseDone));
      w->end();
    });
  });
  Server server(bg.context(), std::move(router));
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  EventLoop loop;
  Client client(loop.context(), clock_);
  Request r = t::get(base(server) + "/stream");
  r.method = "POST";
  r.body = "5";
  const auto t0 = std::chrono::steady_clock::now();
  client.start(r, handler);
  while (!handler->done) loop.run_for(5ms);
  ASSERT_FALSE(handler->error) << handler->error->message;
  EXPECT_EQ(handler->body, "data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: [DONE]\n\n");
  EXPECT_GE(handler->pieces.load(), 5);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);  // no producer waited for its deadline
  // Head of the streamed response, and the same connection carries the next request.
  r.body = "1";
  const Collected again = t::run_one(loop, client, r);
  EXPECT_EQ(again.body, "data: 0\n\ndata: [DONE]\n\n");
  EXPECT_EQ(find_header(again.headers, "transfer-encoding"), "chunked");
  EXPECT_EQ(find_header(again.headers, "cache-control"), "no-cache");
  EXPECT_EQ(client.stats().connections_opened, 1u);
  bg.run_sync([] {});
  for (auto& p : producers) p.join();
}

TEST(Server, ProducerSeesTheClientGoAway) {
  BackgroundLoop bg;
  std::shared_ptr<ResponseWriter> writer;
  std::atomic<bool> got_writer{false};
  Router router;
  router.on_stream("GET", "/forever", [&](const ServerRequest&, std::shared_ptr<ResponseWriter> w) {
    w->begin_stream();
    w->write(sse_event("first"));
    writer = w;
    got_writer = true;
  });
  Server server(bg.context(), std::move(router));
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  {
    EventLoop loop;
    Client client(loop.context(), clock_);
    Collected c;
    const RequestId id = client.start(t::get(base(server) + "/forever"), std::make_shared<t::Collector>(c));
    while (c.pieces.empty()) loop.run_for(5ms);
    client.cancel(id);
    while (!c.done) loop.run_for(5ms);
  }
  ASSERT_TRUE(got_writer);
  // Writes fail once the server notices; the producer is told by write() returning false.
  bool open = true;
  for (int i = 0; i < 200 && open; ++i) {
    open = writer->write(sse_event("more"));
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_FALSE(open);
  EXPECT_TRUE(writer->closed());
}

TEST(Server, StopClosesStreamsAndTellsProducers) {
  BackgroundLoop bg;
  std::shared_ptr<ResponseWriter> writer;
  Router router;
  router.on_stream("GET", "/forever", [&](const ServerRequest&, std::shared_ptr<ResponseWriter> w) {
    w->begin_stream();
    w->write(sse_event("first"));
    writer = w;
  });
  auto server = std::make_unique<Server>(bg.context(), std::move(router));
  const auto port = server->listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  EventLoop loop;
  Client client(loop.context(), clock_);
  Collected c;
  client.start(t::get("http://127.0.0.1:" + std::to_string(*port) + "/forever"), std::make_shared<t::Collector>(c));
  while (c.pieces.empty()) loop.run_for(5ms);
  server->stop();
  while (!c.done) loop.run_for(5ms);
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->kind, "reset") << c.error->message;
  bg.run_sync([] {});
  EXPECT_TRUE(writer->closed());
  EXPECT_FALSE(writer->write("late"));
  // No longer accepting.
  const Collected refused = t::run_one(loop, client, t::get("http://127.0.0.1:" + std::to_string(*port) + "/forever"));
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(refused.error->kind, "connect");
  server.reset();
}

// Everything the server sends until it closes the connection (or 5 s pass).
std::string read_to_end(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

std::string get_health(int fd) {
  const std::string req = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  return read_to_end(fd);
}

// Connections past ServerOptions::max_connections are answered 503 and closed at once; once
// one closes, a new one is served again.
TEST(Server, ConnectionsPastTheCapGet503AndAreClosed) {
  BackgroundLoop bg;
  ServerOptions options;
  options.max_connections = 2;
  Server server(bg.context(), sample_router(), options);
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  const int a = connect_to(server.port());
  const int b = connect_to(server.port());
  std::this_thread::sleep_for(50ms);  // both accepted
  const int c = connect_to(server.port());
  const std::string refused = read_to_end(c);  // without sending anything
  ::close(c);
  EXPECT_EQ(refused.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << refused;
  EXPECT_NE(refused.find("too many connections"), std::string::npos) << refused;
  // The two within the cap are served.
  EXPECT_EQ(get_health(a).rfind("HTTP/1.1 200", 0), 0u);
  ::close(a);
  std::this_thread::sleep_for(50ms);  // the server sees it closed
  const int d = connect_to(server.port());
  EXPECT_EQ(get_health(d).rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(get_health(b).rfind("HTTP/1.1 200", 0), 0u);
  ::close(b);
  ::close(d);
}

// A client that never reads a stream: the server queues at most ServerOptions::max_queued_bytes
// of it, then closes the connection and tells the producer to stop (write() returns false),
// instead of buffering everything the producer makes.
TEST(Server, ClientThatNeverReadsIsClosedAtTheQueueBound) {
  BackgroundLoop bg;
  std::shared_ptr<ResponseWriter> writer;
  std::atomic<bool> got_writer{false};
  Router router;
  router.on_stream("GET", "/firehose", [&](const ServerRequest&, std::shared_ptr<ResponseWriter> w) {
    w->begin_stream();
    writer = w;
    got_writer = true;
  });
  ServerOptions options;
  options.max_queued_bytes = 1 << 20;
  options.write_timeout = 60s;  // not what ends it
  Server server(bg.context(), std::move(router), options);
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  const int fd = connect_to(server.port());
  const std::string req = "GET /firehose HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  while (!got_writer) std::this_thread::sleep_for(1ms);

  // The producer writes 64 KiB pieces as fast as it can, up to 256 MiB. What the kernel's socket
  // buffers take (a few MiB on loopback) plus the bound is all that may be accepted.
  const std::string piece(64 << 10, 'x');
  std::size_t accepted = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (accepted < (std::size_t{256} << 20) && writer->write(piece)) accepted += piece.size();
  EXPECT_LT(accepted, std::size_t{64} << 20) << "the server buffered " << accepted << " bytes for a client that never read";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  EXPECT_TRUE(writer->closed());
  EXPECT_FALSE(writer->write("more"));
  // The connection is closed: what reached the socket, then the end (no 60 s write timeout).
  const auto t1 = std::chrono::steady_clock::now();
  const std::string got = read_to_end(fd);
  EXPECT_LT(std::chrono::steady_clock::now() - t1, 4s);
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_LT(got.size(), accepted + 4096);
  ::close(fd);
}

TEST(Server, ListenErrorsAreValues) {
  BackgroundLoop bg;
  Server a(bg.context(), sample_router());
  const auto port = a.listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  Server b(bg.context(), sample_router());
  const auto clash = b.listen("127.0.0.1", *port);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().kind, "listen");
  EXPECT_FALSE(b.listen("not-an-ip", 0).ok());
}

TEST(ErrorJson, HasTheOpenAiShape) {
  EXPECT_EQ(error_json(400, "bad \"x\"", "", "max_tokens"),
            R"({"error":{"message":"bad \"x\"","type":"invalid_request_error","param":"max_tokens","code":400}})");
  EXPECT_EQ(error_json(503, "busy"),
            R"({"error":{"message":"busy","type":"service_unavailable","param":null,"code":503}})");
}

}  // namespace
}  // namespace lmbench::http
