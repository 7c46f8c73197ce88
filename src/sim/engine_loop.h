#pragma once
// The wall-clock driver of one Engine (llama.cpp's split: server-http <-> queue <-> engine).
// HTTP handlers submit requests through a queue; one thread per engine runs
//   take submissions -> step() -> prepare every emission's output -> sleep until the step's end
//   maps to wall time (Pacer) -> deliver the prepared output
// so a client sees each token at the model's time divided by the time scale. Output is prepared
// (formatted) during the step's sleep, which keeps delivery within microseconds of the schedule
// even with thousands of streams.
//
// Threading: submit() and inspect() are thread-safe. TokenSink callbacks run on the loop thread.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "sim/engine.h"
#include "sim/pace_stats.h"
#include "sim/pacer.h"

namespace lmbench::sim {

// The receiving end of one request. All calls on the loop thread, in this order:
// (on_rejected) | (on_token* on_finished?)  with deliver() after each step that touched it.
class TokenSink {
 public:
  virtual ~TokenSink() = default;
  // Right after the step that produced `e` was computed, before its end in wall time: prepare
  // the output. Returning kStop or kAbort finishes the request now (a stop string matched).
  virtual FinishReason on_token(const Emission& e) = 0;
  // The request left the engine (its last token's on_token came first).
  virtual void on_finished(const FinishedRequest& f) = 0;
  // At the step's end in wall time (`due`): send what was prepared. false: the client is gone or
  // the sink gave up (a fault); the loop aborts the request if it is still running.
  virtual bool deliver(core::TimePoint due) = 0;
  // The engine refused the request (kind "invalid_request", "context_length", "capacity").
  virtual void on_rejected(const core::Error& error) = 0;
};

// Delivery lateness, for the capacity benchmark.
struct DeliveryStats {
  std::vector<std::int64_t> lag_ns;  // per emission: delivered - scheduled wall time
  std::vector<std::int64_t> wake_lag_ns;  // per step: the loop woke - scheduled wall time
  std::vector<core::TimePoint> step_due;   // per step: the scheduled wall time of its end
  std::uint64_t steps = 0;
};

class EngineLoop {
 public:
  // `clock` must outlive the loop. `wall_origin` is the wall time of virtual time 0, shared by
  // engines that share an LMCache store so that they stamp one timeline. Throws
  // core::ConfigError for an invalid profile and std::invalid_argument for time_scale <= 0.
  EngineLoop(Profile profile, const core::Clock& clock, double time_scale, core::TimePoint wall_origin,
             std::shared_ptr<LmCacheStore> shared_lmcache = nullptr);
  ~EngineLoop();
  EngineLoop(const EngineLoop&) = delete;
  EngineLoop& operator=(const EngineLoop&) = delete;

  void start();
  // Stops the thread; requests still in flight get no further callbacks.
  void stop();

  // Queues a request that arrived at virtual time `arrival` (see arrival_now()), or now.
  void submit(RequestSpec spec, std::shared_ptr<TokenSink> sink, std::optional<core::Duration> arrival = std::nullopt);
  // The virtual time of now, for submit()'s `arrival`.
  core::Duration arrival_now() const { return pacer_.virtual_now(); }

  // A request the HTTP server has read and is still parsing and tokenizing. It arrived at `at`
  // (the virtual time of announce()); until it is submitted or withdrawn, the loop does not run a
  // step it could join, one that starts after `at` plus the modelled frontend delay's fixed part
  // (for up to kArrivalWait of wall time): parsing is part of the
  // modelled frontend delay (SIMULATOR.md §1.4), so its real duration must not decide which step
  // the request joins. Without this, at a high time scale a request read just before a step began
  // missed it whenever parsing took longer than the rest of the step, and waited a whole step
  // more: a TTFT that grew with the time scale.
  struct Arrival {
    core::Duration at{};
    std::uint64_t ticket = 0;
  };
  static constexpr core::Duration kArrivalWait = std::chrono::milliseconds(5);
  Arrival announce();
  void submit(RequestSpec spec, std::shared_ptr<TokenSink> sink, const Arrival& arrival);
  // The announced request will not be submitted (refused while parsing).
  void withdraw(const Arrival& arrival);

  // Runs `fn(const Engine&)` with the engine locked (metrics, cache lookups). The engine's clock
  // is first brought to the present when it lags (idle), so time-dependent answers (an LMCache
  // chunk whose copy has finished) are those of now. Never moves it past the present.
  template <typename F>
  auto inspect(F&& fn) {
    std::lock_guard lock(engine_mu_);
    engine_.advance_to(pacer_.virtual_now());
    return fn(static_cast<const Engine&>(engine_));
  }

  const Profile& profile() const { return engine_.profile(); }
  double time_scale() const { return pacer_.time_scale(); }
  const Pacer& pacer() const { return pacer_; }

  // Emission lag (observed by the HTTP server at the socket) and the loop's busy share.
  PaceStats& pace() { return pace_; }
  const PaceStats& pace() const { return pace_; }
  const core::Clock& clock() const { return clock_; }

  void record_delivery_lags(bool on);
  DeliveryStats take_delivery_stats();

 private:
  struct Submission {
    RequestSpec spec;
    std::shared_ptr<TokenSink> sink;
    core::Duration arrival;
  };

  void run();
  void admit(std::vector<Submission>& batch);
  // Sleeps until the wall time of `virtual_time` or until stop (or a submission, if `wake_on_submit`).
  void wait_until(core::Duration virtual_time, bool wake_on_submit);

  const core::Clock& clock_;
  Pacer pacer_;
  mutable std::mutex engine_mu_;
  Engine engine_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<Submission> queue_;
  bool stopping_ = false;
  std::map<std::uint64_t, core::Duration> announced_;  // ticket -> arrival, still being parsed
  std::uint64_t next_ticket_ = 1;

  // Whether a request announced at or before `virtual_time` is still being parsed (queue_mu_ held).
  bool parsing_before(core::Duration virtual_time) const;

  // Loop thread only.
  std::unordered_map<RequestId, std::shared_ptr<TokenSink>> sinks_;
  std::vector<std::pair<RequestId, TokenSink*>> touched_;
  std::vector<std::pair<RequestId, FinishReason>> to_finish_;

  // Busy-time accounting (loop thread): the loop went idle (a wait) / became active again.
  void idle();
  void active();
  PaceStats pace_;
  core::TimePoint active_since_{};

  std::mutex stats_mu_;
  bool record_lags_ = false;
  DeliveryStats stats_;

  std::thread thread_;
};

}  // namespace lmbench::sim
