#include "suite/readiness.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "core/interrupt.h"
#include "http/client.h"
#include "openai/request.h"

namespace lmbench::suite {

namespace {

// The model ids in a /v1/models answer, or nullopt when the body is not that shape.
std::optional<std::vector<std::string>> model_ids(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("data") || !j["data"].is_array()) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& m : j["data"]) {
    if (m.is_object() && m.contains("id") && m["id"].is_string()) ids.push_back(m["id"].get<std::string>());
  }
  return ids;
}

}  // namespace

core::Result<bool> wait_until_ready(const deploy::ServingEndpoint& endpoint, deploy::Baseline& baseline,
                                    const core::Clock& clock, const ReadinessOptions& options) {
  auto base = http::Url::parse(endpoint.base_url);
  if (!base) return base.error();
  http::Request req;
  req.url = openai::api_url(*base, "v1/models");  // a base URL ending in /v1 gets no second one
  http::ClientOptions client;
  client.connect_timeout = std::chrono::milliseconds(2000);
  client.verify_tls = true;
  if (endpoint.api_key) client.bearer_token = endpoint.api_key->reveal();
  const auto deadline = clock.now() + options.timeout;
  std::string last = "no answer yet";
  for (;;) {
    if (auto failed = baseline.failure()) return *failed;
    if (core::stop_requested()) return core::Error{"interrupted", "interrupted while waiting for the server"};
    auto r = http::fetch(req, clock, client, std::chrono::milliseconds(5000));
    if (r.ok()) {
      if (r->status == 200) {
        if (auto ids = model_ids(r->body)) {
          for (const auto& id : *ids) {
            if (id == endpoint.model) return true;
          }
          // An empty list is a server still starting (Dynamo's frontend and llm-d's gateway answer
          // before a worker registers its model): keep polling. Another model is a wrong spec.
          if (!ids->empty()) {
            return core::Error{"model_missing", fmt::format("{} serves {} but not the model '{}'", req.url.origin(),
                                                            fmt::join(*ids, ", "), endpoint.model)};
          }
          last = "GET /v1/models lists no model yet";
        } else {
          last = "GET /v1/models answered 200 with a body that is not a model list";
        }
      } else {
        last = fmt::format("GET /v1/models answered {}", r->status);
      }
    } else {
      last = r.error().message;
    }
    if (clock.now() >= deadline) {
      return core::Error{"not_ready", fmt::format("{} did not become ready within {:.0f} s (last: {})", endpoint.base_url,
                                                  core::to_seconds(options.timeout), last)};
    }
    std::this_thread::sleep_for(options.poll_interval);
  }
}

core::Result<core::Duration> warm_up(const deploy::ServingEndpoint& endpoint, config::ApiType api,
                                     const core::Clock& clock, core::Duration timeout) {
  auto base = http::Url::parse(endpoint.base_url);
  if (!base) return base.error();
  openai::RequestParams params;
  params.api = api == config::ApiType::kChat ? openai::Api::kChat : openai::Api::kCompletions;
  params.model = endpoint.model;
  if (params.api == openai::Api::kChat) {
    params.messages = {{"user", "Say hello."}};
  } else {
    params.prompt = "Say hello.";
  }
  params.max_tokens = 4;
  params.temperature = 0;
  params.stream = false;
  const http::Request req = openai::make_request(*base, params);
  http::ClientOptions client;
  client.connect_timeout = std::chrono::milliseconds(5000);
  const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  client.first_byte_timeout = timeout_ms;
  client.idle_timeout = timeout_ms;
  if (endpoint.api_key) client.bearer_token = endpoint.api_key->reveal();
  const auto start = clock.now();
  auto r = http::fetch(req, clock, client, timeout_ms);
  if (!r) return core::Error{"warm_up", fmt::format("warm-up request to {}: {}", req.url.origin(), r.error().message)};
  if (r->status != 200) {
    std::string head = r->body.substr(0, 200);
    for (char& c : head) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    return core::Error{"warm_up", fmt::format("warm-up request POST {} answered {}: {}", req.url.target, r->status, head)};
  }
  return clock.now() - start;
}

}  // namespace lmbench::suite
