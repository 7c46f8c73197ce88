// The proxy against small real backends on loopback (fake_engine.h): relaying, headers,
// /v1/models, /metrics, health, failures.

#include "router/proxy.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <map>
#include <optional>
#include <thread>

#include "fake_engine.h"
#include "proxy_harness.h"

namespace lmbench::router {
namespace {

using namespace std::chrono_literals;
using testing::call;
using testing::completion;
using testing::FakeEngine;
using testing::ProxyHarness;

ProxyOptions options(std::vector<std::string> backends, std::string logic = "roundrobin") {
  ProxyOptions o;
  o.backends = std::move(backends);
  o.routing_logic = std::move(logic);
  o.health_interval = 50ms;
  o.health_timeout = 500ms;
  return o;
}

// A port nothing listens on: one that was just bound and released.
std::string dead_url() {
  std::uint16_t port = 0;
  {
    FakeEngine gone("x", 1, 0ms);
    port = static_cast<std::uint16_t>(std::stoi(gone.url().substr(gone.url().rfind(':') + 1)));
  }
  return "http://127.0.0.1:" + std::to_string(port);
}

TEST(Proxy, RelaysAStreamChunkByChunkAsItArrives) {
  FakeEngine engine("m", 5, 80ms);
  ProxyHarness proxy(options({engine.url()}));
  const auto r = testing::stream(proxy.url() + "/v1/completions", completion("hi"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(http::find_header(r.headers, kBackendHeader), engine.url());
  EXPECT_NE(std::string(http::find_header(r.headers, "content-type")).find("text/event-stream"), std::string::npos);
  for (int i = 0; i < 5; ++i) EXPECT_NE(r.body.find("\"t" + std::to_string(i) + "\""), std::string::npos);
  EXPECT_NE(r.body.find("[DONE]"), std::string::npos);
  // Five events 80 ms apart must arrive as at least five pieces spread over >= 4 x 80 ms
  // (a buffering proxy would deliver one piece at the end).
  ASSERT_GE(r.arrivals.size(), 5u);
  const double spread_ms = core::to_ms(r.arrivals.back() - r.arrivals.front());
  EXPECT_GE(spread_ms, 280.0);
  const double first_ms = core::to_ms(r.arrivals.front() - r.sent);
  EXPECT_LT(first_ms, 200.0) << "the first event must not wait for the last";
}

TEST(Proxy, InjectsOrEchoesXRequestId) {
  FakeEngine engine("m", 1, 0ms);
  ProxyHarness proxy(options({engine.url()}));
  auto r = call(proxy.url() + "/v1/completions", completion("a"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::string injected(http::find_header(r->headers, "X-Request-Id"));
  EXPECT_EQ(injected.rfind("rtr-", 0), 0u) << injected;
  EXPECT_EQ(engine.last_request_id(), injected);
  r = call(proxy.url() + "/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}],"stream":true})",
           {{"X-Request-Id", "mine-1"}, {"x-user-id", "u7"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(http::find_header(r->headers, "X-Request-Id"), "mine-1");
  EXPECT_EQ(engine.last_request_id(), "mine-1");
  EXPECT_EQ(engine.last_user(), "u7") << "end-to-end headers are forwarded";
}

TEST(Proxy, ModelsAreTheUnionOfBackends) {
  FakeEngine a("model-a", 1, 0ms), b("model-b", 1, 0ms), c("model-a", 1, 0ms);
  ProxyHarness proxy(options({a.url(), b.url(), c.url()}));
  const auto r = call(proxy.url() + "/v1/models");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  const auto j = nlohmann::json::parse(r->body);
  std::set<std::string> ids;
  for (const auto& m : j["data"]) ids.insert(m["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"model-a", "model-b"}));
  EXPECT_EQ(j["data"].size(), 2u);
}

TEST(Proxy, MetricsCountRequestsAndDecisions) {
  FakeEngine a("m", 1, 0ms), b("m", 1, 0ms);
  ProxyHarness proxy(options({a.url(), b.url()}));
  for (int i = 0; i < 4; ++i) ASSERT_EQ(call(proxy.url() + "/v1/completions", completion("p"))->status, 200);
  ASSERT_EQ(call(proxy.url() + "/v1/completions", "{bad")->status, 400);
  EXPECT_EQ(a.requests(), 2);
  EXPECT_EQ(b.requests(), 2);
  const auto m = call(proxy.url() + "/metrics");
  ASSERT_TRUE(m.ok());
  for (const auto* e : {&a, &b}) {
    EXPECT_NE(m->body.find("lmbench_router_requests_total{backend=\"" + e->url() + "\"} 2"), std::string::npos) << m->body;
    EXPECT_NE(m->body.find("lmbench_router_in_flight{backend=\"" + e->url() + "\"} 0"), std::string::npos);
  }
  EXPECT_NE(m->body.find("lmbench_router_routing_decisions_total{policy=\"roundrobin\",outcome=\"roundrobin\"} 4"),
            std::string::npos);
  EXPECT_NE(m->body.find("lmbench_router_rejected_total{reason=\"invalid_request\"} 1"), std::string::npos);
}

TEST(Proxy, ConnectFailureIsAClearErrorAndTakesTheBackendOut) {
  const std::string dead = dead_url();
  auto o = options({dead});
  o.health_interval = 60s;  // the failed request, not a health check, must take it out
  ProxyHarness proxy(o);
  const auto r = call(proxy.url() + "/v1/completions", completion("p"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 502);
  const auto j = nlohmann::json::parse(r->body);
  const std::string message = j["error"]["message"];
  EXPECT_NE(message.find(dead), std::string::npos) << message;
  EXPECT_NE(message.find("connect"), std::string::npos) << message;
  EXPECT_EQ(j["error"]["code"], 502);
  // Now out: the router says so itself.
  const auto again = call(proxy.url() + "/v1/completions", completion("p"));
  EXPECT_EQ(again->status, 503);
  EXPECT_EQ(call(proxy.url() + "/health")->status, 503);
  const auto m = call(proxy.url() + "/metrics");
  EXPECT_NE(m->body.find("lmbench_router_upstream_errors_total{backend=\"" + dead + "\",kind=\"connect\"} 1"),
            std::string::npos)
      << m->body;
}

TEST(Proxy, FailoverAttemptsRetryARefusedConnectionElsewhere) {
  FakeEngine live("m", 1, 0ms);
  const std::string dead = dead_url();
  auto o = options({dead, live.url()});
  o.failover_attempts = 1;
  o.health_interval = 60s;  // only the failed connect may take the dead one out
  ProxyHarness proxy(o);
  // Round robin over sorted urls: make sure the dead one is tried at least once.
  for (int i = 0; i < 2; ++i) {
    const auto r = call(proxy.url() + "/v1/completions", completion("p"));
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(http::find_header(r->headers, kBackendHeader), live.url());
  }
  EXPECT_EQ(live.requests(), 2);
}

TEST(Proxy, HealthChecksTakeABackendOutAndPutItBack) {
  FakeEngine a("m", 1, 0ms), b("m", 1, 0ms);
  ProxyHarness proxy(options({a.url(), b.url()}));
  const std::string a_label = "backend=\"" + a.url() + "\"";
  const auto a_healthy = [&] { return testing::metric_sum(proxy.url(), "lmbench_router_backend_healthy", a_label); };
  a.set_health(503);
  ASSERT_TRUE(testing::wait_for([&] { return a_healthy() == 0.0; }, 10s)) << "the proxy never took a out";
  for (int i = 0; i < 4; ++i) ASSERT_EQ(call(proxy.url() + "/v1/completions", completion("p"))->status, 200);
  EXPECT_EQ(a.requests(), 0);
  EXPECT_EQ(b.requests(), 4);
  a.set_health(200);
  ASSERT_TRUE(testing::wait_for([&] { return a_healthy() == 1.0; }, 10s)) << "the proxy never put a back";
  for (int i = 0; i < 4; ++i) ASSERT_EQ(call(proxy.url() + "/v1/completions", completion("p"))->status, 200);
  EXPECT_EQ(a.requests(), 2);
}

TEST(Proxy, LeastLoadedSpreadsConcurrentStreams) {
  FakeEngine a("m", 8, 40ms), b("m", 8, 40ms), c("m", 8, 40ms);
  ProxyHarness proxy(options({a.url(), b.url(), c.url()}, "leastloaded"));
  std::vector<std::future<testing::Streamed>> runs;
  for (int i = 0; i < 6; ++i) {
    runs.push_back(std::async(std::launch::async, [&] { return testing::stream(proxy.url() + "/v1/completions", completion("p")); }));
    // Each arrives once the earlier ones are routed (and still stream: 8 chunks 40 ms apart).
    ASSERT_TRUE(testing::wait_for(
        [&] { return testing::metric_sum(proxy.url(), "lmbench_router_requests_total") == i + 1.0; }, 10s))
        << "request " << i << " was not routed";
  }
  for (auto& r : runs) EXPECT_EQ(r.get().status, 200);
  EXPECT_EQ(a.requests(), 2);
  EXPECT_EQ(b.requests(), 2);
  EXPECT_EQ(c.requests(), 2);
}

}  // namespace
}  // namespace lmbench::router
