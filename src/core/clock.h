#pragma once
// Clocks. Everything that waits or stamps time takes a Clock& (STYLE.md "Inject the clock");
// only src/cli/ constructs a SteadyClock. Tests advance a ManualClock instead of sleeping.

#include <atomic>
#include <chrono>

namespace lmbench::core {

using Duration = std::chrono::nanoseconds;
// Monotonic time. Never compared with wall-clock time; wall time only labels records.
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told. Thread-safe reads, so a test thread may advance it while
// another thread reads it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{}) : now_ns_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint{Duration{now_ns_.load(std::memory_order_acquire)}}; }
  void advance(Duration d) { now_ns_.fetch_add(d.count(), std::memory_order_acq_rel); }
  void set(TimePoint t) { now_ns_.store(t.time_since_epoch().count(), std::memory_order_release); }

 private:
  std::atomic<Duration::rep> now_ns_;
};

// Time of a simulated system that runs `scale` times faster than real time: `base` time since
// construction, multiplied by `scale`. The load engine stamps requests to a simulator started
// with --time-scale S through a ScaledClock(S), so every latency it reports is in the modelled
// hardware's time, and its schedule (QPS, durations) is in that time too.
class ScaledClock final : public Clock {
 public:
  ScaledClock(const Clock& base, double scale) : base_(base), scale_(scale), origin_(base.now()) {}
  // Both clocks read `origin` at `origin` (a fleet worker scales from its run's start instant).
  ScaledClock(const Clock& base, double scale, TimePoint origin) : base_(base), scale_(scale), origin_(origin) {}
  TimePoint now() const override {
    const auto real = base_.now() - origin_;
    return origin_ + Duration{static_cast<Duration::rep>(static_cast<double>(real.count()) * scale_)};
  }
  double scale() const { return scale_; }

 private:
  const Clock& base_;
  double scale_;
  TimePoint origin_;
};

// Conversions used by every report: durations as floating-point milliseconds or seconds.
inline double to_ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
inline double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
inline Duration from_seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace lmbench::core
