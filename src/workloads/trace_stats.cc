#include "workloads/trace_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

namespace lmbench::workloads {

namespace {

double percentile(const std::vector<int>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double rank = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(rank);
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (rank - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

LengthStats length_stats(std::vector<int> values) {
  LengthStats s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  for (const int v : values) s.total += static_cast<std::uint64_t>(v);
  s.mean = static_cast<double>(s.total) / static_cast<double>(values.size());
  s.p50 = percentile(values, 0.50);
  s.p90 = percentile(values, 0.90);
  s.p99 = percentile(values, 0.99);
  s.min = values.front();
  s.max = values.back();
  return s;
}

// Trie edge: (parent node, hash id) → child node. Node 0 is the root (the empty prefix).
struct Edge {
  std::uint64_t parent;
  std::uint64_t id;
  bool operator==(const Edge&) const = default;
};
struct EdgeHash {
  std::size_t operator()(const Edge& e) const noexcept {
    std::uint64_t z = e.parent * 0x9E3779B97F4A7C15ULL ^ e.id;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<std::size_t>(z ^ (z >> 31));
  }
};

}  // namespace

TraceStats compute_trace_stats(const Trace& trace, int block_tokens) {
  TraceStats s;
  s.requests = trace.entries.size();
  s.duration = trace.duration();
  const double seconds = core::to_seconds(s.duration);
  s.rate_per_s = seconds > 0 ? static_cast<double>(s.requests) / seconds : 0;
  s.block_tokens = block_tokens;

  std::vector<int> inputs;
  std::vector<int> outputs;
  inputs.reserve(s.requests);
  outputs.reserve(s.requests);
  std::size_t total_ids = 0;
  for (const auto& e : trace.entries) total_ids += e.hash_ids.size();
  std::unordered_map<Edge, std::uint64_t, EdgeHash> trie;
  trie.reserve(total_ids);
  std::uint64_t next_node = 1;
  const auto block = static_cast<std::uint64_t>(block_tokens);

  for (const auto& e : trace.entries) {
    inputs.push_back(e.input_length);
    outputs.push_back(e.output_length);
    const std::uint64_t n = e.hash_ids.size();
    const auto len = static_cast<std::uint64_t>(e.input_length);
    if (n > 0 && !((n - 1) * block < len && len <= n * block)) ++s.requests_off_block_grid;

    std::uint64_t node = 0;
    std::uint64_t reused_blocks = 0;
    bool on_shared_path = true;
    for (const std::uint64_t id : e.hash_ids) {
      const auto [it, inserted] = trie.try_emplace(Edge{node, id}, next_node);
      if (inserted) {
        ++next_node;
        on_shared_path = false;
      } else if (on_shared_path) {
        ++reused_blocks;
      }
      node = it->second;
    }
    s.reused_input_tokens += std::min(reused_blocks * block, len);
  }
  s.unique_prefixes = next_node - 1;
  s.input = length_stats(std::move(inputs));
  s.output = length_stats(std::move(outputs));
  s.prefix_reuse = s.input.total > 0 ? static_cast<double>(s.reused_input_tokens) / static_cast<double>(s.input.total) : 0;
  return s;
}

std::string format_trace_stats(const Trace& trace, const TraceStats& s) {
  std::string out;
  out += fmt::format("trace:          {}\n", trace.source);
  out += fmt::format("requests:       {}\n", s.requests);
  out += fmt::format("timestamps:     {} ({}){}\n", to_string(trace.unit), trace.unit_detected ? "detected" : "given",
                     trace.was_sorted ? "" : ", lines were not in time order (sorted)");
  out += fmt::format("duration:       {:.3f} s\n", core::to_seconds(s.duration));
  out += fmt::format("rate:           {:.3f} req/s\n", s.rate_per_s);
  const auto lengths = [&](const char* name, const LengthStats& l) {
    out += fmt::format("{:<15} total {}  mean {:.1f}  p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  min {}  max {}\n", name, l.total,
                       l.mean, l.p50, l.p90, l.p99, l.min, l.max);
  };
  lengths("input tokens:", s.input);
  lengths("output tokens:", s.output);
  out += fmt::format("prefix reuse:   {:.2f}% of input tokens ({} of {}), {}-token blocks, {} distinct block prefixes\n",
                     100.0 * s.prefix_reuse, s.reused_input_tokens, s.input.total, s.block_tokens, s.unique_prefixes);
  if (s.requests_off_block_grid > 0) {
    out += fmt::format("warning:        {} of {} requests have an input_length that does not fit their hash_ids at {} "
                       "tokens per block; their reuse is approximate (see --block-size)\n",
                       s.requests_off_block_grid, s.requests, s.block_tokens);
  }
  return out;
}

nlohmann::json trace_stats_json(const Trace& trace, const TraceStats& s) {
  const auto lengths = [](const LengthStats& l) {
    return nlohmann::json{{"total", l.total}, {"mean", l.mean}, {"p50", l.p50}, {"p90", l.p90},
                          {"p99", l.p99},     {"min", l.min},   {"max", l.max}};
  };
  return nlohmann::json{
      {"trace", trace.source},
      {"requests", s.requests},
      {"time_unit", std::string(to_string(trace.unit))},
      {"time_unit_detected", trace.unit_detected},
      {"was_sorted", trace.was_sorted},
      {"duration_s", core::to_seconds(s.duration)},
      {"rate_req_per_s", s.rate_per_s},
      {"input_tokens", lengths(s.input)},
      {"output_tokens", lengths(s.output)},
      {"block_tokens", s.block_tokens},
      {"reused_input_tokens", s.reused_input_tokens},
      {"prefix_reuse", s.prefix_reuse},
      {"unique_block_prefixes", s.unique_prefixes},
      {"requests_off_block_grid", s.requests_off_block_grid},
  };
}

}  // namespace lmbench::workloads
