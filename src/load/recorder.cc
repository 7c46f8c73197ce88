#include "load/recorder.h"

#include <algorithm>

#include "openai/chunk.h"

namespace lmbench::load {

namespace {
// Up front, at most this many chunk times are reserved (longer answers grow the list as usual).
constexpr int kMaxReservedChunks = 4096;
}  // namespace

Recorder::Recorder(std::shared_ptr<RecorderSink> sink, std::size_t index, int expected_chunks,
                   openai::StreamLimits limits)
    : sink_(std::move(sink)), index_(index), parser_(limits) {
  if (expected_chunks > 0) {
    parser_.result().chunk_times.reserve(static_cast<std::size_t>(std::min(expected_chunks, kMaxReservedChunks)));
  }
}

void Recorder::on_head(const http::ResponseHead& head, core::TimePoint) {
  parser_.on_head(head.status, head.header("content-type"));
  // A name the server chose: kept as valid UTF-8 (records are written as JSON).
  backend_ = openai::escape_invalid_utf8(head.header(kBackendHeader));
}

void Recorder::on_body(std::string_view data, core::TimePoint t) { parser_.on_body(data, t); }

void Recorder::on_complete(const core::Error* error, core::TimePoint t) {
  openai::StreamResult& r = parser_.finish(error, t);
  sink_->on_finished(index_, r, std::move(backend_));
}

void fill_record(metrics::RequestRecord& rec, openai::StreamResult& r, std::string backend,
                 const text::Tokenizer* tokenizer) {
  rec.backend = std::move(backend);
  rec.first_token = r.first_token;
  rec.end = r.end;
  rec.chunk_times = std::move(r.chunk_times);
  if (r.usage) {
    rec.output_tokens = r.usage->completion_tokens;
    rec.output_token_source = metrics::TokenSource::kServerUsage;
    if (r.usage->prompt_tokens > 0) rec.prompt_tokens = r.usage->prompt_tokens;
    rec.cached_tokens = r.usage->cached_tokens;
  } else if (tokenizer != nullptr && r.ok) {
    rec.output_tokens = static_cast<int>(tokenizer->count(r.text));
    rec.output_token_source = metrics::TokenSource::kTokenizer;
  } else {
    rec.output_tokens = 0;
    rec.output_token_source = metrics::TokenSource::kNone;
  }
  if (r.ok) {
    rec.outcome = metrics::Outcome::kOk;
    return;
  }
  rec.outcome = r.error.kind == "cancelled" ? metrics::Outcome::kCancelled : metrics::Outcome::kFailed;
  rec.error_kind = r.error.kind;
  rec.error_message = r.error.message;
}

}  // namespace lmbench::load
