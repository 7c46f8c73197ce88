#pragma once
// The summary of one run, computed from its RequestRecords with the definitions of
// ARCHITECTURE.md "Metric definitions". Percentiles are exact (every sample is kept; a benchmark
// run fits in memory) with numpy's linear interpolation (metrics/percentile.h).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "core/clock.h"
#include "metrics/percentile.h"
#include "metrics/record.h"
#include "metrics/slo.h"

namespace lmbench::metrics {

struct SummaryOptions {
  // The measured window for throughputs. When unset: from the earliest actual send to the
  // latest end among the summarized (non-warm-up) records. The runner passes its own start and
  // stop when it knows them, so idle time at either end is counted.
  std::optional<core::TimePoint> window_start;
  std::optional<core::TimePoint> window_end;
  Slo slo;  // goodput is reported only when not empty
};

struct Summary {
  // Counts over non-warm-up records. total = successful + failed + cancelled.
  std::size_t total_requests = 0;
  std::size_t successful_requests = 0;
  std::size_t failed_requests = 0;
  std::size_t cancelled_requests = 0;
  std::size_t warmup_requests = 0;  // seen and excluded
  std::map<std::string, std::size_t> errors;  // error_kind -> count, failed and cancelled records
  // The most frequent failure, "kind: message" or an HTTP error's "HTTP 400: message" (cut at
  // 200 characters), and how many
  // records had it; "" when nothing failed. What the server said, where a user looks first.
  std::string top_error;
  std::size_t top_error_count = 0;

  double duration_s = 0;  // the measured window
  // Tokens of successful requests only.
  std::int64_t total_input_tokens = 0;
  std::int64_t total_output_tokens = 0;
  // Where successful requests' output_tokens came from.
  std::size_t output_tokens_from_usage = 0;
  std::size_t output_tokens_from_tokenizer = 0;
  std::size_t output_tokens_unknown = 0;

  // Per second of the measured window; 0 when the window is empty.
  double request_throughput = 0;  // successful requests
  double input_token_throughput = 0;
  double output_token_throughput = 0;
  double total_token_throughput = 0;

  // Milliseconds. Latencies are over successful requests: TTFT for those with a first content
  // chunk, TPOT for those with more than one output token, ITL every gap between consecutive
  // content chunks. Scheduling lag is over every record (the client's lateness does not depend
  // on the server's answer). std::nullopt when there is no sample.
  std::optional<Distribution> ttft_ms;
  std::optional<Distribution> tpot_ms;
  std::optional<Distribution> itl_ms;
  std::optional<Distribution> e2e_ms;
  std::optional<Distribution> lag_ms;         // scheduling lag: actual - intended send
  std::optional<Distribution> client_lag_ms;  // the client's own: actual - ready send (record.h)

  Slo slo;
  std::size_t good_requests = 0;  // successful and meeting every SLO (== successful when none)
  double goodput = 0;             // good_requests per second of the window
};

Summary summarize(std::span<const RequestRecord> records, const SummaryOptions& options = {});

}  // namespace lmbench::metrics
