#include "load/arrival.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace lmbench::load {

ConstantArrivals::ConstantArrivals(double rate_per_s) {
  if (!(rate_per_s > 0)) throw std::invalid_argument("constant arrivals need a positive rate");
  period_ = std::isinf(rate_per_s) ? core::Duration{0} : core::from_seconds(1.0 / rate_per_s);
}

core::Duration ConstantArrivals::next_gap() {
  if (first_) {
    first_ = false;
    return core::Duration{0};
  }
  return period_;
}

GammaArrivals::GammaArrivals(double rate_per_s, double burstiness, std::uint64_t seed)
    : infinite_(std::isinf(rate_per_s)), rng_(seed) {
  if (!(rate_per_s > 0)) throw std::invalid_argument("arrivals need a positive rate");
  if (!(burstiness > 0)) throw std::invalid_argument("burstiness must be positive");
  if (!infinite_) gamma_ = std::gamma_distribution<double>(burstiness, 1.0 / (rate_per_s * burstiness));
}

core::Duration GammaArrivals::next_gap() {
  if (infinite_) return core::Duration{0};
  return core::from_seconds(gamma_(rng_));
}

std::unique_ptr<ArrivalProcess> make_poisson(double rate_per_s, std::uint64_t seed) {
  return std::make_unique<GammaArrivals>(rate_per_s, 1.0, seed);
}

std::function<core::Duration()> gap_function(const std::string& arrival, double rate_per_s, double burstiness,
                                             std::uint64_t seed) {
  std::shared_ptr<ArrivalProcess> a;
  if (arrival == "poisson") {
    a = std::make_shared<GammaArrivals>(rate_per_s, burstiness, seed);
  } else if (arrival == "constant") {
    a = std::make_shared<ConstantArrivals>(rate_per_s);
  } else {
    throw std::invalid_argument("unknown arrival process '" + arrival + "' (constant or poisson)");
  }
  return [a] { return a->next_gap(); };
}

}  // namespace lmbench::load
