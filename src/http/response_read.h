#pragma once
// Internal to src/http (it includes Beast): how Client reads one response off a stream after
// writing the request. A template over the stream so that client.cc runs it on TCP and TLS
// streams and fuzz/http_response_fuzz.cc on an in-memory Beast test stream holding arbitrary
// bytes: the parser settings, the body loop and the error mapping are this one code either way.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/none.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "http/client.h"

namespace lmbench::http::detail {

// Body bytes handed over per read. An SSE chunk of an OpenAI stream is 150-400 bytes, so one read
// usually carries whole events; 4 KiB per connection keeps 10,000 open streams small.
inline constexpr std::size_t kBodyBuffer = 4096;

// Bytes read off the connection but not parsed yet that the client holds at most. Normally a
// read's worth (Beast reads 64 KiB at a time); more only while the parser waits for the end of a
// response head, a chunk-size line or a trailer. The head has the parser's own limit (8 KiB),
// but a chunk-size line (its extensions) and the trailer have none and the body limit does not
// count them, so a server that never ends one would grow this buffer until the process dies
// (the idle timeout never fires while bytes keep coming). Over it the read fails with Beast's
// buffer_overflow: kind "protocol".
inline constexpr std::size_t kMaxBuffered = std::size_t{1} << 20;

struct Exchange {
  std::optional<core::Error> error;
  bool keep_alive = false;
  bool retryable = false;  // failed before any response byte on a reused connection
};

inline bool is_closed_by_peer(const boost::beast::error_code& ec) {
  namespace net = boost::asio;
  namespace bhttp = boost::beast::http;
  return ec == net::error::eof || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
         ec == net::ssl::error::stream_truncated;
}

inline long long as_ms(std::chrono::milliseconds d) { return static_cast<long long>(d.count()); }

// A failed read or write as the handler sees it. `phase` completes "waiting for ...".
inline core::Error read_error(const boost::beast::error_code& ec, bool cancelled, const char* phase,
                              std::chrono::milliseconds timeout) {
  namespace bhttp = boost::beast::http;
  if (cancelled) return core::Error{"cancelled", "request cancelled"};
  if (ec == boost::beast::error::timeout) {
    return core::Error{"timeout", std::string("no ") + phase + " within " + std::to_string(as_ms(timeout)) + " ms"};
  }
  if (is_closed_by_peer(ec)) {
    return core::Error{"reset", std::string("connection closed by the server while waiting for ") + phase + ": " +
                                    ec.message()};
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category()) {
    return core::Error{"protocol", std::string("malformed HTTP response (") + phase + "): " + ec.message()};
  }
  return core::Error{"reset", std::string("connection error while waiting for ") + phase + ": " + ec.message()};
}

inline core::Error body_too_long(const ClientOptions& options) {
  return core::Error{"malformed", "the response body is longer than " + std::to_string(options.max_body_bytes) +
                                      " bytes (ClientOptions::max_body_bytes)"};
}

// What read_response needs of the request it reads the answer of. References must outlive the
// read; `cancelled` may turn true while it is suspended.
struct ReadContext {
  ResponseHandler& handler;
  const core::Clock& clock;
  const ClientOptions& options;
  const bool& cancelled;
  bool head_only = false;  // a HEAD request: the answer has headers only
  bool reused = false;     // the connection served an earlier exchange (retry on early close)
  // ClientOptions::total_timeout from the start of writing the request (steady time); nullopt
  // without one.
  std::optional<std::chrono::steady_clock::time_point> total_deadline;
};

inline core::Error total_timeout_error(const ClientOptions& options) {
  return core::Error{"timeout", "the response did not end within " + std::to_string(as_ms(options.total_timeout)) +
                                    " ms (total timeout)"};
}

// Reads the response head and body from `stream` (leftover bytes of `buffer` first), handing
// them to ctx.handler: on_head once, then on_body per read of at most kBodyBuffer bytes into
// `body` (de-chunked). `deadline(d)` arms the stream's timeout for the next read, `deadline({})`
// disarms it. Returns the error the exchange ended with, if any, and whether the connection may
// be kept. The request was written already (the first-byte timeout is armed).
template <typename Stream, typename Deadline>
boost::asio::awaitable<Exchange> read_response(Stream& stream, boost::beast::flat_buffer& buffer, char* body,
                                               const ReadContext& ctx, Deadline deadline) {
  namespace net = boost::asio;
  namespace bhttp = boost::beast::http;
  constexpr auto tuple = net::experimental::as_tuple(net::use_awaitable);
  Exchange out;
  const ClientOptions& options = ctx.options;
  buffer.max_size(kMaxBuffered);
  bhttp::response_parser<bhttp::buffer_body> parser;
  if (options.max_body_bytes == 0) {
    parser.body_limit(boost::none);
  } else {
    parser.body_limit(options.max_body_bytes);
  }
  if (ctx.head_only) parser.skip(true);
  auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, tuple);
  if (hec == bhttp::error::body_limit) {  // a Content-Length over the limit
    out.error = body_too_long(options);
    co_return out;
  }
  if (hec) {
    const bool total = ctx.total_deadline && hec == boost::beast::error::timeout &&
                       std::chrono::steady_clock::now() >= *ctx.total_deadline;
    out.error = total ? total_timeout_error(options) : read_error(hec, ctx.cancelled, "a response", options.first_byte_timeout);
    out.retryable = ctx.reused && !ctx.cancelled && !parser.got_some() && is_closed_by_peer(hec);
    co_return out;
  }
  {
    const auto& msg = parser.get();
    ResponseHead head;
    head.status = static_cast<int>(msg.result_int());
    const auto text = [](boost::beast::string_view v) { return std::string(v.data(), v.size()); };
    head.reason = text(msg.reason());
    for (const auto& field : msg) head.headers.emplace_back(text(field.name_string()), text(field.value()));
    ctx.handler.on_head(head, ctx.clock.now());
  }
  while (!parser.is_done()) {
    if (ctx.cancelled) {
      out.error = core::Error{"cancelled", "request cancelled"};
      co_return out;
    }
    parser.get().body().data = body;
    parser.get().body().size = kBodyBuffer;
    std::chrono::milliseconds wait = options.idle_timeout;
    if (ctx.total_deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*ctx.total_deadline - std::chrono::steady_clock::now());
      if (left <= std::chrono::milliseconds(0)) {
        out.error = total_timeout_error(options);
        co_return out;
      }
      wait = std::min(wait, left);
    }
    deadline(std::optional<std::chrono::milliseconds>(wait));
    auto [rec, rn] = co_await bhttp::async_read_some(stream, buffer, parser, tuple);
    if (rec == bhttp::error::need_buffer) rec = {};
    const std::size_t got = kBodyBuffer - parser.get().body().size;
    if (got > 0 && !ctx.cancelled) {
      ctx.handler.on_body(std::string_view(body, got), ctx.clock.now());
      if (const core::Error* stop = ctx.handler.stop_reading()) {
        out.error = *stop;
        co_return out;
      }
    }
    if (rec == bhttp::error::body_limit) {
      out.error = body_too_long(options);
      co_return out;
    }
    if (rec) {
      const bool total = ctx.total_deadline && rec == boost::beast::error::timeout &&
                         std::chrono::steady_clock::now() >= *ctx.total_deadline;
      out.error = total ? total_timeout_error(options)
                        : read_error(rec, ctx.cancelled, "more of the response body", options.idle_timeout);
      co_return out;
    }
  }
  deadline(std::optional<std::chrono::milliseconds>());
  if (ctx.cancelled) {
    out.error = core::Error{"cancelled", "request cancelled"};
    co_return out;
  }
  out.keep_alive = parser.get().keep_alive();
  co_return out;
}

}  // namespace lmbench::http::detail
