#include "metrics/summary.h"

#include <algorithm>
#include <vector>

namespace lmbench::metrics {

namespace {

// At most `max` bytes of `s`, never ending inside a UTF-8 character (a cut character makes the
// run JSON unwritable).
std::string utf8_prefix(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

Summary summarize(std::span<const RequestRecord> records, const SummaryOptions& options) {
  Summary s;
  s.slo = options.slo;
  std::vector<double> ttft, tpot, itl, e2e, lag, client_lag_samples;
  std::optional<core::TimePoint> first_send, last_end;
  std::map<std::string, std::size_t> failure_texts;

  for (const RequestRecord& r : records) {
    if (r.warmup) {
      ++s.warmup_requests;
      continue;
    }
    ++s.total_requests;
    first_send = first_send ? std::min(*first_send, r.actual_send) : r.actual_send;
    last_end = last_end ? std::max(*last_end, r.end) : r.end;
    lag.push_back(core::to_ms(r.actual_send - r.intended_send));
    client_lag_samples.push_back(core::to_ms(client_lag(r)));

    if (r.outcome == Outcome::kFailed) ++s.failed_requests;
    if (r.outcome == Outcome::kCancelled) ++s.cancelled_requests;
    if (!r.ok()) {
      const std::string kind =
          r.error_kind.empty() ? (r.outcome == Outcome::kCancelled ? "cancelled" : "unknown") : r.error_kind;
      ++s.errors[kind];
      // HTTP errors' messages name their status already ("HTTP 400: ...").
      const std::string text = r.error_message.empty()                ? kind
                               : r.error_message.rfind("HTTP ", 0) == 0 ? utf8_prefix(r.error_message, 200)
                                                                        : kind + ": " + utf8_prefix(r.error_message, 200);
      const std::size_t n = ++failure_texts[text];
      if (n > s.top_error_count) {
        s.top_error_count = n;
        s.top_error = text;
      }
      continue;
    }

    ++s.successful_requests;
    s.total_input_tokens += r.prompt_tokens;
    s.total_output_tokens += r.output_tokens;
    switch (r.output_token_source) {
      case TokenSource::kServerUsage: ++s.output_tokens_from_usage; break;
      case TokenSource::kTokenizer: ++s.output_tokens_from_tokenizer; break;
      case TokenSource::kNone: ++s.output_tokens_unknown; break;
    }
    e2e.push_back(core::to_ms(r.end - r.actual_send));
    if (r.has_first_token()) {
      ttft.push_back(core::to_ms(r.first_token - r.actual_send));
      if (r.output_tokens > 1) tpot.push_back(core::to_ms(r.end - r.first_token) / (r.output_tokens - 1));
    }
    for (std::size_t i = 1; i < r.chunk_times.size(); ++i) {
      itl.push_back(core::to_ms(r.chunk_times[i] - r.chunk_times[i - 1]));
    }
    if (s.slo.met_by(r)) ++s.good_requests;
  }

  const auto start = options.window_start ? options.window_start : first_send;
  const auto stop = options.window_end ? options.window_end : last_end;
  if (start && stop && *stop > *start) s.duration_s = core::to_seconds(*stop - *start);
  if (s.duration_s > 0) {
    s.request_throughput = static_cast<double>(s.successful_requests) / s.duration_s;
    s.input_token_throughput = static_cast<double>(s.total_input_tokens) / s.duration_s;
    s.output_token_throughput = static_cast<double>(s.total_output_tokens) / s.duration_s;
    s.total_token_throughput =
        static_cast<double>(s.total_input_tokens + s.total_output_tokens) / s.duration_s;
    s.goodput = static_cast<double>(s.good_requests) / s.duration_s;
  }
  s.ttft_ms = describe(std::move(ttft));
  s.tpot_ms = describe(std::move(tpot));
  s.itl_ms = describe(std::move(itl));
  s.e2e_ms = describe(std::move(e2e));
  s.lag_ms = describe(std::move(lag));
  s.client_lag_ms = describe(std::move(client_lag_samples));
  return s;
}

}  // namespace lmbench::metrics
