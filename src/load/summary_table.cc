#include "load/summary_table.h"

#include <fmt/format.h>

#include <optional>

namespace lmbench::load {

namespace {

void add_row(std::string& out, const char* name, const std::optional<metrics::Distribution>& d) {
  if (!d) {
    out += fmt::format("  {:<10}{:>11}{:>11}{:>11}{:>11}{:>9}\n", name, "-", "-", "-", "-", 0);
    return;
  }
  out += fmt::format("  {:<10}{:>11.3f}{:>11.3f}{:>11.3f}{:>11.3f}{:>9}\n", name, d->mean, d->median, d->p90, d->p99,
                     d->count);
}

}  // namespace

std::string format_summary_table(const metrics::Summary& s) {
  std::string out;
  out += fmt::format("  {:<10}{:>11}{:>11}{:>11}{:>11}{:>9}\n", "(ms)", "mean", "p50", "p90", "p99", "count");
  add_row(out, "TTFT", s.ttft_ms);
  add_row(out, "TPOT", s.tpot_ms);
  add_row(out, "ITL", s.itl_ms);
  add_row(out, "E2E", s.e2e_ms);
  add_row(out, "lag", s.lag_ms);
  out += "\n";
  auto line = [&](const char* name, const std::string& value) { out += fmt::format("  {:<28}{}\n", name, value); };
  line("requests", fmt::format("{} ok, {} failed, {} cancelled (of {})", s.successful_requests, s.failed_requests,
                               s.cancelled_requests, s.total_requests));
  for (const auto& [kind, n] : s.errors) line(fmt::format("  {}", kind).c_str(), std::to_string(n));
  line("duration", fmt::format("{:.3f} s", s.duration_s));
  line("request throughput", fmt::format("{:.2f} req/s", s.request_throughput));
  line("input token throughput", fmt::format("{:.2f} tok/s", s.input_token_throughput));
  line("output token throughput", fmt::format("{:.2f} tok/s", s.output_token_throughput));
  line("total token throughput", fmt::format("{:.2f} tok/s", s.total_token_throughput));
  line("tokens in / out", fmt::format("{} / {}", s.total_input_tokens, s.total_output_tokens));
  if (s.output_tokens_from_tokenizer > 0 || s.output_tokens_unknown > 0) {
    line("output tokens counted by", fmt::format("server usage {}, tokenizer {}, unknown {}", s.output_tokens_from_usage,
                                                 s.output_tokens_from_tokenizer, s.output_tokens_unknown));
  }
  if (!s.slo.empty()) {
    line("goodput", fmt::format("{:.2f} req/s ({} of {} met {})", s.goodput, s.good_requests, s.successful_requests,
                                metrics::to_string(s.slo)));
  }
  return out;
}

}  // namespace lmbench::load
