#include "fake_engine.h"

#include <stdexcept>

#include "http/sse.h"

namespace lmbench::router::testing {

FakeEngine::FakeEngine(std::string model, int chunks, std::chrono::milliseconds gap)
    : model_(std::move(model)), chunks_(chunks), gap_(gap) {
  http::Router r;
  const auto generate = [this](const http::ServerRequest& req, std::shared_ptr<http::ResponseWriter> w) {
    ++requests_;
    {
      std::lock_guard lock(mu_);
      last_request_id_ = std::string(req.header("X-Request-Id"));
      last_user_ = std::string(req.header("x-user-id"));
    }
    http::Headers h = {{"X-Request-Id", std::string(req.header("X-Request-Id"))}};
    w->begin_stream(200, "text/event-stream", h);
    std::lock_guard lock(mu_);
    producers_.emplace_back([this, w] {
      for (int i = 0; i < chunks_; ++i) {
        if (i > 0) std::this_thread::sleep_for(gap_);
        if (!w->write(http::sse_event(R"({"choices":[{"text":"t)" + std::to_string(i) + R"("}]})"))) return;
      }
      w->write(std::string(http::kSseDone));
      w->end();
    });
  };
  r.on_stream("POST", "/v1/completions", generate);
  r.on_stream("POST", "/v1/chat/completions", generate);
  r.on("GET", "/v1/models", [this](const http::ServerRequest&) {
    return http::ServerResponse::json(200, R"({"object":"list","data":[{"id":")" + model_ + R"(","object":"model"}]})");
  });
  r.on("GET", "/health", [this](const http::ServerRequest&) { return http::ServerResponse::text(health_status_.load(), ""); });
  server_ = std::make_unique<http::Server>(loop_.context(), std::move(r));
  auto port = server_->listen("127.0.0.1", 0);
  if (!port) throw std::runtime_error(port.error().message);
  port_ = *port;
}

FakeEngine::~FakeEngine() {
  server_->stop();
  std::vector<std::thread> producers;
  {
    std::lock_guard lock(mu_);
    producers.swap(producers_);
  }
  for (auto& t : producers) t.join();
  loop_.run_sync([this] { server_.reset(); });
}

std::string FakeEngine::last_request_id() const {
  std::lock_guard lock(mu_);
  return last_request_id_;
}

std::string FakeEngine::last_user() const {
  std::lock_guard lock(mu_);
  return last_user_;
}

}  // namespace lmbench::router::testing
