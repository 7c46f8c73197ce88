#pragma once
// Internal to the proxy (proxy.cc, forward.cc, admin_routes.cc): the state every handler shares.
// Everything here is touched only on the loop's thread.

#include <memory>
#include <set>
#include <string>

#include "http/client.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "router/backend_pool.h"
#include "router/policy.h"
#include "router/proxy.h"
#include "router/request_fields.h"
#include "router/request_stats.h"
#include "router/router_metrics.h"

namespace lmbench::router {

// One client request on its way through the proxy (one or more upstream attempts).
struct Exchange {
  std::shared_ptr<http::ResponseWriter> writer;
  std::string target;  // "/v1/completions" etc., with the query
  std::string body;
  std::string content_type;
  http::Headers headers;  // forwarded upstream (hop-by-hop ones dropped), X-Request-Id included
  std::string request_id;
  std::string lookup_body;
  RouteInput input;
  std::set<std::string> tried;
  int attempts_left = 0;
  // The current attempt.
  std::string backend;
  http::RequestId upstream_id = 0;
  bool head_sent = false;
  bool event_stream = false;
  bool client_gone = false;
};

struct Proxy::State : std::enable_shared_from_this<Proxy::State> {
  State(http::EventLoop& loop, const core::Clock& clock, ProxyOptions options);

  http::Router routes();
  void handle_generate(const http::ServerRequest& req, const std::shared_ptr<http::ResponseWriter>& w);
  void handle_models(const std::shared_ptr<http::ResponseWriter>& w);
  void handle_info(const std::shared_ptr<http::ResponseWriter>& w);
  void lookup_then_route(const std::shared_ptr<Exchange>& ex);
  void route_and_send(const std::shared_ptr<Exchange>& ex);
  void send(const std::shared_ptr<Exchange>& ex, Backend& backend);
  void finish_attempt(const std::shared_ptr<Exchange>& ex, const core::Error* error);
  void respond_error(const std::shared_ptr<Exchange>& ex, int status, const std::string& message, const std::string& type);
  void schedule_health_checks();
  void check_health();
  void set_healthy(Backend& b, bool healthy, const std::string& why);
  std::string new_request_id();

  http::EventLoop& loop;
  const core::Clock& clock;
  ProxyOptions options;
  BackendPool pool;
  RequestStats stats;
  std::unique_ptr<RoutingPolicy> policy;
  RouterMetrics metrics;
  std::unique_ptr<http::Client> upstream;  // proxied requests
  std::unique_ptr<http::Client> health;    // health checks and /v1/models
  std::unique_ptr<http::Client> lookups;   // kvaware cache lookups
  std::unique_ptr<http::Server> server;
  std::set<std::string> health_pending;
  bool stopped = false;
  std::uint64_t next_id = 0;
  std::uint32_t id_salt = 0;
};

// A ResponseHandler that keeps the whole body and calls `done` once.
class Collect final : public http::ResponseHandler {
 public:
  using Done = std::function<void(const core::Error* error, int status, std::string body)>;
  explicit Collect(Done done) : done_(std::move(done)) {}
  void on_head(const http::ResponseHead& head, core::TimePoint) override { status_ = head.status; }
  void on_body(std::string_view data, core::TimePoint) override { body_.append(data); }
  void on_complete(const core::Error* error, core::TimePoint) override { done_(error, status_, std::move(body_)); }

 private:
  Done done_;
  int status_ = 0;
  std::string body_;
};

}  // namespace lmbench::router
