#include "proxy_harness.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <cstdlib>
#include <sstream>

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

std::optional<double> metric_sum(const std::string& base_url, std::string_view name, std::string_view label) {
  const auto r = call(base_url + "/metrics");
  if (!r || r->status != 200) return std::nullopt;
  double sum = 0;
  std::istringstream in(r->body);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != '{' && next != ' ') continue;  // another metric whose name starts with this one
    const std::size_t close = line.find('}');
    const std::string_view labels =
        next == '{' && close != std::string::npos ? std::string_view(line).substr(name.size(), close - name.size())
                                                  : std::string_view();
    if (!label.empty() && labels.find(label) == std::string_view::npos) continue;
    sum += std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
  }
  return sum;
}

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace lmbench::router::testing
