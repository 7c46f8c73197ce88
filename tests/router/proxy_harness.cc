#include "proxy_harness.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace lmbench::router::testing {

ProxyHarness::ProxyHarness(ProxyOptions options) {
  proxy_ = std::make_unique<Proxy>(loop_, clock_, std::move(options));
  auto port = proxy_->listen("127.0.0.1", 0);
  if (!port) throw std::runtime_error(port.error().message);
  port_ = *port;
  thread_ = std::thread([this] { loop_.run(); });
}

ProxyHarness::~ProxyHarness() {
  proxy_->stop();
  // Posted, so it also works if the thread has not entered run() yet.
  loop_.post([this] { loop_.stop(); });
  thread_.join();
  proxy_.reset();
}

core::Result<http::Response> call(const std::string& url, const std::string& body, http::Headers headers) {
  core::SteadyClock clock;
  http::Request req;
  req.method = body.empty() ? "GET" : "POST";
  req.url = *http::Url::parse(url);
  req.headers = std::move(headers);
  req.body = body;
  if (!body.empty()) req.content_type = "application/json";
  return http::fetch(req, clock, {}, std::chrono::milliseconds(20'000));
}

std::string completion(const std::string& prompt, int max_tokens, bool stream) {
  return nlohmann::json{{"model", "sim-model"}, {"prompt", prompt}, {"max_tokens", max_tokens}, {"stream", stream}}.dump();
}

namespace {

class Recorder final : public http::ResponseHandler {
 public:
  Recorder(Streamed& out, http::EventLoop& loop) : out_(out), loop_(loop) {}
  void on_sent(core::TimePoint t) override { out_.sent = t; }
  void on_head(const http::ResponseHead& head, core::TimePoint) override {
    out_.status = head.status;
    out_.headers = head.headers;
  }
  void on_body(std::string_view data, core::TimePoint t) override {
    out_.body.append(data);
    out_.arrivals.push_back(t);
  }
  void on_complete(const core::Error* error, core::TimePoint) override {
    if (error) out_.error = error->kind + ": " + error->message;
    loop_.stop();
  }

 private:
  Streamed& out_;
  http::EventLoop& loop_;
};

}  // namespace

Streamed stream(const std::string& url, const std::string& body, http::Headers headers) {
  core::SteadyClock clock;
  http::EventLoop loop;
  Streamed out;
  {
    http::Client client(loop.context(), clock);
    http::Request req;
    req.method = "POST";
    req.url = *http::Url::parse(url);
    req.headers = std::move(headers);
    req.body = body;
    req.content_type = "application/json";
    client.start(std::move(req), std::make_shared<Recorder>(out, loop));
    loop.run_for(std::chrono::seconds(30));
  }
  return out;
}

}  // namespace lmbench::router::testing
