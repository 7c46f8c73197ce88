#include "openai/stream.h"

#include <algorithm>

namespace lmbench::openai {

namespace {
// Non-SSE bodies (error JSON, non-streamed answers) are kept up to this size.
constexpr std::size_t kMaxRawBody = 16u << 20;

// An excerpt of what the server sent, for an error message: its first `max` bytes on one line.
// The message ends up in the CSV and the run JSON, so it must be valid UTF-8 whatever the server
// sent: the cut falls between characters, never inside one, and bytes that begin no well-formed
// sequence are written as \xNN.
std::string one_line(std::string_view s, std::size_t max) {
  std::size_t cut = 0;
  while (cut < s.size()) {
    const std::size_t n = std::max<std::size_t>(utf8_sequence_length(s.substr(cut)), 1);
    if (cut + n > max) break;
    cut += n;
  }
  std::string out = escape_invalid_utf8(s.substr(0, cut));
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  if (cut < s.size()) out += "...";
  return out;
}
}  // namespace

StreamParser::StreamParser(StreamLimits limits)
    : limits_(limits), sse_(http::SseLimits{limits.max_line_bytes, limits.max_event_bytes}) {}

void StreamParser::on_head(int status, std::string_view content_type) {
  result_.http_status = status;
  // text/event-stream, or no content type at all: decode as SSE. Anything else (JSON) is a whole
  // response, parsed at the end.
  sse_body_ = status == 200 && (content_type.empty() || content_type.find("event-stream") != std::string_view::npos);
}

void StreamParser::fail(std::string kind, std::string message) {
  if (failed_) return;
  failed_ = true;
  result_.error = core::Error{std::move(kind), std::move(message)};
}

void StreamParser::on_event(std::string_view data, core::TimePoint t) {
  if (failed_ || result_.saw_done) return;
  if (data == "[DONE]") {
    result_.saw_done = true;
    return;
  }
  std::string why;
  if (!parse_chunk(data, chunk_, &why)) {
    fail("malformed", "chunk is not valid JSON (" + why + "): " + one_line(data, 200));
    return;
  }
  if (chunk_.error) {
    const auto& e = *chunk_.error;
    fail("stream_error", (e.message.empty() ? std::string("error in stream") : e.message) +
                             (e.type.empty() ? "" : " (" + e.type + ")"));
    return;
  }
  if (result_.text.size() + chunk_.content.size() > limits_.max_answer_bytes) {
    fail("malformed", "the answer is longer than " + std::to_string(limits_.max_answer_bytes) +
                          " bytes (StreamLimits::max_answer_bytes)");
    over_limit_ = true;
    return;
  }
  if (!chunk_.content.empty() || !chunk_.reasoning.empty()) {
    if (result_.chunk_times.empty()) result_.first_token = t;
    result_.chunk_times.push_back(t);
    result_.text += chunk_.content;
  }
  if (!chunk_.finish_reason.empty()) result_.finish_reason = chunk_.finish_reason;
  if (chunk_.usage) result_.usage = chunk_.usage;
}

void StreamParser::on_body(std::string_view data, core::TimePoint t) {
  if (!sse_body_) {
    if (raw_.size() < kMaxRawBody) raw_.append(data.substr(0, kMaxRawBody - raw_.size()));
    return;
  }
  if (over_limit_) return;
  if (!sse_.feed(data, [&](const http::SseEvent& e) { on_event(e.data, t); })) {
    fail("malformed", sse_.error());  // unless the stream had failed already
    over_limit_ = true;
  }
}

StreamResult& StreamParser::finish(const core::Error* transport, core::TimePoint t) {
  result_.end = t;
  if (sse_body_ && !over_limit_) sse_.finish([&](const http::SseEvent& e) { on_event(e.data, t); });
  if (over_limit_) {
    // The client stopped reading because of it (its error is this one, or a cancel after it).
  } else if (transport) {
    failed_ = false;  // the transport failure is the reason that matters
    fail(transport->kind, transport->message);
  } else if (result_.http_status != 200) {
    std::string message = "HTTP " + std::to_string(result_.http_status);
    Chunk c;
    if (parse_chunk(raw_, c) && c.error && !c.error->message.empty()) {
      message += ": " + c.error->message;
    } else if (!raw_.empty()) {
      message += ": " + one_line(raw_, 300);
    }
    failed_ = false;
    fail("http_" + std::to_string(result_.http_status), std::move(message));
  } else if (!sse_body_ && !failed_) {
    // A whole (non-streamed) answer.
    std::string why;
    if (!parse_chunk(raw_, chunk_, &why)) {
      fail("malformed", "response is not valid JSON (" + why + "): " + one_line(raw_, 200));
    } else if (chunk_.error) {
      fail("stream_error", chunk_.error->message);
    } else {
      result_.text = chunk_.content;
      if (!chunk_.content.empty() || !chunk_.reasoning.empty()) {
        result_.first_token = t;
        result_.chunk_times.push_back(t);
      }
      result_.finish_reason = chunk_.finish_reason;
      result_.usage = chunk_.usage;
      result_.saw_done = true;
    }
  } else if (!failed_ && !result_.saw_done && result_.finish_reason.empty()) {
    fail("incomplete", "the stream ended without data: [DONE] or a finish_reason");
  }
  result_.ok = !failed_;
  return result_;
}

void StreamHandler::on_sent(core::TimePoint t) { parser_.result().sent = t; }

void StreamHandler::on_head(const http::ResponseHead& head, core::TimePoint) {
  parser_.on_head(head.status, head.header("content-type"));
}

void StreamHandler::on_body(std::string_view data, core::TimePoint t) { parser_.on_body(data, t); }

void StreamHandler::on_complete(const core::Error* error, core::TimePoint t) {
  StreamResult& r = parser_.finish(error, t);
  if (done_) done_(r);
}

}  // namespace lmbench::openai
