#pragma once
// The routing reverse proxy: an http::Server and an http::Client on ONE event loop, so that every
// handler, upstream callback, policy call and counter update happens on that loop's thread and
// needs no lock.
//
//   POST /v1/completions, /v1/chat/completions  routed by the policy; the upstream response is
//        relayed piece by piece as it arrives (never buffered), with headers
//        x-lmbench-backend: <backend url> and X-Request-Id (the client's, or a new one).
//   GET  /v1/models   the union (by id) of every live backend's models
//   GET  /health      200 while a backend is live, else 503
//   GET  /metrics     router_metrics.h
//
// A backend is taken out when a health check (GET <url>/health) or a proxied connect fails, and
// put back when a health check passes. A request whose upstream fails before its response head
// gets an OpenAI error JSON (502 connect/reset, 504 timeout, 503 when no backend is live); with
// failover_attempts > 0 a connect failure is first retried on another live backend. A failure
// after the head ends the stream with an SSE error event and no [DONE].

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "router/policy.h"

namespace lmbench::router {

inline constexpr const char* kBackendHeader = "x-lmbench-backend";
inline constexpr const char* kCacheLookupPath = "/lmbench/cache_lookup";

struct ProxyOptions {
  std::vector<std::string> backends;
  std::string routing_logic = "roundrobin";
  PolicyOptions policy;
  int failover_attempts = 0;  // production-stack's --max-instance-failover-reroute-attempts
  std::chrono::milliseconds health_interval{1000};
  std::chrono::milliseconds health_timeout{1000};
  std::chrono::milliseconds lookup_timeout{2000};
  std::chrono::seconds stats_window{60};  // QPS fallback window
  http::ClientOptions upstream;            // timeouts of proxied requests
};

class Proxy {
 public:
  // `loop` and `clock` must outlive the proxy; the proxy's handlers run on whichever thread runs
  // `loop`. Destroy the proxy on the loop's thread or once the loop no longer runs.
  // Throws core::ConfigError for an unknown policy or a bad backend url.
  Proxy(http::EventLoop& loop, const core::Clock& clock, ProxyOptions options);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // Binds and starts health checks. Call before running the loop, or on its thread.
  core::Result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
  // Stops accepting, cancels upstream requests and health checks. Any thread; the loop may then
  // be stopped once it has run the posted work.
  void stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lmbench::router
