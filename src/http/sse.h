#pragma once
// Server-sent events framing (WHATWG HTML "event stream" format) as pure functions: an encoder
// for servers and an incremental decoder for clients. No I/O, no allocation per event beyond the
// decoder's reused buffers, which its limits bound (a server that streams one endless line must
// not grow a client's memory until the process dies).

#include <cstddef>
#include <string>
#include <string_view>

namespace lmbench::http {

// The terminator OpenAI-compatible servers send after the last chunk.
inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";

// Appends one event to `out`: an optional "event:" line, then one "data:" line per line of
// `data` (a '\n', "\r\n" or '\r' inside data starts a new data line, so the decoder gives back
// the same text with '\n' separators), then the blank line that ends the event.
void append_sse_event(std::string& out, std::string_view data, std::string_view event = {});
std::string sse_event(std::string_view data, std::string_view event = {});
// ": text\n\n" — a comment line (keep-alive pings); decoders ignore it. `text` must not contain
// line breaks (they are replaced by spaces).
std::string sse_comment(std::string_view text);

struct SseEvent {
  std::string_view event;  // "" when the event had no "event:" field ("message" by the spec)
  std::string_view data;   // data lines joined with '\n'
  std::string_view id;     // last "id:" seen in this event, "" when none
};

// Bounds on what the decoder holds for one unfinished line and one unfinished event.
struct SseLimits {
  std::size_t max_line_bytes = std::size_t{1} << 20;   // one line, its field name included
  std::size_t max_event_bytes = std::size_t{1} << 20;  // the data of one event, lines joined
};

// Incremental decoder. Feed it bytes exactly as they come off the wire, split anywhere (inside
// a field name, between '\r' and '\n', inside a UTF-8 sequence); it calls `on_event` once per
// complete event, in order. Lines end with "\r\n", '\n' or '\r'. Comment lines (starting with
// ':'), unknown fields and "retry:" are ignored. An event with no data lines is not dispatched
// (as the spec says). The views passed to `on_event` are valid only during the call.
// A line or an event over its limit stops the decoder: feed() returns false from then on, drops
// what it held and every later byte, and error() says which limit was exceeded.
class SseDecoder {
 public:
  SseDecoder() = default;
  explicit SseDecoder(SseLimits limits) : limits_(limits) {}

  template <typename OnEvent>
  bool feed(std::string_view bytes, OnEvent&& on_event) {
    if (failed()) return false;
    std::size_t pos = 0;
    const std::size_t n = bytes.size();
    if (skip_lf_ && n > 0) {
      skip_lf_ = false;
      if (bytes[0] == '\n') pos = 1;
    }
    while (pos < n) {
      const std::size_t eol = find_eol(bytes, pos);
      if (eol == std::string_view::npos) {
        if (partial_.size() + (n - pos) > limits_.max_line_bytes) return line_too_long();
        partial_.append(bytes.data() + pos, n - pos);
        return true;
      }
      std::string_view line = bytes.substr(pos, eol - pos);
      if (partial_.size() + line.size() > limits_.max_line_bytes) return line_too_long();
      if (bytes[eol] == '\r') {
        if (eol + 1 < n) {
          pos = bytes[eol + 1] == '\n' ? eol + 2 : eol + 1;
        } else {
          pos = eol + 1;
          skip_lf_ = true;
        }
      } else {
        pos = eol + 1;
      }
      if (!partial_.empty()) {
        partial_.append(line.data(), line.size());
        line_buffer_.swap(partial_);
        partial_.clear();
        process_line(line_buffer_, on_event);
      } else {
        process_line(line, on_event);
      }
      if (failed()) return false;
    }
    return true;
  }

  // End of stream. The spec discards an event that was not terminated by a blank line; many
  // servers end the body right after "data: [DONE]\n", so this dispatches such a last event
  // (including an unterminated last line) instead of losing it. Returns true when it did.
  template <typename OnEvent>
  bool finish(OnEvent&& on_event) {
    if (failed()) return false;
    if (!partial_.empty()) {
      line_buffer_.swap(partial_);
      partial_.clear();
      process_line(line_buffer_, on_event);
    }
    skip_lf_ = false;
    if (failed() || !has_data_) {
      reset_event();
      return false;
    }
    dispatch(on_event);
    return true;
  }

  // Bytes held for an unfinished line or event (0 between events).
  std::size_t buffered() const { return partial_.size() + data_.size(); }
  // A limit was exceeded; error() names it.
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    partial_.clear();
    partial_.shrink_to_fit();
    data_.clear();
    data_.shrink_to_fit();
    reset_event();
    return false;
  }
  bool line_too_long() {
    return fail("an SSE line is longer than " + std::to_string(limits_.max_line_bytes) +
                " bytes (SseLimits::max_line_bytes)");
  }

  static std::size_t find_eol(std::string_view s, std::size_t from) {
    for (std::size_t i = from; i < s.size(); ++i) {
      if (s[i] == '\n' || s[i] == '\r') return i;
    }
    return std::string_view::npos;
  }

  template <typename OnEvent>
  void process_line(std::string_view line, OnEvent& on_event) {
    if (line.empty()) {
      if (has_data_) {
        dispatch(on_event);
      } else {
        reset_event();
      }
      return;
    }
    if (line.front() == ':') return;
    std::string_view field = line;
    std::string_view value;
    if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      field = line.substr(0, colon);
      value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
      if (data_.size() + (has_data_ ? 1 : 0) + value.size() > limits_.max_event_bytes) {
        fail("an SSE event's data is longer than " + std::to_string(limits_.max_event_bytes) +
             " bytes (SseLimits::max_event_bytes)");
        return;
      }
      if (has_data_) data_.push_back('\n');
      data_.append(value.data(), value.size());
      has_data_ = true;
    } else if (field == "event") {
      event_.assign(value.data(), value.size());
    } else if (field == "id") {
      if (value.find('\0') == std::string_view::npos) id_.assign(value.data(), value.size());
    }
  }

  template <typename OnEvent>
  void dispatch(OnEvent& on_event) {
    SseEvent e{event_, data_, id_};
    on_event(e);
    reset_event();
  }

  void reset_event() {
    data_.clear();
    event_.clear();
    has_data_ = false;
  }

  SseLimits limits_;
  std::string error_;        // why the decoder stopped; "" while it runs
  std::string partial_;      // an incomplete line carried to the next feed()
  std::string line_buffer_;  // a line completed across feeds
  std::string data_;
  std::string event_;
  std::string id_;  // persists across events, as the spec's "last event ID"
  bool has_data_ = false;
  bool skip_lf_ = false;     // the previous feed ended with '\r': drop a leading '\n'
};

}  // namespace lmbench::http
