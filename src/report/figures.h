#pragma once
// The figures a point is summarised by across repeated trials (`lmbench run --repeat N`), and the
// trial block a run JSON carries: "trial": {"index": i, "count": N} (1-based).

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "metrics/run_file.h"

namespace lmbench::report {

enum class Figure { kTtft, kItl, kTpot, kTtftP99, kOutputThroughput };
inline constexpr std::array<Figure, 5> kFigures = {Figure::kTtft, Figure::kItl, Figure::kTpot, Figure::kTtftP99,
                                                   Figure::kOutputThroughput};

struct FigureInfo {
  std::string_view json_name;  // "TTFT", "ITL", "TPOT" (the comparison file's), "TTFT_p99", "output_tok_per_s"
  std::string_view label;      // for tables: "TTFT mean"
  std::string_view unit;       // "ms" or "tok/s"
  bool lower_is_better;        // latencies; throughput is the other way round
};
const FigureInfo& figure_info(Figure f);
inline std::size_t index_of(Figure f) { return static_cast<std::size_t>(f); }

// One trial's value: the run JSON's ttft_ms/itl_ms/tpot_ms mean, ttft_ms p99, or
// output_token_throughput_tok_per_s; std::nullopt when the run does not have it.
std::optional<double> figure_value(const metrics::RunFile& run, Figure f);

struct TrialTag {
  int index = 1;  // 1-based
  int count = 1;
};
// The run's "trial" block when it is well formed (integers, 1 <= index <= count).
std::optional<TrialTag> trial_of(const metrics::RunFile& run);

}  // namespace lmbench::report
