#include "http/client.h"

#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/none.hpp>

#include <cstdlib>
#include <deque>
#include <optional>
#include <unordered_map>

#include "http/response_read.h"

namespace lmbench::http {

namespace {
constexpr int kSendBufferBytes = 1 << 20;
}  // namespace

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using net::awaitable;
using net::ip::tcp;

namespace {

using detail::as_ms;
using detail::Exchange;
using detail::is_closed_by_peer;
using detail::kBodyBuffer;

constexpr auto kTuple = net::experimental::as_tuple(net::use_awaitable);

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A pooled connection: plain TCP or TLS over TCP, with its read buffers.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::unique_ptr<char[]> body = std::make_unique<char[]>(kBodyBuffer);
  bool reused = false;

  beast::tcp_stream& tcp() { return plain ? *plain : tls->next_layer(); }
  void close() {
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp().close();
  }
};

// Someone waiting for a connection of a full pool. Woken by cancelling the timer; it then finds
// either a connection handed over (conn) or the right to open one (may_open).
struct Waiter {
  explicit Waiter(net::any_io_executor ex) : timer(std::move(ex)) {}
  net::steady_timer timer;
  std::unique_ptr<Connection> conn;
  bool may_open = false;
};

struct Pool {
  std::size_t open = 0;  // connections open or being opened (slots taken)
  std::vector<std::unique_ptr<Connection>> idle;
  std::deque<std::shared_ptr<Waiter>> waiters;
  std::vector<tcp::endpoint> endpoints;  // resolved once per origin
};

struct InFlight {
  RequestId id = 0;
  Request request;
  std::shared_ptr<ResponseHandler> handler;
  Pool* pool = nullptr;
  Connection* conn = nullptr;           // set while a connection is used (cancel closes it)
  std::shared_ptr<Waiter> waiter;       // set while waiting for a connection
  bool cancelled = false;
};

}  // namespace

std::string bearer_from_env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  Impl(net::io_context& io_in, const core::Clock& clock_in, ClientOptions options_in)
      : io(io_in), clock(clock_in), options(std::move(options_in)) {}

  net::io_context& io;
  const core::Clock& clock;
  ClientOptions options;
  std::unique_ptr<net::ssl::context> ssl_context;
  std::optional<core::Error> ssl_context_error;
  std::unordered_map<std::string, Pool> pools;
  std::unordered_map<RequestId, std::shared_ptr<InFlight>> in_flight;
  RequestId next_id = 1;
  ClientStats stats;

  net::ssl::context* tls_context() {
    if (ssl_context || ssl_context_error) return ssl_context.get();
    auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
    beast::error_code ec;
    ctx->set_default_verify_paths(ec);
    if (!options.ca_file.empty()) {
      ctx->load_verify_file(options.ca_file, ec);
      if (ec) {
        ssl_context_error = core::Error{"tls", "cannot load CA file " + options.ca_file + ": " + ec.message()};
        return nullptr;
      }
    }
    ctx->set_verify_mode(options.verify_tls ? net::ssl::verify_peer : net::ssl::verify_none);
    ssl_context = std::move(ctx);
    return ssl_context.get();
  }

  void finish(const std::shared_ptr<InFlight>& f, const core::Error* error) {
    in_flight.erase(f->id);
    stats.in_flight = in_flight.size();
    auto handler = std::move(f->handler);
    handler->on_complete(error, clock.now());
  }

  // A connection comes back healthy after a keep-alive exchange.
  void release(Pool& pool, std::unique_ptr<Connection> conn) {
    conn->reused = true;
    if (!pool.waiters.empty()) {
      auto w = std::move(pool.waiters.front());
      pool.waiters.pop_front();
      w->conn = std::move(conn);
      w->timer.cancel();
      return;
    }
    if (pool.idle.size() < options.max_idle_per_origin) {
      pool.idle.push_back(std::move(conn));
      return;
    }
    conn->close();
    --pool.open;
  }

  // A connection (or a slot being connected) is gone; its slot passes to a waiter if any.
  void discard(Pool& pool, std::unique_ptr<Connection> conn) {
    if (conn) conn->close();
    if (!pool.waiters.empty()) {
      auto w = std::move(pool.waiters.front());
      pool.waiters.pop_front();
      w->may_open = true;
      w->timer.cancel();
      return;
    }
    --pool.open;
  }

  awaitable<std::optional<core::Error>> resolve(Pool& pool, const Url& url) {
    if (!pool.endpoints.empty()) co_return std::nullopt;
    beast::error_code ec;
    const auto address = net::ip::make_address(url.host, ec);
    if (!ec) {
      pool.endpoints.emplace_back(address, url.port);
      co_return std::nullopt;
    }
    using namespace net::experimental::awaitable_operators;
    tcp::resolver resolver(io);
    net::steady_timer timer(io, options.connect_timeout);
    auto result = co_await (resolver.async_resolve(url.host, std::to_string(url.port), kTuple) ||
                            timer.async_wait(kTuple));
    if (result.index() == 1) {
      co_return core::Error{"timeout", "resolving " + url.host + " took longer than " +
                                           std::to_string(as_ms(options.connect_timeout)) + " ms"};
    }
    auto& [rec, results] = std::get<0>(result);
    if (rec) co_return core::Error{"connect", "cannot resolve " + url.host + ": " + rec.message()};
    if (pool.endpoints.empty()) {
      for (const auto& entry : results) pool.endpoints.push_back(entry.endpoint());
    }
    co_return std::nullopt;
  }

  awaitable<std::optional<core::Error>> connect(Pool& pool, Connection& c, InFlight& f) {
    const Url& url = f.request.url;
    std::optional<core::Error> resolve_error = co_await resolve(pool, url);
    if (resolve_error) co_return resolve_error;
    if (f.cancelled) co_return core::Error{"cancelled", "request cancelled"};
    beast::tcp_stream* tcp_stream = nullptr;
    if (url.tls) {
      net::ssl::context* ctx = tls_context();
      if (!ctx) co_return *ssl_context_error;
      c.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, *ctx);
      tcp_stream = &c.tls->next_layer();
    } else {
      c.plain = std::make_unique<beast::tcp_stream>(io);
      tcp_stream = c.plain.get();
    }
    tcp_stream->expires_after(options.connect_timeout);
    auto [ec, ep] = co_await tcp_stream->async_connect(pool.endpoints, kTuple);
    const std::string where = url.host + ":" + std::to_string(url.port);
    if (f.cancelled) co_return core::Error{"cancelled", "request cancelled"};
    if (ec == beast::error::timeout) {
      co_return core::Error{"timeout", "connecting to " + where + " took longer than " +
                                           std::to_string(as_ms(options.connect_timeout)) + " ms"};
    }
    if (ec) co_return core::Error{"connect", "cannot connect to " + where + ": " + ec.message()};
    beast::error_code opt_ec;
    tcp_stream->socket().set_option(tcp::no_delay(true), opt_ec);
    // A send buffer that holds a whole long prompt (a 17k-token chat history is 90 KB; the
    // kernel starts at 16 KB): the request then leaves in one write, instead of waiting for the
    // server to drain the buffer and the loop to be woken for the rest after the send stamp.
    tcp_stream->socket().set_option(net::socket_base::send_buffer_size(kSendBufferBytes), opt_ec);
    if (url.tls) {
      beast::error_code addr_ec;
      net::ip::make_address(url.host, addr_ec);
      if (addr_ec && !SSL_set_tlsext_host_name(c.tls->native_handle(), url.host.c_str())) {
        co_return core::Error{"tls", "cannot set TLS server name " + url.host};
      }
      if (options.verify_tls) c.tls->set_verify_callback(net::ssl::host_name_verification(url.host));
      auto [hec] = co_await c.tls->async_handshake(net::ssl::stream_base::client, kTuple);
      if (f.cancelled) co_return core::Error{"cancelled", "request cancelled"};
      if (hec == beast::error::timeout) {
        co_return core::Error{"timeout", "TLS handshake with " + where + " took longer than " +
                                             std::to_string(as_ms(options.connect_timeout)) + " ms"};
      }
      if (hec) co_return core::Error{"tls", "TLS handshake with " + where + " failed: " + hec.message()};
    }
    tcp_stream->expires_never();
    co_return std::nullopt;
  }

  // A connection for `f`: an idle one, a new one, or (pool full) the next one to come back.
  awaitable<std::unique_ptr<Connection>> acquire(Pool& pool, InFlight& f, std::optional<core::Error>& err) {
    if (!pool.idle.empty()) {
      auto c = std::move(pool.idle.back());
      pool.idle.pop_back();
      ++stats.connections_reused;
      co_return c;
    }
    const std::size_t limit = options.max_connections_per_origin;
    if (limit != 0 && pool.open >= limit) {
      auto w = std::make_shared<Waiter>(io.get_executor());
      w->timer.expires_at(net::steady_timer::time_point::max());
      pool.waiters.push_back(w);
      f.waiter = w;
      co_await w->timer.async_wait(kTuple);
      f.waiter.reset();
      if (f.cancelled) {
        if (w->conn) release(pool, std::move(w->conn));
        if (w->may_open) discard(pool, nullptr);
        err = core::Error{"cancelled", "request cancelled while waiting for a connection"};
        co_return nullptr;
      }
      if (w->conn) {
        ++stats.connections_reused;
        co_return std::move(w->conn);
      }
      // may_open: the slot of a closed connection is ours.
    } else {
      ++pool.open;
    }
    auto c = std::make_unique<Connection>();
    c->reused = false;
    f.conn = c.get();
    auto e = co_await connect(pool, *c, f);
    f.conn = nullptr;
    if (e) {
      err = std::move(e);
      discard(pool, nullptr);
      co_return nullptr;
    }
    ++stats.connections_opened;
    co_return c;
  }

  template <typename Stream>
  awaitable<Exchange> exchange_on(Stream& stream, Connection& c, InFlight& f) {
    Exchange out;
    beast::tcp_stream& tcp_stream = c.tcp();
    const Request& r = f.request;
    bhttp::request<bhttp::span_body<const char>> req;
    req.version(11);
    const bhttp::verb verb = bhttp::string_to_verb(r.method);
    if (verb == bhttp::verb::unknown) {
      req.method_string(r.method);
    } else {
      req.method(verb);
    }
    req.target(r.url.target);
    req.set(bhttp::field::host, r.url.host_header());
    if (!options.user_agent.empty()) req.set(bhttp::field::user_agent, options.user_agent);
    bool has_auth = !find_header(r.headers, "authorization").empty();
    for (const auto& [k, v] : options.default_headers) {
      if (iequals(k, "authorization")) has_auth = true;
      req.set(k, v);
    }
    if (!has_auth && !options.bearer_token.empty()) {
      req.set(bhttp::field::authorization, "Bearer " + options.bearer_token);
    }
    for (const auto& [k, v] : r.headers) req.set(k, v);
    if (!r.body.empty() && !r.content_type.empty()) req.set(bhttp::field::content_type, r.content_type);
    req.body() = boost::span<const char>(r.body.data(), r.body.size());
    req.keep_alive(true);
    req.prepare_payload();

    std::optional<std::chrono::steady_clock::time_point> total_deadline;
    if (options.total_timeout.count() > 0) total_deadline = std::chrono::steady_clock::now() + options.total_timeout;
    tcp_stream.expires_after(total_deadline ? std::min(options.first_byte_timeout, options.total_timeout)
                                            : options.first_byte_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
    if (wec) {
      out.error = detail::read_error(wec, f.cancelled, "the request to be written", options.first_byte_timeout);
      out.retryable = c.reused && !f.cancelled && is_closed_by_peer(wec);
      co_return out;
    }
    f.handler->on_sent(clock.now());

    const detail::ReadContext ctx{*f.handler, clock, options, f.cancelled, verb == bhttp::verb::head, c.reused,
                                  total_deadline};
    out = co_await detail::read_response(stream, c.buffer, c.body.get(), ctx,
                                         [&](std::optional<std::chrono::milliseconds> timeout) {
                                           if (timeout) {
                                             tcp_stream.expires_after(*timeout);
                                           } else {
                                             tcp_stream.expires_never();
                                           }
                                         });
    co_return out;
  }

  awaitable<void> run(std::shared_ptr<InFlight> f) {
    auto self = shared_from_this();
    try {
      Pool& pool = pools[f->request.url.origin()];
      f->pool = &pool;
      bool retried = false;
      for (;;) {
        std::optional<core::Error> err;
        auto conn = co_await acquire(pool, *f, err);
        if (!conn) {
          finish(f, &*err);
          co_return;
        }
        f->conn = conn.get();
        // (Two statements: GCC 12 miscompiles co_await inside a conditional expression.)
        Exchange ex;
        if (conn->tls) {
          ex = co_await exchange_on(*conn->tls, *conn, *f);
        } else {
          ex = co_await exchange_on(*conn->plain, *conn, *f);
        }
        f->conn = nullptr;
        if (ex.error && ex.retryable && !retried) {
          retried = true;
          ++stats.retries;
          discard(pool, std::move(conn));
          continue;
        }
        if (!ex.error && ex.keep_alive) {
          release(pool, std::move(conn));
        } else {
          discard(pool, std::move(conn));
        }
        finish(f, ex.error ? &*ex.error : nullptr);
        co_return;
      }
    } catch (const std::exception& e) {
      const core::Error err{"internal", std::string("HTTP client error: ") + e.what()};
      if (f->handler) finish(f, &err);
    }
  }

  void cancel(const std::shared_ptr<InFlight>& f) {
    if (f->cancelled) return;
    f->cancelled = true;
    if (f->waiter && f->pool) {
      auto& ws = f->pool->waiters;
      for (auto it = ws.begin(); it != ws.end(); ++it) {
        if (*it == f->waiter) {
          ws.erase(it);
          break;
        }
      }
      f->waiter->timer.cancel();
    }
    if (f->conn) f->conn->close();
  }
};

Client::Client(net::io_context& io, const core::Clock& clock, ClientOptions options)
    : impl_(std::make_shared<Impl>(io, clock, std::move(options))) {}

Client::~Client() = default;

RequestId Client::start(Request request, std::shared_ptr<ResponseHandler> handler) {
  auto f = std::make_shared<InFlight>();
  f->id = impl_->next_id++;
  f->request = std::move(request);
  f->handler = std::move(handler);
  impl_->in_flight.emplace(f->id, f);
  impl_->stats.in_flight = impl_->in_flight.size();
  net::co_spawn(impl_->io, impl_->run(f), net::detached);
  return f->id;
}

void Client::cancel(RequestId id) {
  auto it = impl_->in_flight.find(id);
  if (it == impl_->in_flight.end()) return;
  auto f = it->second;
  impl_->cancel(f);
}

void Client::cancel_all() {
  std::vector<std::shared_ptr<InFlight>> all;
  all.reserve(impl_->in_flight.size());
  for (auto& [id, f] : impl_->in_flight) all.push_back(f);
  for (auto& f : all) impl_->cancel(f);
}

void Client::close_idle() {
  for (auto& [key, pool] : impl_->pools) {
    for (auto& c : pool.idle) {
      c->close();
      --pool.open;
    }
    pool.idle.clear();
  }
}

ClientStats Client::stats() const {
  ClientStats s = impl_->stats;
  s.in_flight = impl_->in_flight.size();
  s.open_connections = 0;
  for (const auto& [key, pool] : impl_->pools) s.open_connections += pool.open;
  return s;
}

namespace {
class CollectHandler final : public ResponseHandler {
 public:
  void on_head(const ResponseHead& head, core::TimePoint) override {
    response.status = head.status;
    response.headers = head.headers;
  }
  void on_body(std::string_view data, core::TimePoint) override { response.body.append(data); }
  void on_complete(const core::Error* e, core::TimePoint) override {
    done = true;
    if (e) error = *e;
  }
  Response response;
  std::optional<core::Error> error;
  bool done = false;
};
}  // namespace

core::Result<Response> fetch(const Request& request, const core::Clock& clock, ClientOptions options,
                             std::chrono::milliseconds total_timeout) {
  net::io_context io;
  auto handler = std::make_shared<CollectHandler>();
  bool timed_out = false;
  {
    Client client(io, clock, std::move(options));
    const RequestId id = client.start(request, handler);
    net::steady_timer timer(io, total_timeout);
    timer.async_wait([&](beast::error_code ec) {
      if (ec || handler->done) return;
      timed_out = true;
      client.cancel(id);
    });
    while (!handler->done && io.run_one() > 0) {
    }
    timer.cancel();
    client.close_idle();
    io.run();
  }
  if (timed_out) {
    return core::Error{"timeout", request.method + " " + request.url.origin() + request.url.target +
                                      " took longer than " + std::to_string(as_ms(total_timeout)) + " ms"};
  }
  if (handler->error) return *handler->error;
  return std::move(handler->response);
}

}  // namespace lmbench::http
