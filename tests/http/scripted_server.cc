#include "http/scripted_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <thread>
#include <variant>

namespace lmbench::testing {

namespace net = boost::asio;
using net::ip::tcp;

Step write(std::string bytes) { return Step{Step::Kind::kWrite, std::move(bytes), {}}; }
Step pause(std::chrono::microseconds d) { return Step{Step::Kind::kSleep, {}, d}; }
Step reset() { return Step{Step::Kind::kReset, {}, {}}; }
Step close() { return Step{Step::Kind::kClose, {}, {}}; }
Step stall() { return Step{Step::Kind::kStall, {}, {}}; }

std::string chunked_head(int status, const std::string& content_type) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + content_type +
         "\r\nTransfer-Encoding: chunked\r\n\r\n";
}

std::string length_head(int status, std::size_t length, const std::string& content_type) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

struct ScriptedServer::State {
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  std::unique_ptr<net::ssl::context> ssl;
  Script script;
  std::thread thread;
  mutable std::mutex mu;
  std::vector<ReceivedRequest> requests;
  std::map<int, std::vector<core::TimePoint>> writes;
  int next_index = 0;
  int connections = 0;
  std::uint16_t port = 0;
  std::vector<std::shared_ptr<void>> stalled;  // sockets kept open by kStall
};

namespace {

using PlainSocket = tcp::socket;
using TlsSocket = net::ssl::stream<tcp::socket>;

template <typename S>
tcp::socket& lowest(S& s) {
  if constexpr (std::is_same_v<S, TlsSocket>) {
    return s.next_layer();
  } else {
    return s;
  }
}

// Reads one request (head, then Content-Length bytes of body). Returns false on EOF/error.
template <typename S>
bool read_request(S& s, std::string& buffer, ReceivedRequest& out) {
  boost::system::error_code ec;
  std::size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    char tmp[4096];
    const std::size_t n = s.read_some(net::buffer(tmp), ec);
    if (ec) return false;
    buffer.append(tmp, n);
  }
  out.head = buffer.substr(0, head_end + 4);
  std::size_t length = 0;
  std::string lower = out.head;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (const std::size_t p = lower.find("content-length:"); p != std::string::npos) {
    length = std::strtoul(lower.c_str() + p + 15, nullptr, 10);
  }
  while (buffer.size() < head_end + 4 + length) {
    char tmp[4096];
    const std::size_t n = s.read_some(net::buffer(tmp), ec);
    if (ec) return false;
    buffer.append(tmp, n);
  }
  out.body = buffer.substr(head_end + 4, length);
  buffer.erase(0, head_end + 4 + length);
  out.received = std::chrono::steady_clock::now();
  return true;
}

// Serves one connection with blocking I/O on a thread of its own, so that pauses are exact.
template <typename S>
void serve(std::shared_ptr<ScriptedServer::State> st, std::shared_ptr<S> s) {
  std::string buffer;
  for (;;) {
    ReceivedRequest req;
    if (!read_request(*s, buffer, req)) return;
    int index;
    {
      std::lock_guard lock(st->mu);
      index = st->next_index++;
      st->requests.push_back(req);
    }
    const std::vector<Step> steps = st->script(index, req);
    for (const Step& step : steps) {
      boost::system::error_code ec;
      switch (step.kind) {
        case Step::Kind::kWrite: {
          net::write(*s, net::buffer(step.bytes), ec);
          const auto t = std::chrono::steady_clock::now();
          std::lock_guard lock(st->mu);
          st->writes[index].push_back(t);
          if (ec) return;
          break;
        }
        case Step::Kind::kSleep:
          std::this_thread::sleep_for(step.delay);
          break;
        case Step::Kind::kReset:
          lowest(*s).set_option(net::socket_base::linger(true, 0), ec);
          lowest(*s).close(ec);
          return;
        case Step::Kind::kClose:
          lowest(*s).shutdown(tcp::socket::shutdown_both, ec);
          lowest(*s).close(ec);
          return;
        case Step::Kind::kStall: {
          std::lock_guard lock(st->mu);
          st->stalled.push_back(s);
          return;
        }
      }
    }
  }
}

void accept_loop(std::shared_ptr<ScriptedServer::State> st) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket sock(st->io);
    st->acceptor.accept(sock, ec);
    if (ec) return;
    sock.set_option(tcp::no_delay(true), ec);
    {
      std::lock_guard lock(st->mu);
      ++st->connections;
    }
    if (st->ssl) {
      auto s = std::make_shared<TlsSocket>(std::move(sock), *st->ssl);
      std::thread([st, s] {
        boost::system::error_code hec;
        s->handshake(net::ssl::stream_base::server, hec);
        if (!hec) serve(st, s);
      }).detach();
    } else {
      auto s = std::make_shared<PlainSocket>(std::move(sock));
      std::thread([st, s] { serve(st, s); }).detach();
    }
  }
}

}  // namespace

ScriptedServer::ScriptedServer(Script script) : ScriptedServer(std::move(script), Tls{}) {}

ScriptedServer::ScriptedServer(Script script, Tls tls) : state_(std::make_shared<State>()) {
  state_->script = std::move(script);
  if (!tls.cert_file.empty()) {
    state_->ssl = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    state_->ssl->use_certificate_chain_file(tls.cert_file);
    state_->ssl->use_private_key_file(tls.key_file, net::ssl::context::pem);
  }
  const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(ep.protocol());
  state_->acceptor.bind(ep);
  state_->acceptor.listen();
  state_->port = state_->acceptor.local_endpoint().port();
  state_->thread = std::thread([st = state_] { accept_loop(st); });
}

ScriptedServer::~ScriptedServer() {
  boost::system::error_code ec;
  // Unblock accept(): shutting the listening socket down makes accept() fail.
  ::shutdown(state_->acceptor.native_handle(), SHUT_RDWR);
  state_->thread.join();
  state_->acceptor.close(ec);
  std::lock_guard lock(state_->mu);
  state_->stalled.clear();
}

std::uint16_t ScriptedServer::port() const { return state_->port; }

std::string ScriptedServer::url(const std::string& path) const {
  return std::string(state_->ssl ? "https" : "http") + "://127.0.0.1:" + std::to_string(state_->port) + path;
}

std::vector<ReceivedRequest> ScriptedServer::requests() const {
  std::lock_guard lock(state_->mu);
  return state_->requests;
}

std::vector<core::TimePoint> ScriptedServer::write_times(int index) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->writes.find(index);
  return it == state_->writes.end() ? std::vector<core::TimePoint>{} : it->second;
}

std::vector<core::TimePoint> ScriptedServer::write_times(int index, std::size_t count) const {
  auto times = write_times(index);
  for (int waited = 0; times.size() < count && waited < 2000; waited += 2) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    times = write_times(index);
  }
  return times;
}

int ScriptedServer::connections() const {
  std::lock_guard lock(state_->mu);
  return state_->connections;
}

SelfSignedCert::SelfSignedCert(const std::string& subject_alt_names) {
  char tmpl[] = "/tmp/lmbench-tls-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir = tmpl;
  cert_file = dir + "/cert.pem";
  key_file = dir + "/key.pem";
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost"
                          " -addext subjectAltName=" + subject_alt_names + " -keyout " +
                          key_file + " -out " + cert_file + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make a certificate: " + cmd);
}

SelfSignedCert::~SelfSignedCert() {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace lmbench::testing
