#pragma once
// What the servers said about one run (issue 18): per endpoint and in total, the figures a
// serving engineer reads beside the client's: KV cache usage, running and waiting requests,
// prefix cache hit rates (GPU, and the external/LMCache tier), preemptions, the tokens and
// requests the server counted, and its own TTFT/ITL histograms' quantiles. vLLM's names (and
// their deprecated twins), SGLang's `sglang:` names and the production-stack router's are each
// mapped to one field; every other series is kept in the metrics CSV as read.
//
// Window: the scrapes from the run's start to its end (gauges: each scrape is one sample);
// counters and histograms: the last scrape at or before the start (else the first) to the first
// at or after the end (else the last), so what the server did during the run, not before it.
// Times: the run's clock (modelled time against a time-scaled simulator): a scrape at steady
// time t is at (t - start_real) x scale after the run's start.

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "metrics/prom_histogram.h"
#include "telemetry/scraper.h"

namespace lmbench::telemetry {

struct RunWindow {
  std::chrono::steady_clock::time_point start;  // the run's start in steady (wall) time
  std::chrono::steady_clock::time_point end;
  double scale = 1;  // run-clock seconds per wall second
};

struct Quantiles {
  std::optional<double> p50, p90, p99;
};

struct EndpointStats {
  std::string endpoint, url, role;
  std::size_t scrapes = 0, gaps = 0;  // scrapes in the window; failed ones among them
  std::size_t answered = 0;           // scrapes that answered, in the window or bounding it
  std::string note;                   // e.g. "no /metrics (HTTP 404)"
  std::optional<double> kv_usage_mean, kv_usage_p99, kv_usage_max;  // 0..1
  std::optional<double> running_mean, running_max, waiting_mean, waiting_max;
  std::optional<double> prefix_hit_rate;           // GPU prefix cache: hits / queries (tokens)
  std::optional<double> external_prefix_hit_rate;  // LMCache (vLLM external prefix cache)
  std::optional<double> preemptions;
  std::optional<double> prompt_tokens, generation_tokens, requests;  // counted over the window
  std::optional<double> prompt_tokens_per_s, generation_tokens_per_s;
  Quantiles ttft_ms, itl_ms;  // the engine's own histograms over the window
  std::optional<metrics::PromHistogram> ttft_hist, itl_hist;  // their observations in the window (seconds)
  // Raw counts behind the rates, for totals: hits and queries.
  std::optional<double> prefix_hits, prefix_queries, external_hits, external_queries;
  std::optional<double> window_s;
};

struct ServerStats {
  std::vector<EndpointStats> endpoints;
  EndpointStats total;  // engines together (the router apart): sums, token-weighted rates, means
};

ServerStats server_stats(const std::vector<EndpointScrapes>& scrapes, const RunWindow& window);

// The histogram `name` of an exposition, its buckets summed over every label set other than `le`
// (e.g. every engine of a simulator); nullopt when it has no buckets.
std::optional<metrics::PromHistogram> summed_histogram(const Exposition& e, std::string_view name);

// The run JSON's "server" block, with the cross-checks against the client's figures: the server's
// request and token counts against the client's (a mismatch beyond 2% is flagged, both figures
// given), and the engine's TTFT against the client's (the difference is network, router and
// client time).
struct ClientFigures {
  std::size_t requests = 0;  // finished requests the client sent in the window, warm-up included
  double prompt_tokens = 0, generation_tokens = 0;
  std::optional<double> ttft_p50_ms, ttft_p99_ms;
};
nlohmann::ordered_json server_json(const ServerStats& stats, const ClientFigures& client, double interval_s);

// `{STEM}.metrics.csv`: one row per scrape, endpoint and series: time (s, run clock since the
// start), endpoint, metric, labels, value. Gauges and untyped as read; counters as rates per
// second since the previous scrape (metric name kept, "rate" in the kind column); histograms as
// that interval's p50/p90/p99 (label quantile="0.5"...); summaries' quantiles as read.
void write_metrics_csv(const std::filesystem::path& path, const std::vector<EndpointScrapes>& scrapes,
                       const RunWindow& window);

// One line for the terminal summary: "KV usage max 97%, prefix hits 12%, LMCache hits 81%".
std::string server_line(const ServerStats& stats);

}  // namespace lmbench::telemetry
