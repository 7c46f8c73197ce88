#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/beast.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <list>
#include <mutex>
#include <optional>

#include "http/json_string.h"

namespace lmbench::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using net::awaitable;
using net::ip::tcp;

namespace {

constexpr auto kTuple = net::experimental::as_tuple(net::use_awaitable);

std::string to_string(beast::string_view s) { return std::string(s.data(), s.size()); }

std::string_view default_error_type(int status) {
  switch (status) {
    case 400: case 413: case 422: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 405: return "method_not_allowed";
    case 429: return "rate_limit_error";
    case 503: return "service_unavailable";
    default: return status >= 500 ? "internal_server_error" : "invalid_request_error";
  }
}

}  // namespace

std::string error_json(int status, std::string_view message, std::string_view type, std::string_view param) {
  std::string out = "{\"error\":{\"message\":";
  append_json_string(out, message);
  out += ",\"type\":";
  append_json_string(out, type.empty() ? default_error_type(status) : type);
  out += ",\"param\":";
  if (param.empty()) {
    out += "null";
  } else {
    append_json_string(out, param);
  }
  out += ",\"code\":" + std::to_string(status) + "}}";
  return out;
}

ServerResponse ServerResponse::json(int status, std::string body) {
  ServerResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ServerResponse ServerResponse::text(int status, std::string body, std::string content_type) {
  ServerResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

// ---- ResponseWriter ----
//
// One lock per call: a simulated engine hands a token to thousands of writers at each step's end,
// so what runs under the lock is a vector push_back and what runs after it is one wake-up.

bool ResponseWriter::enqueue_locked(Item item) {
  queue_.push_back(std::move(item));
  if (!waiting_) return false;
  waiting_ = false;
  return true;
}

void ResponseWriter::wake_if(bool wake) {
  if (wake) wake_();  // wake_ never changes after construction: no copy, no lock needed
}

void ResponseWriter::respond(ServerResponse response) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (started_ || closed_) return;
    started_ = finished_ = true;
    wake = enqueue_locked(Item{Item::Kind::kWhole, std::make_unique<ServerResponse>(std::move(response)), {}});
  }
  wake_if(wake);
}

void ResponseWriter::begin_stream(int status, std::string content_type, Headers headers) {
  auto head = std::make_unique<ServerResponse>();
  head->status = status;
  head->content_type = std::move(content_type);
  head->headers = std::move(headers);
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (started_ || closed_) return;
    started_ = true;
    wake = enqueue_locked(Item{Item::Kind::kBegin, std::move(head), {}});
  }
  wake_if(wake);
}

bool ResponseWriter::write(std::string data) { return write(std::move(data), std::chrono::steady_clock::time_point{}); }

bool ResponseWriter::write(std::string data, std::chrono::steady_clock::time_point due) {
  bool wake = false;
  bool overflow = false;
  {
    std::lock_guard lock(mu_);
    if (closed_ || finished_) return false;
    if (!started_) {
      started_ = true;
      auto head = std::make_unique<ServerResponse>();
      head->content_type = "text/event-stream";
      wake = enqueue_locked(Item{Item::Kind::kBegin, std::move(head), {}});
    }
    if (!data.empty()) {
      if (max_queued_bytes_ != 0 && queued_bytes_ + data.size() > max_queued_bytes_) {
        overflow = true;
        closed_ = true;
        queue_.clear();
        queue_.shrink_to_fit();
        queued_bytes_ = 0;
        wake = waiting_ || wake;
        waiting_ = false;
      } else {
        queued_bytes_ += data.size();
        Item item{Item::Kind::kChunk, nullptr, std::move(data), std::nullopt};
        if (due != std::chrono::steady_clock::time_point{}) item.due = due;
        wake = enqueue_locked(std::move(item)) || wake;
      }
    }
  }
  wake_if(wake);
  if (overflow) {
    if (on_overflow_) on_overflow_();
    return false;
  }
  return true;
}

void ResponseWriter::end() {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (closed_ || finished_) return;
    if (!started_) {
      started_ = true;
      auto head = std::make_unique<ServerResponse>();
      head->content_type = "text/event-stream";
      wake = enqueue_locked(Item{Item::Kind::kBegin, std::move(head), {}});
    }
    finished_ = true;
    wake = enqueue_locked(Item{Item::Kind::kEnd, nullptr, {}}) || wake;
  }
  wake_if(wake);
}

bool ResponseWriter::closed() const {
  std::lock_guard lock(mu_);
  return closed_ || finished_;
}

bool ResponseWriter::started() const {
  std::lock_guard lock(mu_);
  return started_;
}

bool ResponseWriter::take(std::vector<Item>& out) {
  std::lock_guard lock(mu_);
  if (!queue_.empty()) {
    for (auto& item : queue_) out.push_back(std::move(item));
    queue_.clear();
    queued_bytes_ = 0;
    return true;
  }
  if (closed_) return true;
  waiting_ = true;
  return false;
}

void ResponseWriter::close() {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    wake = waiting_;
    waiting_ = false;
  }
  wake_if(wake);
}

// ---- Router ----

void Router::on(std::string method, std::string path, SimpleHandler handler) {
  on_stream(std::move(method), std::move(path),
            [h = std::move(handler)](const ServerRequest& req, std::shared_ptr<ResponseWriter> w) {
              w->respond(h(req));
            });
}

void Router::on_stream(std::string method, std::string path, Handler handler) {
  Route r;
  r.method = std::move(method);
  if (path.size() >= 2 && path.ends_with("/*")) {
    r.prefix = true;
    path.pop_back();
  }
  r.path = std::move(path);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

void Router::dispatch(const ServerRequest& request, const std::shared_ptr<ResponseWriter>& writer) const {
  const Route* best = nullptr;
  bool path_known = false;
  for (const Route& r : routes_) {
    const bool match = r.prefix ? request.path.starts_with(r.path) : request.path == r.path;
    if (!match) continue;
    path_known = true;
    if (r.method != request.method) continue;
    if (!best || (!r.prefix && best->prefix) || (r.prefix && best->prefix && r.path.size() > best->path.size())) {
      best = &r;
    }
  }
  if (!best) {
    if (path_known) throw HttpError(405, "method " + request.method + " is not allowed on " + request.path);
    throw HttpError(404, "no route for " + request.method + " " + request.path);
  }
  best->handler(request, writer);
}

// ---- Server ----

// Wakes delivery coroutines waiting on their timers. Producers on other threads add timers; only
// the first addition since the last drain posts to the server's thread, and none while the
// producing thread holds a WakeBatch (its end posts once), so the thousands of writes an engine
// makes at one step's end cost one post and one wake-up of the server's thread.
class WakeQueue : public std::enable_shared_from_this<WakeQueue> {
 public:
  explicit WakeQueue(net::io_context& io) : io_(io) {}

  void add(std::shared_ptr<net::steady_timer> timer);
  // Posts a drain unless one is pending already.
  void release() {
    {
      std::lock_guard lock(mu_);
      if (posted_ || pending_.empty()) return;
      posted_ = true;
    }
    net::post(io_, [self = shared_from_this()] { self->drain(); });
  }

 private:
  void drain() {
    {
      std::lock_guard lock(mu_);
      draining_.swap(pending_);
      posted_ = false;
    }
    for (auto& timer : draining_) timer->cancel();
    draining_.clear();  // keeps its capacity for the next burst
  }

  net::io_context& io_;
  std::mutex mu_;
  std::vector<std::shared_ptr<net::steady_timer>> pending_;
  std::vector<std::shared_ptr<net::steady_timer>> draining_;  // the server's thread only
  bool posted_ = false;
};

namespace {
// The current thread's WakeBatch: whether one is alive, and the queues it holds wake-ups for.
struct HeldWakes {
  bool active = false;
  std::vector<std::shared_ptr<WakeQueue>> queues;
};
thread_local HeldWakes tl_held;
}  // namespace

void WakeQueue::add(std::shared_ptr<net::steady_timer> timer) {
  const bool held = tl_held.active;
  bool post = false;
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(timer));
    if (!held && !posted_) post = posted_ = true;
  }
  if (post) {
    net::post(io_, [self = shared_from_this()] { self->drain(); });
  } else if (held && std::none_of(tl_held.queues.begin(), tl_held.queues.end(),
                                  [this](const auto& q) { return q.get() == this; })) {
    tl_held.queues.push_back(shared_from_this());
  }
}

WakeBatch::WakeBatch() {
  if (tl_held.active) throw std::logic_error("http::WakeBatch: one per thread at a time");
  tl_held.active = true;
}

void WakeBatch::flush() {
  for (auto& queue : tl_held.queues) queue->release();
  tl_held.queues.clear();
}

WakeBatch::~WakeBatch() {
  flush();
  tl_held.active = false;
}

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(net::io_context& io_in, Router router_in, ServerOptions options_in)
      : io(io_in), router(std::move(router_in)), options(std::move(options_in)) {}

  struct Session {
    std::uint64_t id = 0;
    beast::tcp_stream* stream = nullptr;
    std::shared_ptr<ResponseWriter> writer;
  };

  net::io_context& io;
  Router router;
  ServerOptions options;
  std::shared_ptr<WakeQueue> wakes = std::make_shared<WakeQueue>(io);
  std::unique_ptr<tcp::acceptor> acceptor;
  std::uint16_t port = 0;
  bool stopped = false;
  std::list<Session> sessions;  // touched only on the server's thread
  std::uint64_t next_session_id = 1;
  // Connections accepted and not yet closed (a session joins `sessions` only once it runs).
  std::size_t connections = 0;
  // Connections refused since the server last reached max_connections (0: accepting).
  std::uint64_t refused = 0;

  std::string describe() const { return options.server_name + " on port " + std::to_string(port); }

  // Answers a connection over max_connections with a 503 and closes it. The answer is written
  // without waiting: a few hundred bytes always fit an empty socket's send buffer.
  void refuse(tcp::socket socket) {
    if (refused++ == 0) {
      spdlog::warn("http server {}: {} connections open (ServerOptions::max_connections); answering new ones 503 "
                   "and closing them",
                   describe(), connections);
    }
    static const std::string kAnswer = [] {
      const std::string body = error_json(503, "too many connections; try again later", "service_unavailable");
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    }();
    beast::error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(net::buffer(kAnswer), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
  }

  void session_ended() {
    --connections;
    if (refused == 0 || stopped) return;
    if (options.max_connections == 0 || connections < options.max_connections) {
      spdlog::info("http server {}: accepting connections again ({} refused)", describe(), refused);
      refused = 0;
    }
  }

  // A writer's client left more than max_queued_bytes unread: its connection is closed now
  // (rather than when its blocked write times out). On the server's thread.
  void close_overflowed(std::uint64_t id) {
    for (Session& s : sessions) {
      if (s.id != id) continue;
      beast::error_code ec;
      const auto peer = s.stream->socket().remote_endpoint(ec);
      spdlog::warn("http server {}: closing the connection from {}: its client left more than {} bytes of a "
                   "streamed response unread (ServerOptions::max_queued_bytes)",
                   describe(), ec ? std::string("?") : peer.address().to_string() + ":" + std::to_string(peer.port()),
                   options.max_queued_bytes);
      s.stream->close();
      return;
    }
  }

  void do_stop() {
    if (stopped) return;
    stopped = true;
    beast::error_code ec;
    if (acceptor) acceptor->close(ec);
    for (Session& s : sessions) {
      if (s.writer) s.writer->close();
      s.stream->close();
    }
  }

  awaitable<void> accept_loop() {
    auto self = shared_from_this();
    while (!stopped) {
      auto [ec, socket] = co_await acceptor->async_accept(kTuple);
      if (stopped) break;
      if (ec) {
        if (ec == net::error::operation_aborted) break;
        // Out of descriptors or a similar transient failure: back off instead of spinning.
        net::steady_timer pause(io, std::chrono::milliseconds(10));
        co_await pause.async_wait(kTuple);
        continue;
      }
      if (options.max_connections != 0 && connections >= options.max_connections) {
        refuse(std::move(socket));
        continue;
      }
      ++connections;
      net::co_spawn(io, session(std::move(socket)), net::detached);
    }
  }

  template <typename Body>
  void fill_head(bhttp::response<Body>& res, const ServerResponse& r, bool keep_alive) {
    res.set(bhttp::field::server, options.server_name);
    if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res.set(k, v);
    res.keep_alive(keep_alive);
  }

  awaitable<bool> write_whole(beast::tcp_stream& stream, ServerResponse r, bool keep_alive, unsigned version) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
    fill_head(res, r, keep_alive);
    res.body() = std::move(r.body);
    res.prepare_payload();
    stream.expires_after(options.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream, res, kTuple);
    stream.expires_never();
    co_return !ec;
  }

  // Sends what the writer's producer gives, as it gives it. Returns whether the connection can
  // carry another request.
  awaitable<bool> deliver(beast::tcp_stream& stream, ResponseWriter& w, net::steady_timer& timer,
                          bool keep_alive, unsigned version) {
    std::vector<ResponseWriter::Item> items;
    std::string chunk;
    for (;;) {
      items.clear();
      if (!w.take(items)) {
        timer.expires_at(net::steady_timer::time_point::max());
        co_await timer.async_wait(kTuple);
        continue;
      }
      if (items.empty()) co_return false;  // closed: stop() or the client is gone
      chunk.clear();
      // The earliest due time among the chunks written together: how late the socket got them.
      std::optional<std::chrono::steady_clock::time_point> due;
      const auto report_lag = [&] {
        if (due && options.on_write_lag) options.on_write_lag(std::chrono::steady_clock::now() - *due);
        due.reset();
      };
      for (auto& item : items) {
        switch (item.kind) {
          case ResponseWriter::Item::Kind::kWhole: {
            const bool ok = co_await write_whole(stream, std::move(*item.response), keep_alive, version);
            w.close();
            co_return ok && keep_alive;
          }
          case ResponseWriter::Item::Kind::kBegin: {
            bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(item.response->status), version};
            fill_head(res, *item.response, keep_alive);
            res.chunked(true);
            bhttp::response_serializer<bhttp::empty_body> sr{res};
            stream.expires_after(options.write_timeout);
            auto [ec, n] = co_await bhttp::async_write_header(stream, sr, kTuple);
            if (ec) {
              w.close();
              co_return false;
            }
            break;
          }
          case ResponseWriter::Item::Kind::kChunk:
            chunk += item.data;
            if (item.due && (!due || *item.due < *due)) due = item.due;
            break;
          case ResponseWriter::Item::Kind::kEnd: {
            stream.expires_after(options.write_timeout);
            beast::error_code ec;
            if (!chunk.empty()) {
              std::tie(ec, std::ignore) =
                  co_await net::async_write(stream, bhttp::make_chunk(net::buffer(chunk)), kTuple);
            }
            if (!ec) report_lag();
            if (!ec) std::tie(ec, std::ignore) = co_await net::async_write(stream, bhttp::make_chunk_last(), kTuple);
            stream.expires_never();
            w.close();
            co_return !ec && keep_alive;
          }
        }
      }
      if (!chunk.empty()) {
        stream.expires_after(options.write_timeout);
        auto [ec, n] = co_await net::async_write(stream, bhttp::make_chunk(net::buffer(chunk)), kTuple);
        stream.expires_never();
        if (ec) {
          w.close();
          co_return false;
        }
        report_lag();
      }
    }
  }

  ServerResponse body_too_large() const {
    return ServerResponse::json(
        413, error_json(413, "request body larger than " + std::to_string(options.max_body_bytes) + " bytes"));
  }

  static constexpr std::size_t kMaxUnparsedBytes = 2u << 20;

  awaitable<void> session(tcp::socket socket) {
    auto self = shared_from_this();
    beast::tcp_stream stream(std::move(socket));
    beast::error_code opt_ec;
    stream.socket().set_option(tcp::no_delay(true), opt_ec);
    const std::uint64_t id = next_session_id++;
    auto it = sessions.insert(sessions.end(), Session{id, &stream, nullptr});
    // Bytes read but not yet parsed, at most 2 MiB: body bytes leave the buffer as they are
    // parsed, but a chunk-size line or trailer that never ends would stay in it and grow without
    // limit (Beast bounds neither); past the bound the read fails and the connection is closed.
    beast::flat_buffer buffer(kMaxUnparsedBytes);
    try {
      while (!stopped) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.body_limit(options.max_body_bytes);
        stream.expires_after(options.idle_timeout);
        auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
        if (ec == bhttp::error::body_limit) {
          co_await write_whole(stream, body_too_large(), false, parser.get().version());
          break;
        }
        if (ec) {
          if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
              ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
            co_await write_whole(stream, ServerResponse::json(400, error_json(400, "malformed HTTP request: " + ec.message())),
                                 false, 11);
          }
          break;
        }
        if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          co_await net::async_write(stream, net::buffer(kContinue.data(), kContinue.size()), kTuple);
        }
        if (!parser.is_done()) {
          // Beast reads as much as the buffer has room for, at least 512 bytes: a 90 KB prompt
          // came in 180 reads of 512 bytes (0.35 ms). Room for the whole body (up to 1 MB).
          if (const auto length = parser.content_length(); length && *length > buffer.capacity() - buffer.size()) {
            buffer.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, 1 << 20)));
          }
          auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
          if (bec == bhttp::error::body_limit) {
            co_await write_whole(stream, body_too_large(), false, parser.get().version());
            break;
          }
          if (bec) break;
        }
        stream.expires_never();
        if (buffer.capacity() > (64u << 10)) buffer.shrink_to_fit();  // an idle connection keeps little
        auto msg = parser.release();
        const bool keep_alive = msg.keep_alive();
        const unsigned version = msg.version();
        ServerRequest req;
        req.method = to_string(msg.method_string());
        req.target = to_string(msg.target());
        const std::size_t q = req.target.find('?');
        req.path = req.target.substr(0, q);
        if (q != std::string::npos) req.query = req.target.substr(q + 1);
        for (const auto& field : msg) req.headers.emplace_back(to_string(field.name_string()), to_string(field.value()));
        req.body = std::move(msg.body());

        auto timer = std::make_shared<net::steady_timer>(io);
        auto writer = std::make_shared<ResponseWriter>(
            [wakes = wakes, timer] { wakes->add(timer); }, options.max_queued_bytes,
            [weak = weak_from_this(), id] {
              if (auto impl = weak.lock()) net::post(impl->io, [impl, id] { impl->close_overflowed(id); });
            });
        it->writer = writer;
        // The one place where handler failures become HTTP errors.
        try {
          router.dispatch(req, writer);
        } catch (const HttpError& e) {
          if (!writer->started()) {
            writer->respond(ServerResponse::json(e.status(), error_json(e.status(), e.what(), e.type(), e.param())));
          } else {
            writer->close();
          }
        } catch (const std::exception& e) {
          if (!writer->started()) {
            writer->respond(ServerResponse::json(500, error_json(500, std::string("internal error: ") + e.what())));
          } else {
            writer->close();
          }
        }
        const bool again = co_await deliver(stream, *writer, *timer, keep_alive, version);
        writer->close();
        it->writer.reset();
        if (!again) break;
      }
    } catch (const std::exception&) {
      // A connection's failure ends that connection only.
    }
    if (it->writer) it->writer->close();
    sessions.erase(it);
    session_ended();
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.close();
  }
};

Server::Server(net::io_context& io, Router router, ServerOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(router), std::move(options))) {}

Server::~Server() { stop(); }

core::Result<std::uint16_t> Server::listen(const std::string& host, std::uint16_t port) {
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) return core::Error{"listen", "cannot listen on '" + host + "': not an IP address"};
  auto acceptor = std::make_unique<tcp::acceptor>(impl_->io);
  const tcp::endpoint endpoint(address, port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
  // Accepted sockets inherit it, and the window scale is agreed at the handshake: a receive
  // window that holds a whole long request (90 KB for a 17k-token prompt).
  if (!ec) acceptor->set_option(net::socket_base::receive_buffer_size(1 << 20), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::Error{"listen", "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message()};
  }
  impl_->port = acceptor->local_endpoint().port();
  impl_->acceptor = std::move(acceptor);
  net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
  return impl_->port;
}

void Server::stop() {
  auto impl = impl_;
  if (impl->io.get_executor().running_in_this_thread()) {
    impl->do_stop();
  } else {
    net::post(impl->io, [impl] { impl->do_stop(); });
  }
}

std::uint16_t Server::port() const { return impl_->port; }

}  // namespace lmbench::http
