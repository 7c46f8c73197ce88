#pragma once
// A small HTTP/1.1 server (Beast coroutines) for the simulated engine, the routing proxy and the
// dashboard: keep-alive, a request body limit, one place that turns handler exceptions into a
// JSON error, streamed (chunked) responses fed by a producer it knows nothing about, and a clean
// stop. See tests/http/server_example_test.cc for the usage to copy.
//
// Threading: the server runs on one io_context run by ONE thread. Handlers are called on that
// thread and must not block; a handler that needs time keeps its ResponseWriter and finishes
// later from any thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/client.h"

namespace boost::asio {
class io_context;
}

namespace lmbench::http {

struct ServerRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // target without the query
  std::string query;   // after '?', "" when none
  Headers headers;
  std::string body;
  std::string_view header(std::string_view name) const { return find_header(headers, name); }
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;

  static ServerResponse json(int status, std::string body);
  static ServerResponse text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

// Throw from a handler for an expected client error; the server answers `status` with the JSON
// error body of error_json(). Anything else thrown becomes a 500 the same way.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message, std::string type = "", std::string param = "")
      : std::runtime_error(message), status_(status), type_(std::move(type)), param_(std::move(param)) {}
  int status() const { return status_; }
  const std::string& type() const { return type_; }
  const std::string& param() const { return param_; }

 private:
  int status_;
  std::string type_;
  std::string param_;
};

// {"error":{"message":...,"type":...,"param":...|null,"code":<status>}} — the OpenAI error shape,
// used for every error the server itself produces. `type` "" picks one from the status.
std::string error_json(int status, std::string_view message, std::string_view type = {},
                       std::string_view param = {});

// The handler's end of one response. Thread-safe: any thread may call it, in this order:
// either respond() once, or begin_stream() then write()* then end(). Each write() is sent as one
// HTTP chunk as soon as the server's thread gets to it (writes queued meanwhile go out together).
class ResponseWriter {
 public:
  void respond(ServerResponse response);
  void begin_stream(int status = 200, std::string content_type = "text/event-stream", Headers headers = {});
  // Returns false once the response can no longer be delivered (the client went away, the
  // server stopped, end() was called, or the client left more than
  // ServerOptions::max_queued_bytes unread): the producer should stop producing.
  bool write(std::string data);
  // The same, for data meant to reach the client at `due` (a simulated engine's schedule): once
  // it is on the socket, the server reports how late (ServerOptions::on_write_lag).
  bool write(std::string data, std::chrono::steady_clock::time_point due);
  void end();
  bool closed() const;

  // Server side (not for handlers).
  struct Item {
    enum class Kind { kWhole, kBegin, kChunk, kEnd } kind;
    std::unique_ptr<ServerResponse> response;  // kWhole; kBegin uses status, content_type, headers
    std::string data;                          // kChunk
    std::optional<std::chrono::steady_clock::time_point> due;  // kChunk: when it was meant to go out
  };
  // `wake` is called (from the producing thread, outside the writer's lock) when an item arrives
  // while the server waits for one; it must not block. `max_queued_bytes` (0: none) bounds the
  // bytes of chunks queued and not yet taken by the server: a write past it closes the writer,
  // drops what was queued and calls `on_overflow` (from the producing thread, outside the lock;
  // it must not block either).
  explicit ResponseWriter(std::function<void()> wake, std::size_t max_queued_bytes = 0,
                          std::function<void()> on_overflow = {})
      : wake_(std::move(wake)), on_overflow_(std::move(on_overflow)), max_queued_bytes_(max_queued_bytes) {}
  // Moves queued items into `out`; when there are none, arms the wake-up and returns false.
  bool take(std::vector<Item>& out);
  void close();
  bool started() const;

 private:
  // Queues `item` under the lock already held; returns whether the server must be woken.
  bool enqueue_locked(Item item);
  void wake_if(bool wake);

  mutable std::mutex mu_;
  std::vector<Item> queue_;
  std::function<void()> wake_;
  std::function<void()> on_overflow_;
  std::size_t max_queued_bytes_ = 0;
  std::size_t queued_bytes_ = 0;  // chunk bytes in queue_
  bool waiting_ = false;
  bool closed_ = false;
  bool started_ = false;   // respond() or begin_stream() called
  bool finished_ = false;  // respond() or end() called
};

// While one lives on a thread, the server wake-ups that this thread's ResponseWriter calls cause
// are held, and issued together when it ends or at flush(): one post to each server's thread for a
// burst instead of one per response. For a producer that writes to thousands of streams at one
// instant (the simulated engine at a step's end). One per thread at a time.
class WakeBatch {
 public:
  WakeBatch();
  ~WakeBatch();
  WakeBatch(const WakeBatch&) = delete;
  WakeBatch& operator=(const WakeBatch&) = delete;
  void flush();
};

using Handler = std::function<void(const ServerRequest&, std::shared_ptr<ResponseWriter>)>;
using SimpleHandler = std::function<ServerResponse(const ServerRequest&)>;

// Method + path dispatch. A path ending in "/*" matches every path under it; exact paths win,
// then the longest prefix. Unknown path: 404; known path, other method: 405. Both as error JSON.
class Router {
 public:
  // A handler that answers at once with a whole response.
  void on(std::string method, std::string path, SimpleHandler handler);
  // A handler that answers through the writer, now or later, whole or streamed.
  void on_stream(std::string method, std::string path, Handler handler);
  // Calls the matching handler; throws HttpError 404/405 when none matches.
  void dispatch(const ServerRequest& request, const std::shared_ptr<ResponseWriter>& writer) const;

 private:
  struct Route {
    std::string method;
    std::string path;  // without the trailing "*" for prefixes
    bool prefix = false;
    Handler handler;
  };
  std::vector<Route> routes_;
};

struct ServerOptions {
  std::size_t max_body_bytes = 64u << 20;           // larger request bodies get 413
  // Open connections at most (0: no limit). A connection past it is answered "503 Service
  // Unavailable" at once and closed, with a log line when the server starts refusing and one
  // when it accepts again. Refusing beats not accepting: the client learns why at once instead
  // of waiting in the listen backlog for its own timeout, and a flood cannot fill the backlog
  // in front of the clients that will be served. Generous: a load of 10,000 streams through a
  // router fits, with room for health checks and scrapes.
  std::size_t max_connections = 16'384;
  // Bytes of a streamed response that one connection may have queued and not yet on its socket
  // (0: no limit). A client that reads slower than the producer writes (a slow reader behind
  // the router, which relays an engine's stream as fast as it comes) would otherwise make the
  // server buffer the whole stream. Past it the connection is closed with a log line and
  // ResponseWriter::write returns false, so the producer stops (the simulator drops the
  // request, the router cancels it upstream). Closing, not pausing: the producers run on their
  // own schedule (an engine step serves every stream at once) and cannot wait for one client.
  std::size_t max_queued_bytes = 4u << 20;
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait and request read
  std::chrono::milliseconds write_timeout{30'000};   // one write to a slow client
  std::string server_name = "lmbench";
  // Called on the server's thread after each write of chunks that had a due time (see
  // ResponseWriter::write), with how late the earliest of them reached the socket. Must not block.
  std::function<void(std::chrono::nanoseconds)> on_write_lag;
};

class Server {
 public:
  Server(boost::asio::io_context& io, Router router, ServerOptions options = {});
  // Stops (see stop()).
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0: an ephemeral port) and starts accepting. Returns the bound port,
  // or an error of kind "listen". Callable from any thread.
  core::Result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
  // Stops accepting, closes every connection and marks every open ResponseWriter closed.
  // Callable from any thread; from another thread it is carried out by the server's thread.
  void stop();
  std::uint16_t port() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace lmbench::http
