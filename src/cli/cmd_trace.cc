#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "core/error.h"
#include "workloads/trace_file.h"
#include "workloads/trace_stats.h"

namespace lmbench::cli {

namespace {

struct TraceStatsArgs {
  std::string file;
  bool json = false;
  int block_tokens = 512;
  std::string time_unit = "auto";
};

int run_trace_stats(const TraceStatsArgs& args) {
  workloads::TraceOptions options;
  if (args.time_unit != "auto") {
    options.unit = workloads::parse_time_unit(args.time_unit);
    if (!options.unit) {
      throw core::ConfigError(fmt::format("--time-unit: expected auto, s, ms, us or ns, found '{}'", args.time_unit));
    }
  }
  const auto trace = workloads::read_trace(args.file, options);
  const auto stats = workloads::compute_trace_stats(trace, args.block_tokens);
  if (args.json) {
    fmt::print("{}\n", workloads::trace_stats_json(trace, stats).dump(2));
  } else {
    fmt::print("{}", workloads::format_trace_stats(trace, stats));
  }
  return 0;
}

}  // namespace

Command add_trace(CLI::App& app) {
  auto* sub = app.add_subcommand("trace", "Inspect request traces (trace stats FILE)");
  sub->require_subcommand(1);
  auto args = std::make_shared<TraceStatsArgs>();
  auto* stats = sub->add_subcommand(
      "stats", "Requests, duration, rate, input/output length percentiles and prefix reuse of a JSONL trace");
  stats->add_option("file", args->file, "Trace file: JSONL {timestamp, input_length, output_length, hash_ids}")
      ->required();
  stats->add_flag("--json", args->json, "Print JSON instead of text");
  stats->add_option("--block-size", args->block_tokens, "Tokens per hash id (default 512, as in Mooncake traces)")
      ->check(CLI::PositiveNumber);
  stats->add_option("--time-unit", args->time_unit, "Timestamp unit: auto (detect), s, ms, us or ns");
  return {sub, [args] { return run_trace_stats(*args); }};
}

}  // namespace lmbench::cli
