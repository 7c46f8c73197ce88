// The usage to copy: an HTTP server on an ephemeral loopback port whose handler streams
// server-sent events produced elsewhere (here a thread; in the simulator, the engine).

#include <gtest/gtest.h>

#include <thread>

#include "http/client.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "http/sse.h"

namespace lmbench::http {
namespace {

TEST(ServerExample, StreamSseOnPortZero) {
  // 1. A loop with a thread of its own runs the server.
  BackgroundLoop server_loop;
  std::vector<std::thread> producers;

  // 2. Routes. A streaming handler keeps the writer and returns at once; the producer writes
  //    events from wherever it runs and ends the stream.
  Router router;
  router.on_stream("POST", "/v1/completions", [&](const ServerRequest&, std::shared_ptr<ResponseWriter> w) {
    w->begin_stream(200, "text/event-stream");
    producers.emplace_back([w] {
      for (const char* token : {"Hello", " world"}) {
        if (!w->write(sse_event(std::string("{\"choices\":[{\"text\":\"") + token + "\"}]}"))) return;
      }
      w->write(std::string(kSseDone));
      w->end();
    });
  });
  router.on("GET", "/health", [](const ServerRequest&) { return ServerResponse::text(200, "ok"); });

  // 3. Listen on port 0 and read the port back.
  Server server(server_loop.context(), std::move(router));
  const core::Result<std::uint16_t> port = server.listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.error().message;

  // 4. Any client can now talk to it; here the project's own, one request, whole body.
  core::SteadyClock clock;
  Request req;
  req.method = "POST";
  req.url = *Url::parse("http://127.0.0.1:" + std::to_string(*port) + "/v1/completions");
  req.body = "{}";
  req.content_type = "application/json";
  const auto res = fetch(req, clock);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->body,
            "data: {\"choices\":[{\"text\":\"Hello\"}]}\n\n"
            "data: {\"choices\":[{\"text\":\" world\"}]}\n\n"
            "data: [DONE]\n\n");

  // 5. Shut down: stop the server, then join producers (they see write() return false if a
  //    client went away).
  server.stop();
  for (auto& p : producers) p.join();
}

}  // namespace
}  // namespace lmbench::http
