#include "suite/engine_pace.h"

#include "http/client.h"
#include "http/url.h"
#include "telemetry/exposition.h"
#include "telemetry/server_stats.h"

namespace lmbench::suite {

std::optional<metrics::PromHistogram> scrape_emission_lag(const std::vector<std::string>& engine_urls,
                                                          const core::Clock& clock) {
  std::optional<metrics::PromHistogram> sum;
  for (const auto& url : engine_urls) {
    auto base = http::Url::parse(url);
    if (!base) continue;
    http::Request req;
    req.url = base->with_path("/metrics");
    http::ClientOptions client;
    client.connect_timeout = std::chrono::milliseconds(1000);
    auto r = http::fetch(req, clock, client, std::chrono::milliseconds(3000));
    if (!r || r->status != 200) continue;
    const auto page = telemetry::parse_exposition(r->body);
    if (!page) continue;
    auto h = telemetry::summed_histogram(*page, "lmbench:sim_emission_lag_seconds");
    if (!h) continue;
    if (!sum) {
      sum = std::move(*h);
    } else if (sum->bounds == h->bounds) {
      for (std::size_t i = 0; i < sum->cumulative.size(); ++i) sum->cumulative[i] += h->cumulative[i];
    }
  }
  return sum;
}

std::optional<double> emission_lag_p99_ms(const std::optional<metrics::PromHistogram>& before,
                                          const std::optional<metrics::PromHistogram>& after) {
  if (!after) return std::nullopt;
  const metrics::PromHistogram d = before ? metrics::histogram_delta(*after, *before) : *after;
  const auto q = metrics::histogram_quantile(d, 0.99);
  if (!q) return std::nullopt;
  return *q * 1000.0;
}

EmissionLagWindow::EmissionLagWindow(std::vector<std::string> engine_urls, const core::Clock& clock)
    : urls_(std::move(engine_urls)), clock_(clock) {
  if (!urls_.empty()) before_ = scrape_emission_lag(urls_, clock_);
}

std::optional<double> EmissionLagWindow::p99_ms() const {
  if (urls_.empty()) return std::nullopt;
  return emission_lag_p99_ms(before_, scrape_emission_lag(urls_, clock_));
}

}  // namespace lmbench::suite
