#pragma once
// A Proxy on an EventLoop run by a thread of its own, for tests; and small client helpers.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "router/proxy.h"

namespace lmbench::router::testing {

class ProxyHarness {
 public:
  explicit ProxyHarness(ProxyOptions options);
  ~ProxyHarness();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  core::SteadyClock clock_;
  http::EventLoop loop_;
  std::unique_ptr<Proxy> proxy_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// One POST (or GET when body is empty) through http::fetch.
core::Result<http::Response> call(const std::string& url, const std::string& body = "", http::Headers headers = {});

// A completion request body with this prompt.
std::string completion(const std::string& prompt, int max_tokens = 4, bool stream = true);

// Streams one request and records when each body piece arrived (client clock).
struct Streamed {
  int status = 0;
  http::Headers headers;
  std::string body;
  std::vector<core::TimePoint> arrivals;
  core::TimePoint sent{};
  std::string error;  // "" when complete
};
Streamed stream(const std::string& url, const std::string& body, http::Headers headers = {});

// The sum of the samples of metric `name` on `base_url`/metrics (Prometheus text) whose label set
// contains `label` (e.g. backend="http://..."; "" = every sample). nullopt when the page cannot
// be fetched.
std::optional<double> metric_sum(const std::string& base_url, std::string_view name, std::string_view label = {});

// Polls `condition` every 10 ms until it holds (true) or `timeout` has passed (false): tests wait
// for what they need to have happened, with a deadline, instead of sleeping and hoping.
bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace lmbench::router::testing
