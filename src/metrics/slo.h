#pragma once
// Service-level objectives for goodput: a request counts as "good" when it succeeded and meets
// every objective given. Written by users as `ttft_ms=500,tpot_ms=50` (the --slo option).

#include <optional>
#include <string>
#include <string_view>

#include "metrics/record.h"

namespace lmbench::metrics {

struct Slo {
  std::optional<double> ttft_ms;  // time to first token, upper bound
  std::optional<double> tpot_ms;  // time per output token, upper bound (requests with n <= 1 pass)
  std::optional<double> e2e_ms;   // end-to-end latency, upper bound

  bool empty() const { return !ttft_ms && !tpot_ms && !e2e_ms; }
  // Succeeded and within every bound given. Requests without a first token fail a TTFT bound.
  bool met_by(const RequestRecord& r) const;
};

// Parses "key=value[,key=value...]" with keys ttft_ms, tpot_ms, e2e_ms and positive numbers.
// Whitespace around items is allowed; an empty string gives an empty Slo. Throws
// core::ConfigError naming `source` (e.g. "--slo"), the 1-based column, the key, what was
// expected and what was found.
Slo parse_slo(std::string_view text, const std::string& source = "--slo");

// "ttft_ms=500,tpot_ms=50" (keys in the order above, numbers in shortest form); "" when empty.
std::string to_string(const Slo& slo);

}  // namespace lmbench::metrics
