// Time of `lmbench trace stats` on a whole trace (default: the Mooncake trace, 12k requests):
// reading and parsing the JSONL, then the statistics with the prefix trie. Target (issue 8): the
// whole Mooncake trace in under a second. Prints the best of 5 runs, split into its two parts.
//
// Usage: bench_trace_stats [trace.jsonl]
#include <fmt/format.h>

#include <chrono>
#include <string>

#include "workloads/trace_file.h"
#include "workloads/trace_stats.h"

int main(int argc, char** argv) {
  using namespace lmbench;
  using Clock = std::chrono::steady_clock;
  const std::string path = argc > 1 ? argv[1] : std::string(LMBENCH_WORKLOADS_DIR) + "/trace-replayer/traces/mooncake_trace.jsonl";
  double best_parse = 1e9;
  double best_stats = 1e9;
  double best_total = 1e9;
  workloads::TraceStats stats;
  std::size_t ids = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = Clock::now();
    const auto trace = workloads::read_trace(path);
    const auto t1 = Clock::now();
    stats = workloads::compute_trace_stats(trace);
    const auto t2 = Clock::now();
    ids = 0;
    for (const auto& e : trace.entries) ids += e.hash_ids.size();
    best_parse = std::min(best_parse, std::chrono::duration<double>(t1 - t0).count());
    best_stats = std::min(best_stats, std::chrono::duration<double>(t2 - t1).count());
    best_total = std::min(best_total, std::chrono::duration<double>(t2 - t0).count());
  }
  fmt::print("trace: {} ({} requests, {} hash ids)\n", path, stats.requests, ids);
  fmt::print("read + parse:   {:8.1f} ms\n", best_parse * 1e3);
  fmt::print("stats + trie:   {:8.1f} ms\n", best_stats * 1e3);
  fmt::print("total:          {:8.1f} ms (target < 1000 ms)\n", best_total * 1e3);
  fmt::print("prefix reuse:   {:.2f}%\n", 100.0 * stats.prefix_reuse);
  return 0;
}
