#pragma once
// A small OpenAI-like backend for proxy tests (src/http/server.h on its own loop): streams
// `chunks` SSE events `gap` apart, answers /v1/models with its own model id and /health, and
// remembers what it received.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/event_loop.h"
#include "http/server.h"

namespace lmbench::router::testing {

class FakeEngine {
 public:
  FakeEngine(std::string model, int chunks, std::chrono::milliseconds gap);
  ~FakeEngine();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  std::string last_request_id() const;
  std::string last_user() const;
  void set_health(int status) { health_status_ = status; }

 private:
  std::string model_;
  int chunks_;
  std::chrono::milliseconds gap_;
  std::atomic<int> requests_{0};
  std::atomic<int> health_status_{200};
  mutable std::mutex mu_;
  std::string last_request_id_;
  std::string last_user_;
  std::vector<std::thread> producers_;
  http::BackgroundLoop loop_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
};


}  // namespace lmbench::router::testing
