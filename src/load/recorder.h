#pragma once
// One request's http::ResponseHandler: parses the OpenAI stream as it arrives (every chunk
// stamped by the client's clock) and reports the result once, with the backend a router named.
// fill_record() turns that result into the RequestRecord fields it determines.

#include <cstddef>
#include <memory>
#include <string>

#include "http/client.h"
#include "metrics/record.h"
#include "openai/stream.h"
#include "text/tokenizer.h"

namespace lmbench::load {

// The response header a router or simulator sets to name the engine that served a request.
inline constexpr const char* kBackendHeader = "x-lmbench-backend";

// Receives finished requests, on the loop thread. `result` may be moved from.
class RecorderSink {
 public:
  virtual ~RecorderSink() = default;
  virtual void on_finished(std::size_t index, openai::StreamResult& result, std::string backend) = 0;
};

class Recorder final : public http::ResponseHandler {
 public:
  // `expected_chunks` (e.g. max_tokens) sizes the chunk-time list up front, so a stream does
  // not reallocate it as tokens arrive. A response over `limits` fails as "malformed" and is
  // not read further.
  Recorder(std::shared_ptr<RecorderSink> sink, std::size_t index, int expected_chunks = 0,
           openai::StreamLimits limits = {});

  void on_head(const http::ResponseHead& head, core::TimePoint t) override;
  void on_body(std::string_view data, core::TimePoint t) override;
  void on_complete(const core::Error* error, core::TimePoint t) override;
  const core::Error* stop_reading() const override { return parser_.over_limit(); }

 private:
  std::shared_ptr<RecorderSink> sink_;
  std::size_t index_;
  openai::StreamParser parser_;
  std::string backend_;
};

// Sets first_token, end, chunk_times, output tokens and their source, outcome and error of
// `rec` from a finished stream. Output tokens: the server's usage.completion_tokens when it
// sent usage, else `tokenizer`'s count of the text (when given), else 0 with TokenSource::kNone.
// Prompt tokens: usage.prompt_tokens when sent (what the server processed, chat template
// included), else left as the workload counted them. An error of kind "cancelled" (only the
// runner cancels) makes Outcome::kCancelled; any other error Outcome::kFailed.
void fill_record(metrics::RequestRecord& rec, openai::StreamResult& result, std::string backend,
                 const text::Tokenizer* tokenizer);

}  // namespace lmbench::load
