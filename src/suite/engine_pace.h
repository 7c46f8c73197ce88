#pragma once
// How late a simulated baseline's engines put tokens on their sockets, against their model's
// schedule, over one run: their lmbench:sim_emission_lag_seconds histograms (sim/pace_stats.h)
// read before and after it. For the run's validity (metrics/validity.h, engine_lag).

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "metrics/prom_histogram.h"

namespace lmbench::suite {

// The engines' histograms summed; nullopt when no engine answered with one (a scrape that
// fails is no reason to stop a run).
std::optional<metrics::PromHistogram> scrape_emission_lag(const std::vector<std::string>& engine_urls,
                                                          const core::Clock& clock);

// p99 of the lag between two scrapes, in wall milliseconds; nullopt without observations.
std::optional<double> emission_lag_p99_ms(const std::optional<metrics::PromHistogram>& before,
                                          const std::optional<metrics::PromHistogram>& after);

// One run's window: scrapes when made (nothing when there are no engines), and p99_ms() scrapes
// again and gives the p99 over the run, in wall milliseconds.
class EmissionLagWindow {
 public:
  EmissionLagWindow(std::vector<std::string> engine_urls, const core::Clock& clock);
  std::optional<double> p99_ms() const;

 private:
  std::vector<std::string> urls_;
  const core::Clock& clock_;
  std::optional<metrics::PromHistogram> before_;
};

}  // namespace lmbench::suite
