#pragma once
// Test-side helpers for driving http::Client: a handler that records everything, and running
// requests to completion on an EventLoop.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "http/client.h"
#include "http/event_loop.h"

namespace lmbench::testing {

struct Collected {
  bool done = false;
  std::optional<core::Error> error;
  int status = 0;
  http::Headers headers;
  std::string body;
  std::vector<std::pair<std::string, core::TimePoint>> pieces;
  core::TimePoint sent{}, head{}, end{};
};

class Collector final : public http::ResponseHandler {
 public:
  explicit Collector(Collected& out) : out_(out) {}
  void on_sent(core::TimePoint t) override { out_.sent = t; }
  void on_head(const http::ResponseHead& h, core::TimePoint t) override {
    out_.status = h.status;
    out_.headers = h.headers;
    out_.head = t;
  }
  void on_body(std::string_view d, core::TimePoint t) override {
    out_.body.append(d);
    out_.pieces.emplace_back(std::string(d), t);
  }
  void on_complete(const core::Error* e, core::TimePoint t) override {
    out_.done = true;
    out_.end = t;
    if (e) out_.error = *e;
  }

 private:
  Collected& out_;
};

inline http::Request get(const std::string& url) {
  http::Request r;
  r.url = *http::Url::parse(url);
  return r;
}

// Runs `requests` concurrently on `loop` until all complete.
inline std::vector<Collected> run_all(http::EventLoop& loop, http::Client& client, std::vector<http::Request> requests) {
  std::vector<Collected> out(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    client.start(std::move(requests[i]), std::make_shared<Collector>(out[i]));
  }
  while (true) {
    bool all = true;
    for (const auto& c : out) all = all && c.done;
    if (all) break;
    loop.run_for(std::chrono::milliseconds(5));
  }
  return out;
}

inline Collected run_one(http::EventLoop& loop, http::Client& client, http::Request request) {
  std::vector<http::Request> v;
  v.push_back(std::move(request));
  return run_all(loop, client, std::move(v)).front();
}

}  // namespace lmbench::testing
