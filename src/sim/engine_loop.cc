#include "sim/engine_loop.h"

#include <sys/prctl.h>

#include <algorithm>
#include <thread>

#include "http/server.h"

namespace lmbench::sim {
namespace {

core::Duration virtual_since(const core::Clock& clock, core::TimePoint origin, double scale) {
  const auto elapsed = std::max(core::Duration{0}, clock.now() - origin);
  return std::chrono::duration_cast<core::Duration>(elapsed * scale);
}

}  // namespace

EngineLoop::EngineLoop(Profile profile, const core::Clock& clock, double time_scale, core::TimePoint wall_origin,
                       std::shared_ptr<LmCacheStore> shared_lmcache)
    : clock_(clock),
      pacer_(clock, time_scale, virtual_since(clock, wall_origin, time_scale)),
      engine_(std::move(profile), std::move(shared_lmcache)) {
  engine_.advance_to(pacer_.virtual_now());
}

EngineLoop::~EngineLoop() { stop(); }

void EngineLoop::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    // Timed waits end within a microsecond of their deadline, not the default 50 us slack.
    ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    run();
  });
}

void EngineLoop::stop() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EngineLoop::submit(RequestSpec spec, std::shared_ptr<TokenSink> sink, std::optional<core::Duration> at) {
  const core::Duration arrival = at.value_or(pacer_.virtual_now());
  {
    std::lock_guard lock(queue_mu_);
    queue_.push_back({std::move(spec), std::move(sink), arrival});
  }
  queue_cv_.notify_one();
}

EngineLoop::Arrival EngineLoop::announce() {
  std::lock_guard lock(queue_mu_);
  // Stamped under the lock the loop checks announced_ with: a request announced after the loop
  // decided to run a step arrived after that step's start.
  const Arrival a{pacer_.virtual_now(), next_ticket_++};
  announced_.emplace(a.ticket, a.at);
  return a;
}

void EngineLoop::submit(RequestSpec spec, std::shared_ptr<TokenSink> sink, const Arrival& arrival) {
  {
    std::lock_guard lock(queue_mu_);
    announced_.erase(arrival.ticket);
    queue_.push_back({std::move(spec), std::move(sink), arrival.at});
  }
  queue_cv_.notify_one();
}

void EngineLoop::withdraw(const Arrival& arrival) {
  {
    std::lock_guard lock(queue_mu_);
    announced_.erase(arrival.ticket);
  }
  queue_cv_.notify_one();
}

bool EngineLoop::parsing_before(core::Duration virtual_time) const {
  // A request cannot join a step that starts before it has passed the modelled frontend delay
  // (at least its fixed part), so only steps from then on wait for it.
  const auto frontend = std::chrono::duration_cast<core::Duration>(
      std::chrono::duration<double, std::milli>(engine_.profile().frontend.base_ms));
  for (const auto& [ticket, at] : announced_) {
    if (at + frontend <= virtual_time) return true;
  }
  return false;
}

void EngineLoop::record_delivery_lags(bool on) {
  std::lock_guard lock(stats_mu_);
  record_lags_ = on;
}

DeliveryStats EngineLoop::take_delivery_stats() {
  std::lock_guard lock(stats_mu_);
  DeliveryStats out = std::move(stats_);
  stats_ = {};
  return out;
}

void EngineLoop::admit(std::vector<Submission>& batch) {
  std::vector<std::pair<std::shared_ptr<TokenSink>, core::Error>> rejected;
  {
    std::lock_guard lock(engine_mu_);
    for (auto& s : batch) {
      // A request that arrived while the engine's clock was ahead (a step in progress) joins the
      // next step, as in vLLM; one that arrived later than the clock is stamped with its arrival.
      auto id = engine_.submit(std::move(s.spec), s.arrival);
      if (id.ok()) {
        sinks_.emplace(*id, std::move(s.sink));
      } else {
        rejected.emplace_back(std::move(s.sink), id.error());
      }
    }
  }
  batch.clear();
  for (auto& [sink, error] : rejected) sink->on_rejected(error);
}

void EngineLoop::idle() {
  const core::TimePoint now = clock_.now();
  pace_.add_busy(now - active_since_, now);
}

void EngineLoop::active() { active_since_ = clock_.now(); }

void EngineLoop::wait_until(core::Duration virtual_time, bool wake_on_submit) {
  idle();
  struct Resume {
    EngineLoop* self;
    ~Resume() { self->active(); }
  } resume{this};
  // A sleep ends late by the kernel's timer slack and the wake-up; against a simulator at time
  // scale S, every wall microsecond of that is S modelled microseconds in what clients measure.
  // So the thread sleeps to just before the deadline and spins (yielding) the rest.
  constexpr core::Duration kSpin = std::chrono::microseconds(120);
  const core::TimePoint due = pacer_.wall_time(virtual_time);
  std::unique_lock lock(queue_mu_);
  for (;;) {
    if (stopping_ || (wake_on_submit && !queue_.empty())) return;
    const core::Duration left = due - clock_.now();
    if (left <= core::Duration{0}) return;
    if (left <= kSpin) break;
    queue_cv_.wait_for(lock, left - kSpin);
  }
  lock.unlock();
  while (clock_.now() < due) {
    if (wake_on_submit) {
      std::lock_guard peek(queue_mu_);
      if (stopping_ || !queue_.empty()) return;
    }
    std::this_thread::yield();
  }
}

void EngineLoop::run() {
  std::vector<Submission> batch;
  active();
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      if (stopping_) return;
      batch.swap(queue_);
    }
    if (!batch.empty()) admit(batch);

    std::optional<core::Duration> next;
    {
      std::lock_guard lock(engine_mu_);
      next = engine_.next_event_time();
    }
    if (!next) {
      std::unique_lock lock(queue_mu_);
      idle();
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      active();
      continue;
    }
    if (*next > pacer_.virtual_now()) {
      wait_until(*next, /*wake_on_submit=*/true);
      continue;
    }
    {
      // A request read before this step starts but still being parsed joins this step: wait for
      // it (bounded), then take it in with the rest.
      std::unique_lock lock(queue_mu_);
      if (parsing_before(*next)) {
        const core::TimePoint give_up = clock_.now() + kArrivalWait;
        idle();
        queue_cv_.wait_until(lock, give_up, [&] { return stopping_ || !parsing_before(*next); });
        active();
        if (!queue_.empty()) continue;
      }
    }

    const StepResult* res = nullptr;
    {
      std::lock_guard lock(engine_mu_);
      engine_.advance_to(*next);
      res = &engine_.step();
    }
    // `res` stays valid until this thread's next step(); other threads only read the engine.
    if (res->num_scheduled == 0) {
      // Nothing could be scheduled (should not happen with admitted requests): do not spin.
      wait_until(engine_.now() + std::chrono::milliseconds(1), true);
      continue;
    }
    touched_.clear();
    to_finish_.clear();
    for (const Emission& e : res->emissions) {
      const auto it = sinks_.find(e.id);
      if (it == sinks_.end()) continue;
      const FinishReason early = it->second->on_token(e);
      if (early != FinishReason::kNone && e.finish == FinishReason::kNone) to_finish_.emplace_back(e.id, early);
      touched_.emplace_back(e.id, it->second.get());
    }
    for (const FinishedRequest& f : res->finished) {
      const auto it = sinks_.find(f.id);
      if (it != sinks_.end()) it->second->on_finished(f);
    }

    wait_until(res->end(), /*wake_on_submit=*/false);
    const core::TimePoint due = pacer_.wall_time(res->end());

    const std::int64_t wake_lag = (clock_.now() - due).count();
    bool record = false;
    {
      std::lock_guard lock(stats_mu_);
      record = record_lags_;
      if (record) {
        ++stats_.steps;
        stats_.wake_lag_ns.push_back(wake_lag);
        stats_.step_due.push_back(due);
      }
    }
    std::vector<std::int64_t> lags;
    {
      // Every stream's token goes out at once: hand them all over, then wake the server's thread
      // (one post, not one per stream; per-stream posts made the last of 2,000 streams ms late).
      http::WakeBatch batch;
      for (const auto& [id, sink] : touched_) {
        const bool alive = sink->deliver(due);
        if (record) lags.push_back((clock_.now() - due).count());
        if (!alive) to_finish_.emplace_back(id, FinishReason::kAbort);
      }
    }
    if (record && !lags.empty()) {
      std::lock_guard lock(stats_mu_);
      stats_.lag_ns.insert(stats_.lag_ns.end(), lags.begin(), lags.end());
    }
    for (const FinishedRequest& f : res->finished) sinks_.erase(f.id);

    if (!to_finish_.empty()) {
      std::vector<std::pair<std::shared_ptr<TokenSink>, FinishedRequest>> ended;
      {
        std::lock_guard lock(engine_mu_);
        for (const auto& [id, reason] : to_finish_) {
          const auto it = sinks_.find(id);
          if (it == sinks_.end()) continue;
          if (auto f = engine_.abort(id, reason)) ended.emplace_back(it->second, *f);
          sinks_.erase(it);
        }
      }
      for (auto& [sink, f] : ended) {
        sink->on_finished(f);
        sink->deliver(clock_.now());
      }
    }
  }
}

}  // namespace lmbench::sim
