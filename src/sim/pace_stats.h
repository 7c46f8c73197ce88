#pragma once
// How well one simulated engine keeps its model's pace on this machine (README "Can I trust this
// run?"), on its /metrics:
//   lmbench:sim_emission_lag_seconds         histogram: a token's bytes on the socket minus the
//                                            wall time the model scheduled them for
//   lmbench:sim_engine_busy_ratio            gauge: the engine loop's busy share of the last
//                                            second of wall time (not sleeping towards a step's end)
//   lmbench:sim_engine_busy_seconds_total    counter: the same, accumulated
// Both in wall time. A client measures the model's times only as long as these stay small: at
// time scale S every wall millisecond of emission lag is S modelled milliseconds in its results.
//
// Threading: observe_lag() from the server's I/O thread, add_busy() from the engine loop,
// snapshot() from the /metrics handler: all thread-safe.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace lmbench::sim {

class PaceStats {
 public:
  // Upper bounds of the lag histogram's buckets, seconds (without +Inf).
  static constexpr std::array<double, 14> kLagBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005,
                                                        0.01,    0.025,  0.05,    0.1,    0.25,  0.5,   1.0};

  void observe_lag(std::chrono::nanoseconds lag);
  // The loop was busy for `busy` up to `now` (wall).
  void add_busy(core::Duration busy, core::TimePoint now);

  struct Snapshot {
    std::array<std::uint64_t, kLagBounds.size() + 1> counts{};  // per bucket, the last is +Inf
    std::uint64_t count = 0;
    double sum_s = 0;
    double busy_ratio = 0;
    double busy_s = 0;
  };
  Snapshot snapshot(core::TimePoint now) const;

  // The three metric families in Prometheus text, each sample labelled with `labels`
  // (`engine="0",model_name="m"`).
  static std::string render(const Snapshot& s, const std::string& labels);

 private:
  std::array<std::atomic<std::uint64_t>, kLagBounds.size() + 1> counts_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_ns_{0};

  mutable std::mutex busy_mu_;
  core::Duration busy_total_{0};
  core::Duration busy_window_{0};
  std::optional<core::TimePoint> window_start_;
  double last_ratio_ = 0;
};

}  // namespace lmbench::sim
