#pragma once
// Arrival processes decide *when* requests go (STYLE.md "Separate when, what and how"): each
// yields the gap before the next arrival. They are seeded, so a schedule is reproducible.

#include <cstdint>
#include <functional>
#include <string>
#include <memory>
#include <random>

#include "core/clock.h"

namespace lmbench::load {

class ArrivalProcess {
 public:
  virtual ~ArrivalProcess() = default;
  // Gap between the previous arrival (or the start) and the next one. Never negative.
  virtual core::Duration next_gap() = 0;
};

// Exactly 1/rate apart. The first arrival is at the start (gap 0), as wrk2 and vLLM's
// benchmark do for constant rates.
class ConstantArrivals final : public ArrivalProcess {
 public:
  explicit ConstantArrivals(double rate_per_s);
  core::Duration next_gap() override;

 private:
  core::Duration period_;
  bool first_ = true;
};

// Gamma-distributed gaps with mean 1/rate: shape = burstiness, scale = 1/(rate*burstiness), the
// definition of vLLM's benchmark_serving (BURSTINESS). burstiness 1 is a Poisson process;
// below 1 is burstier, above 1 more regular. An infinite rate sends everything at once.
class GammaArrivals final : public ArrivalProcess {
 public:
  GammaArrivals(double rate_per_s, double burstiness, std::uint64_t seed);
  core::Duration next_gap() override;

 private:
  bool infinite_;
  std::mt19937_64 rng_;
  std::gamma_distribution<double> gamma_;
};

// Poisson arrivals: GammaArrivals with burstiness 1 (exponential gaps).
std::unique_ptr<ArrivalProcess> make_poisson(double rate_per_s, std::uint64_t seed);

// `lmbench bench random --arrival`: "constant" (ConstantArrivals) or "poisson" (GammaArrivals
// with `burstiness`), as a gap function (workloads::RandomOptions::next_gap). Throws
// std::invalid_argument for another name or a bad rate.
std::function<core::Duration()> gap_function(const std::string& arrival, double rate_per_s, double burstiness,
                                             std::uint64_t seed);

}  // namespace lmbench::load
