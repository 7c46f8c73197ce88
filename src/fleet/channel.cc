#include "fleet/channel.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace lmbench::fleet {

namespace {

core::Error sys_error(const std::string& what) { return core::Error{"io", what + ": " + std::strerror(errno)}; }

void set_nodelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // A peer that vanishes without closing (a worker pod's node lost) is found out within about a
  // minute of silence instead of never: a blocked receive then fails.
  int idle_s = 30, interval_s = 10, probes = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval_s, sizeof interval_s);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

}  // namespace

core::Result<Channel> Channel::connect(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last = "no attempt";
  for (;;) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (rc == 0) {
      for (addrinfo* a = found; a; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
          ::freeaddrinfo(found);
          set_nodelay(fd);
          return Channel(fd);
        }
        last = std::strerror(errno);
        ::close(fd);
      }
      ::freeaddrinfo(found);
    } else {
      last = ::gai_strerror(rc);  // a Service's DNS name may appear only after its pod is ready
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return core::Error{"connect", "cannot reach the coordinator at " + host + ":" + std::to_string(port) + ": " + last};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Channel::Channel(Channel&& other) noexcept : fd_(other.fd_), buffer_(std::move(other.buffer_)) { other.fd_ = -1; }

Channel& Channel::operator=(Channel&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

Channel::~Channel() {
  if (fd_ >= 0) ::close(fd_);
}

bool Channel::send(const nlohmann::json& message) {
  std::string line = message.dump();
  line += '\n';
  std::lock_guard lock(send_mutex_);
  if (fd_ < 0) return false;
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::send(fd_, line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

core::Result<std::optional<nlohmann::json>> Channel::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
      auto j = nlohmann::json::parse(std::string_view(buffer_).substr(0, nl), nullptr, false);
      buffer_.erase(0, nl + 1);
      if (j.is_discarded()) return core::Error{"format", "the peer sent a line that is not JSON"};
      return std::optional<nlohmann::json>(std::move(j));
    }
    if (buffer_.size() > kMaxLine) return core::Error{"format", "the peer sent a line longer than 16 MiB"};
    if (fd_ < 0) return core::Error{"closed", "the connection is closed"};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::optional<nlohmann::json>{};
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (rc < 0 && errno != EINTR) return sys_error("poll");
    if (rc <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0) return core::Error{"closed", "the peer closed the connection"};
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return core::Error{"closed", std::string("the connection failed: ") + std::strerror(errno)};
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

void Channel::shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

core::Result<Listener> Listener::listen(const std::string& host, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return sys_error("socket");
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    return core::Error{"config", "not an IPv4 address: " + host};
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    auto e = sys_error("cannot listen on " + host + ":" + std::to_string(port));
    ::close(fd);
    return e;
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return Listener(fd, ntohs(addr.sin_port));
}

Listener::Listener(Listener&& other) noexcept : fd_(other.fd_), port_(other.port_) { other.fd_ = -1; }

Listener& Listener::operator=(Listener&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    port_ = other.port_;
    other.fd_ = -1;
  }
  return *this;
}

Listener::~Listener() {
  if (fd_ >= 0) ::close(fd_);
}

core::Result<std::optional<Channel>> Listener::accept(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  const int rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (rc < 0) {
    if (errno == EINTR) return std::optional<Channel>{};
    return sys_error("poll");
  }
  if (rc == 0) return std::optional<Channel>{};
  const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED) return std::optional<Channel>{};
    return sys_error("accept");
  }
  set_nodelay(fd);
  return std::optional<Channel>(Channel(fd));
}

}  // namespace lmbench::fleet
