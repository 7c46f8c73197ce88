#pragma once
// Workloads for the runner's tests: a fixed open-loop list of requests at offsets from the
// start, and a closed-loop one that sends its next request only after an answer. Both keep the
// responses they were handed back.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace lmbench::testing {

struct PlannedRequest {
  std::chrono::milliseconds at{0};  // from the start
  workloads::Request request;       // intended_send is set by the workload
};

inline workloads::Request simple_request(std::uint64_t id, workloads::Api api = workloads::Api::kCompletions,
                                         int max_tokens = 16) {
  workloads::Request r;
  r.id = id;
  r.user_id = std::to_string(id % 3);
  r.round = static_cast<int>(id) + 1;
  r.api = api;
  if (api == workloads::Api::kChat) {
    r.messages = {{"system", "be brief"}, {"user", "question " + std::to_string(id)}};
  } else {
    r.prompt = "question " + std::to_string(id);
  }
  r.prompt_tokens = 2;
  r.max_tokens = max_tokens;
  r.headers = {{"x-user-id", r.user_id}};
  return r;
}

class ListWorkload final : public workloads::Workload {
 public:
  explicit ListWorkload(std::vector<PlannedRequest> plan) : plan_(std::move(plan)) {}
  std::string name() const override { return "list"; }
  void start(core::TimePoint t0) override { t0_ = t0; }
  std::optional<core::TimePoint> next_send_time() override {
    if (next_ >= plan_.size()) return std::nullopt;
    return t0_ + plan_[next_].at;
  }
  workloads::Request take(core::TimePoint) override {
    workloads::Request r = plan_[next_].request;
    r.intended_send = t0_ + plan_[next_].at;
    ++next_;
    return r;
  }
  void on_response(const workloads::Response& response, core::TimePoint) override { responses.push_back(response); }
  bool finished() const override { return next_ >= plan_.size(); }

  std::vector<workloads::Response> responses;

 private:
  std::vector<PlannedRequest> plan_;
  std::size_t next_ = 0;
  core::TimePoint t0_{};
};

// `count` requests one after another: each is due as soon as the previous answer arrived.
class ChainWorkload final : public workloads::Workload {
 public:
  explicit ChainWorkload(int count) : count_(count) {}
  std::string name() const override { return "chain"; }
  void start(core::TimePoint t0) override { due_ = t0; }
  std::optional<core::TimePoint> next_send_time() override { return due_; }
  workloads::Request take(core::TimePoint) override {
    workloads::Request r = simple_request(static_cast<std::uint64_t>(taken_));
    // The previous answer goes into the next prompt, as a multi-turn history would.
    if (!responses.empty()) r.prompt += " after" + responses.back().text;
    r.intended_send = *due_;
    due_.reset();
    ++taken_;
    return r;
  }
  void on_response(const workloads::Response& response, core::TimePoint now) override {
    responses.push_back(response);
    if (taken_ < count_) due_ = now;
  }
  bool finished() const override { return taken_ >= count_ && !due_; }

  std::vector<workloads::Response> responses;

 private:
  int count_;
  int taken_ = 0;
  std::optional<core::TimePoint> due_;
};

}  // namespace lmbench::testing
