#pragma once
// A small OpenAI-compatible server for tests, built the way the simulator builds its own:
// http::Server + the server_api formatters, tokens produced on a thread of their own.

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/event_loop.h"
#include "http/server.h"
#include "http/sse.h"
#include "openai/models.h"
#include "openai/request.h"
#include "openai/server_api.h"

namespace lmbench::openai {

// Streams kTokens with 2 ms between them; model "busy" gets a
// 429, model "broken" a 500, both as OpenAI error JSON.
class FakeOpenAi {
 public:
  static inline const std::vector<std::string> kTokens = {"Hello", " from", " the", " server"};

  FakeOpenAi() {
    http::Router router;
    for (Api api : {Api::kCompletions, Api::kChat}) {
      router.on_stream("POST", "/" + std::string(api_path(api)),
                       [this, api](const http::ServerRequest& req, std::shared_ptr<http::ResponseWriter> w) {
                         serve(api, req, std::move(w));
                       });
    }
    router.on("GET", "/v1/models", [](const http::ServerRequest&) {
      return http::ServerResponse::json(200, models_body({{"base-model", "vllm", "", "", 4096, 1}, {"lora-a", "vllm", "", "base-model", 0, 1}}));
    });
    server_ = std::make_unique<http::Server>(loop_.context(), std::move(router));
    port_ = *server_->listen("127.0.0.1", 0);
  }
  ~FakeOpenAi() {
    server_->stop();
    std::lock_guard lock(mu_);
    for (auto& p : producers_) p.join();
  }
  http::Url url() const { return *http::Url::parse("http://127.0.0.1:" + std::to_string(port_)); }

 private:
  void serve(Api api, const http::ServerRequest& req, std::shared_ptr<http::ResponseWriter> w) {
    std::string param;
    auto parsed = parse_request(api, req.body, &param);
    if (!parsed) {
      w->respond(http::ServerResponse::json(400, error_body(parsed.error().message, "BadRequestError", 400, param)));
      return;
    }
    if (parsed->model == "busy") {
      w->respond(http::ServerResponse::json(429, error_body("too many requests", "rate_limit_error", 429)));
      return;
    }
    if (parsed->model == "broken") {
      w->respond(http::ServerResponse::json(500, error_body("engine crashed", "InternalServerError", 500)));
      return;
    }
    const ResponseMeta meta{api == Api::kChat ? "chatcmpl-1" : "cmpl-1", parsed->model, 1700000000};
    const ParsedRequest p = *parsed;
    w->begin_stream(200, "text/event-stream");
    std::lock_guard lock(mu_);
    producers_.emplace_back([w, api, meta, p] {
      if (api == Api::kChat) w->write(http::sse_event(chat_role_chunk(meta)));
      const int n = std::min<int>(p.max_tokens.value_or(16), static_cast<int>(kTokens.size()));
      for (int i = 0; i < n; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        const std::string_view finish = i == n - 1 ? "length" : "";
        const std::string c = api == Api::kChat ? chat_chunk(meta, kTokens[static_cast<std::size_t>(i)], finish)
                                                : completion_chunk(meta, kTokens[static_cast<std::size_t>(i)], finish);
        if (!w->write(http::sse_event(c))) return;
      }
      if (p.include_usage) w->write(http::sse_event(usage_chunk(api, meta, Usage{7, n, 7 + n})));
      w->write(std::string(http::kSseDone));
      w->end();
    });
  }

  http::BackgroundLoop loop_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::mutex mu_;
  std::vector<std::thread> producers_;
};


}  // namespace lmbench::openai
