#include "workloads/trace_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/files.h"

namespace lmbench::workloads {
namespace {

std::string mooncake_path() { return std::string(LMBENCH_WORKLOADS_DIR) + "/trace-replayer/traces/mooncake_trace.jsonl"; }

// Reuse the slow way: for each request, the longest leading run of hash ids it shares with any
// earlier request, compared pairwise.
std::uint64_t brute_force_reused_tokens(const Trace& t, int block) {
  std::uint64_t reused = 0;
  for (std::size_t i = 0; i < t.entries.size(); ++i) {
    const auto& a = t.entries[i].hash_ids;
    std::size_t best = 0;
    for (std::size_t j = 0; j < i; ++j) {
      const auto& b = t.entries[j].hash_ids;
      const auto n = std::min(a.size(), b.size());
      std::size_t k = 0;
      while (k < n && a[k] == b[k]) ++k;
      best = std::max(best, k);
    }
    reused += std::min<std::uint64_t>(best * block, t.entries[i].input_length);
  }
  return reused;
}

TEST(TraceStats, SmallTraceByHand) {
  // Block size 4. Request 2 shares [1, 2] with request 1 (8 tokens), request 3 shares [1] (4),
  // request 4 repeats request 1 entirely (its 7 tokens), request 5 shares nothing.
  const std::string text =
      "{\"timestamp\": 0, \"input_length\": 7, \"output_length\": 10, \"hash_ids\": [1, 2]}\n"
      "{\"timestamp\": 1, \"input_length\": 12, \"output_length\": 20, \"hash_ids\": [1, 2, 3]}\n"
      "{\"timestamp\": 2, \"input_length\": 8, \"output_length\": 30, \"hash_ids\": [1, 9]}\n"
      "{\"timestamp\": 3, \"input_length\": 7, \"output_length\": 40, \"hash_ids\": [1, 2]}\n"
      "{\"timestamp\": 4, \"input_length\": 3, \"output_length\": 50, \"hash_ids\": [2]}\n";
  const Trace t = parse_trace(text, "small.jsonl");
  const TraceStats s = compute_trace_stats(t, 4);
  EXPECT_EQ(s.requests, 5u);
  EXPECT_EQ(s.duration, std::chrono::seconds{4});
  EXPECT_DOUBLE_EQ(s.rate_per_s, 5.0 / 4.0);
  EXPECT_EQ(s.input.total, 37u);
  EXPECT_EQ(s.reused_input_tokens, 8u + 4u + 7u);
  EXPECT_DOUBLE_EQ(s.prefix_reuse, 19.0 / 37.0);
  EXPECT_EQ(s.unique_prefixes, 5u);  // [1] [1,2] [1,2,3] [1,9] [2]
  EXPECT_EQ(s.requests_off_block_grid, 0u);
  EXPECT_DOUBLE_EQ(s.output.mean, 30.0);
  EXPECT_DOUBLE_EQ(s.output.p50, 30.0);
  EXPECT_DOUBLE_EQ(s.output.p90, 46.0);  // between 40 and 50 at rank 3.6
  EXPECT_DOUBLE_EQ(s.output.p99, 49.6);
  EXPECT_EQ(s.output.min, 10);
  EXPECT_EQ(s.output.max, 50);
  EXPECT_EQ(s.reused_input_tokens, brute_force_reused_tokens(t, 4));
  // At 512 tokens per block every request is off the grid but one ([2] with 3 tokens fits).
  EXPECT_EQ(compute_trace_stats(t, 512).requests_off_block_grid, 4u);
}

TEST(TraceStats, PrefixReuseMatchesBruteForceOnAMooncakeSlice) {
  const std::string all = core::read_file(mooncake_path());
  std::size_t cut = 0;
  for (int lines = 0; lines < 2500; ++lines) cut = all.find('\n', cut) + 1;
  const Trace t = parse_trace(std::string_view(all).substr(0, cut), "slice");
  ASSERT_EQ(t.entries.size(), 2500u);
  for (int block : {512, 100}) {
    const TraceStats s = compute_trace_stats(t, block);
    const std::uint64_t expected = brute_force_reused_tokens(t, block);
    EXPECT_EQ(s.reused_input_tokens, expected) << block;
    EXPECT_GT(expected, 0u);
    EXPECT_LT(expected, s.input.total);
  }
}

TEST(TraceStats, WholeMooncakeTrace) {
  const Trace t = read_trace(mooncake_path());
  const TraceStats s = compute_trace_stats(t);
  EXPECT_EQ(s.requests, 12031u);
  EXPECT_NEAR(core::to_seconds(s.duration), 3536.999, 1e-9);
  EXPECT_NEAR(s.rate_per_s, 12031 / 3536.999, 1e-9);
  EXPECT_EQ(s.requests_off_block_grid, 0u);
  EXPECT_EQ(s.input.min, 891);
  EXPECT_EQ(s.input.max, 126195);
  EXPECT_EQ(s.output.min, 1);
  EXPECT_GT(s.prefix_reuse, 0.0);
  EXPECT_LT(s.prefix_reuse, 1.0);
  const auto j = trace_stats_json(t, s);
  EXPECT_EQ(j.at("requests"), 12031);
  EXPECT_EQ(j.at("time_unit"), "ms");
  EXPECT_EQ(j.at("reused_input_tokens").get<std::uint64_t>(), s.reused_input_tokens);
  const std::string text = format_trace_stats(t, s);
  EXPECT_NE(text.find("requests:       12031"), std::string::npos) << text;
  EXPECT_NE(text.find("prefix reuse:"), std::string::npos) << text;
}

}  // namespace
}  // namespace lmbench::workloads
