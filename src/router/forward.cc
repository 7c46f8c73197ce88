// The generation path of the proxy: read the request, (kvaware) ask the engines, route, relay.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

#include "http/sse.h"
#include "router/proxy_state.h"

namespace lmbench::router {

using json = nlohmann::json;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the client sets itself are not forwarded.
bool forwarded(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kDropped = {
      "host",    "connection", "keep-alive",    "proxy-connection", "te",           "trailer",
      "upgrade", "transfer-encoding", "content-length", "content-type", "x-request-id", "expect"};
  return std::none_of(kDropped.begin(), kDropped.end(), [&](std::string_view d) { return iequals(d, name); });
}

// Relays one upstream attempt to the client as it arrives.
class Relay final : public http::ResponseHandler {
 public:
  Relay(std::weak_ptr<Proxy::State> state, std::shared_ptr<Exchange> ex) : state_(std::move(state)), ex_(std::move(ex)) {}

  void on_head(const http::ResponseHead& head, core::TimePoint) override {
    ex_->head_sent = true;
    std::string type(head.header("content-type"));
    if (type.empty()) type = "application/json";
    ex_->event_stream = type.find("text/event-stream") != std::string::npos;
    http::Headers h = {{kBackendHeader, ex_->backend}, {"X-Request-Id", ex_->request_id}};
    ex_->writer->begin_stream(head.status, std::move(type), std::move(h));
  }

  void on_body(std::string_view data, core::TimePoint) override {
    if (ex_->client_gone || ex_->writer->write(std::string(data))) return;
    // The client went away: stop the engine's work too. Cancelled from a fresh handler, not
    // from inside the client's own callback.
    ex_->client_gone = true;
    if (auto s = state_.lock()) {
      s->loop.post([weak = state_, id = ex_->upstream_id] {
        if (auto s2 = weak.lock()) s2->upstream->cancel(id);
      });
    }
  }

  void on_complete(const core::Error* error, core::TimePoint) override {
    if (auto s = state_.lock()) {
      s->finish_attempt(ex_, error);
    } else if (!ex_->head_sent) {
      ex_->writer->respond(http::ServerResponse::json(503, http::error_json(503, "router stopping")));
    } else {
      ex_->writer->end();
    }
  }

 private:
  std::weak_ptr<Proxy::State> state_;
  std::shared_ptr<Exchange> ex_;
};

}  // namespace

void Proxy::State::respond_error(const std::shared_ptr<Exchange>& ex, int status, const std::string& message,
                                 const std::string& type) {
  auto res = http::ServerResponse::json(status, http::error_json(status, message, type));
  res.headers.emplace_back("X-Request-Id", ex->request_id);
  if (!ex->backend.empty()) res.headers.emplace_back(kBackendHeader, ex->backend);
  ex->writer->respond(std::move(res));
}

void Proxy::State::handle_generate(const http::ServerRequest& req, const std::shared_ptr<http::ResponseWriter>& w) {
  auto ex = std::make_shared<Exchange>();
  ex->writer = w;
  ex->request_id = std::string(req.header("X-Request-Id"));
  if (ex->request_id.empty()) ex->request_id = new_request_id();
  const bool chat = req.path == "/v1/chat/completions";
  auto fields = parse_request_fields(req.body, chat, options.policy.session_key,
                                     options.policy.session_key.empty() ? std::string_view{} : req.header(options.policy.session_key),
                                     {.prompt = policy->needs_prompt(), .lookup_body = policy->needs_cache_lookup()});
  if (!fields) {
    metrics.on_rejected("invalid_request");
    respond_error(ex, 400, fields.error().message, "BadRequestError");
    return;
  }
  ex->target = req.target;
  ex->body = req.body;
  ex->content_type = std::string(req.header("content-type"));
  if (ex->content_type.empty()) ex->content_type = "application/json";
  for (const auto& [k, v] : req.headers) {
    if (forwarded(k)) ex->headers.emplace_back(k, v);
  }
  ex->headers.emplace_back("X-Request-Id", ex->request_id);
  ex->input.session_id = std::move(fields->session_id);
  ex->input.prompt = std::move(fields->prompt);
  ex->lookup_body = std::move(fields->lookup_body);
  ex->attempts_left = options.failover_attempts;
  if (policy->needs_cache_lookup()) {
    lookup_then_route(ex);
  } else {
    route_and_send(ex);
  }
}

void Proxy::State::lookup_then_route(const std::shared_ptr<Exchange>& ex) {
  const auto live = pool.live();
  if (live.empty()) {
    route_and_send(ex);  // answers 503
    return;
  }
  auto remaining = std::make_shared<std::size_t>(live.size());
  const std::weak_ptr<State> weak = weak_from_this();
  for (const auto& c : live) {
    http::Request req;
    req.method = "POST";
    req.url = pool.find(c.url)->base.with_path(kCacheLookupPath);
    req.body = ex->lookup_body;
    req.content_type = "application/json";
    lookups->start(std::move(req), std::make_shared<Collect>([weak, ex, remaining, url = c.url](
                                                                 const core::Error* err, int status, std::string body) {
      // A failed lookup counts as "nothing cached there".
      if (!err && status == 200) {
        const json j = json::parse(body, nullptr, false);
        if (j.is_object() && j.contains("total_tokens") && j["total_tokens"].is_number_integer()) {
          CacheHit h{url, j["total_tokens"].get<std::int64_t>(), 0};
          if (j.contains("prompt_tokens") && j["prompt_tokens"].is_number_integer()) {
            h.prompt_tokens = j["prompt_tokens"].get<std::int64_t>();
          }
          ex->input.cache_hits.push_back(std::move(h));
        }
      }
      if (--*remaining > 0) return;
      auto s = weak.lock();
      if (!s || s->stopped) {
        ex->writer->respond(http::ServerResponse::json(503, http::error_json(503, "router stopping")));
        return;
      }
      s->route_and_send(ex);
    }));
  }
}

void Proxy::State::route_and_send(const std::shared_ptr<Exchange>& ex) {
  const auto live = pool.live(ex->tried);
  if (live.empty()) {
    metrics.on_rejected("no_backend");
    respond_error(ex, 503, ex->tried.empty() ? "no healthy backend to route to" : "no other healthy backend to fail over to",
                  "ServiceUnavailableError");
    return;
  }
  ex->input.now = clock.now();
  const Decision d = policy->route(ex->input, live);
  metrics.on_decision(std::string(policy->name()), d.outcome);
  Backend* b = pool.find(d.url);
  send(ex, *b);
}

void Proxy::State::send(const std::shared_ptr<Exchange>& ex, Backend& b) {
  ++b.in_flight;
  ++b.requests;
  stats.on_arrival(b.url, clock.now());
  ex->tried.insert(b.url);
  ex->backend = b.url;
  http::Request req;
  req.method = "POST";
  req.url = b.base.with_path(ex->target);
  req.headers = ex->headers;
  // The body is needed again only if this attempt may be retried elsewhere.
  req.body = ex->attempts_left > 0 ? ex->body : std::move(ex->body);
  req.content_type = ex->content_type;
  ex->upstream_id = upstream->start(std::move(req), std::make_shared<Relay>(weak_from_this(), ex));
}

void Proxy::State::finish_attempt(const std::shared_ptr<Exchange>& ex, const core::Error* error) {
  Backend* b = pool.find(ex->backend);
  if (b && b->in_flight > 0) --b->in_flight;
  if (!error) {
    ex->writer->end();
    return;
  }
  if (ex->client_gone) {
    ex->writer->end();
    return;
  }
  if (b) {
    ++b->errors[error->kind];
    // The engine is gone (refused, or dropped what it was serving): take it out now rather than
    // at the next health check, so the requests that follow go elsewhere.
    if (error->kind == "connect" || error->kind == "reset") set_healthy(*b, false, error->kind + ": " + error->message);
  }
  const std::string what = fmt::format("upstream {} failed ({}): {}", ex->backend, error->kind, error->message);
  if (!ex->head_sent) {
    if (error->kind == "connect" && ex->attempts_left > 0 && !stopped) {
      --ex->attempts_left;
      route_and_send(ex);
      return;
    }
    respond_error(ex, error->kind == "timeout" ? 504 : 502, what, error->kind == "timeout" ? "GatewayTimeoutError" : "BadGatewayError");
    return;
  }
  // The head (and maybe part of the stream) is out: the status cannot change. Say what happened
  // in the stream and end it without [DONE], so the client records a failure.
  if (ex->event_stream) ex->writer->write(http::sse_event(http::error_json(502, what, "BadGatewayError")));
  ex->writer->end();
}

}  // namespace lmbench::router
