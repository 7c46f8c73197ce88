#pragma once
// Asynchronous HTTP/1.1 client for an open-loop load generator: many requests in flight on one
// io_context, keep-alive connection pools per origin, https through OpenSSL, and every piece of a
// response body handed over as it arrives, stamped with the injected clock.
//
// Threading: a Client and its handlers belong to the thread that runs its io_context. Call
// start()/cancel() on that thread (from a handler, a timer, or before run()).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "http/url.h"

namespace boost::asio {
class io_context;
}

namespace lmbench::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; "" when absent.
std::string_view find_header(const Headers& headers, std::string_view name);

struct ClientOptions {
  // Resolve + TCP connect + TLS handshake of a new connection.
  std::chrono::milliseconds connect_timeout{10'000};
  // From the start of writing the request to the end of the response head.
  std::chrono::milliseconds first_byte_timeout{120'000};
  // Longest silence between two reads of the body.
  std::chrono::milliseconds idle_timeout{120'000};
  // Longest whole exchange, from the start of writing the request to the end of the response;
  // 0 = none. A server that keeps a stream alive with a byte now and then never trips the idle
  // timeout: this ends it, with kind "timeout".
  std::chrono::milliseconds total_timeout{0};
  // Open connections per origin; 0 = no limit (an open-loop run needs one per stream in flight).
  // Requests over the limit wait, in order, for a connection to come back.
  std::size_t max_connections_per_origin = 0;
  // Idle keep-alive connections kept per origin; the rest are closed when they come back.
  std::size_t max_idle_per_origin = 4096;
  // Longest response body (de-chunked) read; longer ones fail with kind "malformed" and their
  // connection is closed. 0 = no limit. Generous: a 256k-token stream of vLLM chunks is ~80 MiB.
  std::uint64_t max_body_bytes = std::uint64_t{256} << 20;
  // https: verify the server's certificate chain and host name (set false for self-signed
  // endpoints you trust). ca_file adds PEM trust anchors to the system's.
  bool verify_tls = true;
  std::string ca_file;
  // Sent as "Authorization: Bearer <token>" unless a request sets Authorization itself.
  std::string bearer_token;
  Headers default_headers;
  std::string user_agent = "lmbench";
};

// The token in environment variable `name`, "" when unset (e.g. OPENAI_API_KEY).
std::string bearer_from_env(const char* name);

struct Request {
  std::string method = "GET";
  Url url;
  Headers headers;            // per request, e.g. {"x-user-id", "7"}; added after the defaults
  std::string body;
  std::string content_type;   // set when body is not empty, e.g. "application/json"
};

struct ResponseHead {
  int status = 0;
  std::string reason;
  Headers headers;
  std::string_view header(std::string_view name) const { return find_header(headers, name); }
};

// Receives one response. All calls happen on the io_context's thread, in this order:
// on_sent? on_head? on_body* on_complete. on_complete is called exactly once (unless the
// io_context is destroyed first). `data` views are valid only during the call. Body bytes are
// de-chunked. Times come from the client's clock, taken when the read completed.
class ResponseHandler {
 public:
  virtual ~ResponseHandler() = default;
  // The request was fully written (connection set-up included before it).
  virtual void on_sent(core::TimePoint /*t*/) {}
  virtual void on_head(const ResponseHead& /*head*/, core::TimePoint /*t*/) {}
  virtual void on_body(std::string_view data, core::TimePoint t) = 0;
  // `error` is null when the whole response was received (any status code counts as received).
  // Kinds: "connect", "tls", "timeout", "reset", "protocol", "cancelled", "malformed" (a body
  // over ClientOptions::max_body_bytes), or the handler's own stop_reading() error.
  virtual void on_complete(const core::Error* error, core::TimePoint t) = 0;
  // Asked after each on_body: non-null ends the response there. The connection is closed and
  // on_complete gets a copy of this error. For a handler that will not hold more of a body (one
  // over its own size limits); the default reads every byte.
  virtual const core::Error* stop_reading() const { return nullptr; }
};

using RequestId = std::uint64_t;

struct ClientStats {
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_reused = 0;
  std::uint64_t retries = 0;  // a reused keep-alive connection was found closed; sent again
  std::size_t in_flight = 0;
  std::size_t open_connections = 0;
};

class Client {
 public:
  // `io` and `clock` must outlive every request started (a request keeps the client's state
  // alive on its own, so destroying the Client object before they finish is safe).
  Client(boost::asio::io_context& io, const core::Clock& clock, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts sending `request` now. The handler is kept alive until on_complete has returned.
  RequestId start(Request request, std::shared_ptr<ResponseHandler> handler);
  // Ends a request in flight: its connection is closed and on_complete gets kind "cancelled".
  // Unknown or finished ids are ignored.
  void cancel(RequestId id);
  void cancel_all();
  // Closes idle pooled connections (in-flight requests are not affected).
  void close_idle();
  ClientStats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// A whole response, for small requests (GET /v1/models, health checks).
struct Response {
  int status = 0;
  Headers headers;
  std::string body;
};

// Runs one request on a private io_context and returns the whole response. For set-up and
// checks, not for load. `total_timeout` bounds everything.
core::Result<Response> fetch(const Request& request, const core::Clock& clock, ClientOptions options = {},
                             std::chrono::milliseconds total_timeout = std::chrono::milliseconds(30'000));

}  // namespace lmbench::http
