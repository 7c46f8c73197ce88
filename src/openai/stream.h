#pragma once
// Client side: one streamed (or whole) OpenAI response turned into a StreamResult — content,
// chunk arrival times, usage, and a failure kind when it did not succeed. StreamParser is the
// pure part (bytes in, result out); StreamHandler plugs it into http::Client.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "http/client.h"
#include "http/sse.h"
#include "openai/chunk.h"

namespace lmbench::openai {

struct StreamResult {
  bool ok = false;
  // When !ok. Kinds: the http client's ("connect", "tls", "timeout", "reset", "protocol",
  // "cancelled"), "http_<status>" for a non-200 answer (message from the OpenAI error body when
  // there is one), "stream_error" for an error object inside the stream, "malformed" for a chunk
  // that is not valid JSON or a stream over a StreamLimits bound (the message names which),
  // "incomplete" for a stream that ended without [DONE] or finish_reason.
  core::Error error;
  int http_status = 0;
  std::string text;                     // all content, concatenated
  core::TimePoint sent{};               // request written
  core::TimePoint first_token{};        // first chunk with non-empty content; {} when none
  core::TimePoint end{};                // response complete (or failed)
  std::vector<core::TimePoint> chunk_times;  // every chunk with non-empty content (or reasoning)
  std::optional<Usage> usage;           // from the last chunk that had one
  std::string finish_reason;
  bool saw_done = false;                // "data: [DONE]" arrived
};

// What one response may make the client hold. A server that streams one endless line (or
// event, or answer) would otherwise keep the idle timeout from firing and grow the client's
// memory until the process dies; over a bound, the request fails as "malformed" with the reason
// and the client stops reading it (StreamHandler and load::Recorder close its connection).
struct StreamLimits {
  std::size_t max_line_bytes = std::size_t{1} << 20;    // one SSE line
  std::size_t max_event_bytes = std::size_t{1} << 20;   // the data of one SSE event
  std::size_t max_answer_bytes = std::size_t{1} << 20;  // StreamResult::text, all content chunks
};

// Feeds on the body of one response. on_head() first, then on_body() per read, then finish().
class StreamParser {
 public:
  StreamParser() : StreamParser(StreamLimits{}) {}
  explicit StreamParser(StreamLimits limits);
  // Non-null once the response went over a StreamLimits bound: reading more of it is pointless
  // (http::ResponseHandler::stop_reading). Valid until finish().
  const core::Error* over_limit() const { return over_limit_ ? &result_.error : nullptr; }
  void on_head(int status, std::string_view content_type);
  void on_body(std::string_view data, core::TimePoint t);
  // `transport` is the http client's error, null when the body arrived whole.
  StreamResult& finish(const core::Error* transport, core::TimePoint t);
  const StreamResult& result() const { return result_; }
  StreamResult& result() { return result_; }

 private:
  void on_event(std::string_view data, core::TimePoint t);
  void fail(std::string kind, std::string message);

  StreamLimits limits_;
  StreamResult result_;
  http::SseDecoder sse_;
  Chunk chunk_;                   // reused across events
  std::string raw_;               // non-SSE bodies (errors, non-streamed answers), capped
  bool sse_body_ = true;
  bool failed_ = false;
  bool over_limit_ = false;
};

// An http::ResponseHandler that parses the stream and calls `done` once with the result.
class StreamHandler final : public http::ResponseHandler {
 public:
  using Done = std::function<void(StreamResult&)>;
  explicit StreamHandler(Done done, StreamLimits limits = {}) : parser_(limits), done_(std::move(done)) {}

  void on_sent(core::TimePoint t) override;
  void on_head(const http::ResponseHead& head, core::TimePoint t) override;
  void on_body(std::string_view data, core::TimePoint t) override;
  void on_complete(const core::Error* error, core::TimePoint t) override;
  const core::Error* stop_reading() const override { return parser_.over_limit(); }

 private:
  StreamParser parser_;
  Done done_;
};

}  // namespace lmbench::openai
