#pragma once
// Summary of a request trace for `lmbench trace stats`: size, duration, rate, length percentiles
// and prefix reuse. Pure computation over a parsed Trace.

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "workloads/trace_file.h"

namespace lmbench::workloads {

// Lengths in tokens; percentiles interpolate linearly between the two nearest ranks (numpy's
// default), so p50 of {1, 2} is 1.5.
struct LengthStats {
  std::uint64_t total = 0;
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  int min = 0;
  int max = 0;
};

struct TraceStats {
  std::size_t requests = 0;
  core::Duration duration{};  // first request to last
  double rate_per_s = 0;      // requests / duration; 0 when the duration is 0
  LengthStats input;
  LengthStats output;
  int block_tokens = 0;       // tokens per hash id
  // Input tokens whose whole block prefix (every hash id up to and including theirs) was already
  // in an earlier request, in time order (equal timestamps: file order). Block i of a request
  // covers tokens [i * block_tokens, min((i + 1) * block_tokens, input_length)).
  std::uint64_t reused_input_tokens = 0;
  double prefix_reuse = 0;    // reused_input_tokens / input.total
  std::size_t unique_prefixes = 0;  // distinct block prefixes (nodes of the prefix trie)
  // Requests whose input_length does not fit their hash_ids at block_tokens, i.e. is outside
  // ((n - 1) * block_tokens, n * block_tokens] for n ids: their reuse figure is approximate.
  std::size_t requests_off_block_grid = 0;
};

// One pass in time order over a trie of hash-id prefixes (a hash map keyed by parent node and
// id), so the cost is linear in the number of hash ids, not pairwise.
TraceStats compute_trace_stats(const Trace& trace, int block_tokens = 512);

// The human-readable report, several lines, each "key: value".
std::string format_trace_stats(const Trace& trace, const TraceStats& stats);
// The same as JSON (durations in seconds).
nlohmann::json trace_stats_json(const Trace& trace, const TraceStats& stats);

}  // namespace lmbench::workloads
