#pragma once
// The OpenAI-compatible HTTP API of one simulated engine (SIMULATOR.md §2):
//   GET  /v1/models, POST /v1/completions, POST /v1/chat/completions (streaming or not),
//   GET  /health, /ping, /version, /is_sleeping, /metrics (Prometheus, see prometheus.h),
//   POST /tokenize, /detokenize,
//   POST /lmbench/cache_lookup: {"prompt"|"messages"|"tokens"} -> {"gpu_tokens","cpu_tokens",
//        "total_tokens"}, the longest prefix of that prompt cached in this engine's GPU prefix
//        cache and in its LMCache tier (whole blocks / whole 256-token chunks), the way LMCache's
//        controller answers a kvaware router's lookup. "tokens" are tokenizer ids as /tokenize
//        returns them; "messages" go through the chat template.
//   GET  /lmbench/timing?request_id=ID: the model's times of a recent request (its X-Request-Id):
//        {"request_id","arrival_ms","first_token_ms","finished_ms","model_ttft_ms","model_e2e_ms"},
//        virtual milliseconds; 404 for an unknown or too old id.
//   GET  /lmbench/info: {"model","engine","time_scale","max_model_len","profile"}: a client
//        that finds it knows it talks to a simulator and on what clock (lmbench bench uses it).
// Every response echoes X-Request-Id (or carries a generated one). Errors are OpenAI error JSON.
//
// Threading: handlers run on the HTTP server's thread and never block: generation requests go to
// the EngineLoop's queue and are answered from the loop's thread through the ResponseWriter.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/server.h"
#include "sim/engine_loop.h"
#include "sim/faults.h"
#include "sim/server_tokens.h"
#include "sim/timing_log.h"
#include "sim/work_thread.h"

namespace lmbench::sim {

// The engines of one `lmbench sim --engines N`, as every one of them reports them at
// GET /lmbench/engines (how `lmbench router --discover URL` finds its backends). Filled once
// every engine listens; empty before.
class EngineDirectory {
 public:
  void set(std::vector<std::string> urls) {
    std::lock_guard lock(mu_);
    urls_ = std::move(urls);
  }
  std::vector<std::string> urls() const {
    std::lock_guard lock(mu_);
    return urls_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> urls_;
};

struct ServerConfig {
  std::string model;     // served model name (the id in /v1/models); "" = the profile's model
  int engine_index = 0;  // the `engine` label of /metrics
  FaultConfig faults;
  std::shared_ptr<const EngineDirectory> directory;  // null: this engine alone
};

class SimServer {
 public:
  // `loop` and `codec` must outlive the server and every request it started.
  SimServer(EngineLoop& loop, const TokenCodec& codec, ServerConfig config);

  // The routes, bound to this server (which must outlive the router).
  http::Router router();

  const std::string& model() const { return config_.model; }

 private:
  // Stamps the arrival, then parses and tokenizes on the frontend thread (handle_generate).
  void generate(bool chat, const http::ServerRequest& req, const std::shared_ptr<http::ResponseWriter>& w);
  class AnnouncedArrival;
  void handle_generate(bool chat, const http::ServerRequest& req, const std::shared_ptr<http::ResponseWriter>& w,
                       AnnouncedArrival& arrival);
  http::ServerResponse models() const;
  http::ServerResponse engines() const;
  http::ServerResponse tokenize(const http::ServerRequest& req) const;
  http::ServerResponse detokenize(const http::ServerRequest& req) const;
  http::ServerResponse cache_lookup(const http::ServerRequest& req) const;
  http::ServerResponse metrics() const;
  http::ServerResponse timing(const http::ServerRequest& req) const;
  http::ServerResponse info() const;

  EngineLoop& loop_;
  const TokenCodec& codec_;
  ServerConfig config_;
  FaultInjector faults_;
  std::shared_ptr<TimingLog> timings_ = std::make_shared<TimingLog>();
  std::int64_t created_ = 0;
  std::unique_ptr<WorkThread> frontend_ = std::make_unique<WorkThread>();  // last: its jobs use the rest
};

// The X-Request-Id to echo: the client's, or a fresh "req-<hex>".
std::string request_id_for(const http::ServerRequest& req);

}  // namespace lmbench::sim
