#include "report/figures.h"

namespace lmbench::report {

const FigureInfo& figure_info(Figure f) {
  static const std::array<FigureInfo, 5> kInfo = {{
      {"TTFT", "TTFT mean", "ms", true},
      {"ITL", "ITL mean", "ms", true},
      {"TPOT", "TPOT mean", "ms", true},
      {"TTFT_p99", "TTFT p99", "ms", true},
      {"output_tok_per_s", "output throughput", "tok/s", false},
  }};
  return kInfo[index_of(f)];
}

std::optional<double> figure_value(const metrics::RunFile& run, Figure f) {
  switch (f) {
    case Figure::kTtft: return run.stat("ttft_ms", "mean");
    case Figure::kItl: return run.stat("itl_ms", "mean");
    case Figure::kTpot: return run.stat("tpot_ms", "mean");
    case Figure::kTtftP99: return run.stat("ttft_ms", "p99");
    case Figure::kOutputThroughput: {
      const auto it = run.results.find("output_token_throughput_tok_per_s");
      if (it == run.results.end() || !it->is_number()) return std::nullopt;
      return it->get<double>();
    }
  }
  return std::nullopt;
}

std::optional<TrialTag> trial_of(const metrics::RunFile& run) {
  const auto it = run.extra.find("trial");
  if (it == run.extra.end() || !it->is_object()) return std::nullopt;
  const auto index = it->find("index"), count = it->find("count");
  if (index == it->end() || count == it->end() || !index->is_number_integer() || !count->is_number_integer()) {
    return std::nullopt;
  }
  TrialTag tag{index->get<int>(), count->get<int>()};
  if (tag.index < 1 || tag.index > tag.count) return std::nullopt;
  return tag;
}

}  // namespace lmbench::report
