#pragma once
// The model's own times of recent requests, by X-Request-Id: when the engine took each request
// in (the server read it), produced its first token and finished it, in virtual (modelled) time.
// Behind GET /lmbench/timing?request_id=ID, so a client can tell how much of what it measured the
// model accounts for (lmbench run's calibration of a time-scaled simulator).
//
// Thread-safety: record() from the engine loop, find() from the server's thread.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace lmbench::sim {

struct RequestTiming {
  std::chrono::nanoseconds arrival{};
  std::chrono::nanoseconds first_token{-1};  // -1: none produced
  std::chrono::nanoseconds finished{};
};

class TimingLog {
 public:
  explicit TimingLog(std::size_t capacity = 4096) : capacity_(capacity) {}

  void record(const std::string& request_id, const RequestTiming& t) {
    std::lock_guard lock(mu_);
    if (by_id_.emplace(request_id, t).second) order_.push_back(request_id);
    while (order_.size() > capacity_) {
      by_id_.erase(order_.front());
      order_.pop_front();
    }
  }

  std::optional<RequestTiming> find(const std::string& request_id) const {
    std::lock_guard lock(mu_);
    const auto it = by_id_.find(request_id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::deque<std::string> order_;  // oldest first
  std::unordered_map<std::string, RequestTiming> by_id_;
};

}  // namespace lmbench::sim
