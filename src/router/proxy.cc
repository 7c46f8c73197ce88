#include "router/proxy.h"

#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "router/proxy_state.h"

namespace lmbench::router {

using json = nlohmann::json;

namespace {

BackendPool make_pool(const std::vector<std::string>& urls) {
  auto pool = BackendPool::create(urls);
  if (!pool) throw core::ConfigError("--backend: " + pool.error().message);
  return std::move(*pool);
}

http::ClientOptions side_options(std::chrono::milliseconds timeout) {
  http::ClientOptions o;
  o.connect_timeout = timeout;
  o.first_byte_timeout = timeout;
  o.idle_timeout = timeout;
  return o;
}

}  // namespace

Proxy::State::State(http::EventLoop& l, const core::Clock& c, ProxyOptions o)
    : loop(l), clock(c), options(std::move(o)), pool(make_pool(options.backends)), stats(options.stats_window) {
  policy = make_policy(options.routing_logic, options.policy, stats);
  upstream = std::make_unique<http::Client>(loop.context(), clock, options.upstream);
  health = std::make_unique<http::Client>(loop.context(), clock, side_options(options.health_timeout));
  lookups = std::make_unique<http::Client>(loop.context(), clock, side_options(options.lookup_timeout));
  id_salt = core::random_u32();
}

std::string Proxy::State::new_request_id() { return fmt::format("rtr-{:08x}{:08x}", id_salt, ++next_id); }

http::Router Proxy::State::routes() {
  http::Router r;
  const std::weak_ptr<State> weak = weak_from_this();
  const auto generate = [weak](const http::ServerRequest& req, std::shared_ptr<http::ResponseWriter> w) {
    if (auto s = weak.lock()) s->handle_generate(req, w);
  };
  r.on_stream("POST", "/v1/completions", generate);
  r.on_stream("POST", "/v1/chat/completions", generate);
  r.on_stream("GET", "/v1/models", [weak](const http::ServerRequest&, std::shared_ptr<http::ResponseWriter> w) {
    if (auto s = weak.lock()) s->handle_models(w);
  });
  r.on_stream("GET", "/lmbench/info", [weak](const http::ServerRequest&, std::shared_ptr<http::ResponseWriter> w) {
    if (auto s = weak.lock()) s->handle_info(w);
  });
  r.on("GET", "/health", [weak](const http::ServerRequest&) {
    auto s = weak.lock();
    const std::size_t live = s ? s->pool.live().size() : 0;
    const std::size_t total = s ? s->pool.all().size() : 0;
    const json body = {{"status", live > 0 ? "healthy" : "unhealthy"}, {"live_backends", live}, {"backends", total}};
    return http::ServerResponse::json(live > 0 ? 200 : 503, body.dump());
  });
  r.on("GET", "/metrics", [weak](const http::ServerRequest&) {
    auto s = weak.lock();
    return http::ServerResponse::text(200, s ? s->metrics.render(s->pool) : "",
                                      "text/plain; version=0.0.4; charset=utf-8");
  });
  return r;
}

void Proxy::State::handle_models(const std::shared_ptr<http::ResponseWriter>& w) {
  const auto live = pool.live();
  if (live.empty()) {
    w->respond(http::ServerResponse::json(503, http::error_json(503, "no healthy backend", "ServiceUnavailableError")));
    return;
  }
  // Answers are gathered in live (url) order so the union's order is stable.
  struct Gather {
    std::vector<std::string> bodies;
    std::size_t remaining = 0;
  };
  auto g = std::make_shared<Gather>();
  g->bodies.resize(live.size());
  g->remaining = live.size();
  for (std::size_t i = 0; i < live.size(); ++i) {
    http::Request req;
    req.url = pool.find(live[i].url)->base.with_path("/v1/models");
    health->start(std::move(req), std::make_shared<Collect>([g, i, w](const core::Error* err, int status, std::string body) {
      if (!err && status == 200) g->bodies[i] = std::move(body);
      if (--g->remaining > 0) return;
      json data = json::array();
      std::set<std::string> ids;
      for (const auto& b : g->bodies) {
        const json j = json::parse(b, nullptr, false);
        if (j.is_discarded() || !j.contains("data") || !j["data"].is_array()) continue;
        for (const auto& m : j["data"]) {
          if (m.is_object() && m.contains("id") && m["id"].is_string() && ids.insert(m["id"].get<std::string>()).second) {
            data.push_back(m);
          }
        }
      }
      if (ids.empty()) {
        w->respond(http::ServerResponse::json(502, http::error_json(502, "no backend answered GET /v1/models", "BadGatewayError")));
        return;
      }
      w->respond(http::ServerResponse::json(200, json{{"object", "list"}, {"data", data}}.dump()));
    }));
  }
}

void Proxy::State::handle_info(const std::shared_ptr<http::ResponseWriter>& w) {
  // A client (lmbench bench) asks for the simulator's time scale: relay the first live backend's
  // answer, and say a router stands in front.
  const auto live = pool.live();
  if (live.empty()) {
    w->respond(http::ServerResponse::json(503, http::error_json(503, "no healthy backend", "ServiceUnavailableError")));
    return;
  }
  http::Request req;
  req.url = pool.find(live.front().url)->base.with_path("/lmbench/info");
  const std::string logic = options.routing_logic;
  const std::size_t backends = pool.all().size();
  health->start(std::move(req), std::make_shared<Collect>([w, logic, backends](const core::Error* err, int status, std::string body) {
    json j = err ? json() : json::parse(body, nullptr, false);
    if (err || status != 200 || !j.is_object()) {
      w->respond(http::ServerResponse::json(502, http::error_json(502, "the backend did not answer GET /lmbench/info", "BadGatewayError")));
      return;
    }
    j["router"] = {{"routing_logic", logic}, {"backends", backends}};
    w->respond(http::ServerResponse::json(200, j.dump()));
  }));
}

void Proxy::State::set_healthy(Backend& b, bool healthy, const std::string& why) {
  if (b.healthy == healthy) return;
  b.healthy = healthy;
  b.last_health_error = healthy ? "" : why;
  if (healthy) {
    spdlog::info("router: backend {} is back", b.url);
  } else {
    spdlog::warn("router: backend {} taken out: {}", b.url, why);
  }
}

void Proxy::State::schedule_health_checks() {
  const std::weak_ptr<State> weak = weak_from_this();
  loop.call_after(options.health_interval, [weak] {
    auto s = weak.lock();
    if (!s || s->stopped) return;
    s->check_health();
    s->schedule_health_checks();
  });
}

void Proxy::State::check_health() {
  const std::weak_ptr<State> weak = weak_from_this();
  for (auto& b : pool.all()) {
    if (!health_pending.insert(b.url).second) continue;  // the previous check has not finished
    http::Request req;
    req.url = b.base.with_path("/health");
    health->start(std::move(req), std::make_shared<Collect>([weak, url = b.url](const core::Error* err, int status, std::string) {
      auto s = weak.lock();
      if (!s) return;
      s->health_pending.erase(url);
      Backend* b = s->pool.find(url);
      if (!b || s->stopped) return;
      if (err) {
        s->set_healthy(*b, false, "health check: " + err->message);
      } else if (status != 200) {
        s->set_healthy(*b, false, fmt::format("health check: HTTP {}", status));
      } else {
        s->set_healthy(*b, true, "");
      }
    }));
  }
}

Proxy::Proxy(http::EventLoop& loop, const core::Clock& clock, ProxyOptions options)
    : state_(std::make_shared<State>(loop, clock, std::move(options))) {
  http::ServerOptions so;
  so.server_name = "lmbench-router";
  so.idle_timeout = std::chrono::milliseconds(600'000);
  state_->server = std::make_unique<http::Server>(loop.context(), state_->routes(), so);
}

Proxy::~Proxy() { state_->server->stop(); }

core::Result<std::uint16_t> Proxy::listen(const std::string& host, std::uint16_t port) {
  auto bound = state_->server->listen(host, port);
  if (bound) state_->schedule_health_checks();
  return bound;
}

void Proxy::stop() {
  state_->server->stop();
  // The clients belong to the loop's thread.
  state_->loop.post([weak = std::weak_ptr<State>(state_)] {
    auto s = weak.lock();
    if (!s) return;
    s->stopped = true;
    s->upstream->cancel_all();
    s->lookups->cancel_all();
    s->health->cancel_all();
  });
}

}  // namespace lmbench::router
