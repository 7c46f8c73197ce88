#pragma once
// The wire between a fleet coordinator and its workers: one TCP connection each way, carrying
// JSON messages one per line (newline-delimited JSON). Blocking sockets with deadlines: the
// fleet's control traffic is a few messages per run plus the records, never on a load thread.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "core/error.h"

namespace lmbench::fleet {

// The steady clock as the wire carries it (clock probes, start instants): nanoseconds.
inline std::int64_t steady_ns() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

// The longest line a peer may send (a record with thousands of chunk times is ~100 KiB).
inline constexpr std::size_t kMaxLine = 16 * 1024 * 1024;

class Channel {
 public:
  // Connects to host:port (a name or an address), retrying refused connections until `timeout`.
  static core::Result<Channel> connect(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);
  explicit Channel(int fd) : fd_(fd) {}
  Channel(Channel&& other) noexcept;
  Channel& operator=(Channel&& other) noexcept;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  ~Channel();

  // Sends one message (thread-safe). False when the peer is gone.
  bool send(const nlohmann::json& message);
  // The next message; nullopt at the deadline. Errors: the peer closed the connection ("closed"),
  // a line that is not JSON or too long ("format"), a socket error.
  core::Result<std::optional<nlohmann::json>> receive(std::chrono::milliseconds timeout);
  // Shuts the connection down both ways (a blocked receive on another thread returns "closed").
  void shutdown();
  bool is_open() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::mutex send_mutex_;
  std::string buffer_;  // received bytes not yet a whole line
};

class Listener {
 public:
  // Listens on host:port (port 0: any free one); "0.0.0.0" for every interface.
  static core::Result<Listener> listen(const std::string& host, std::uint16_t port);
  Listener(Listener&& other) noexcept;
  Listener& operator=(Listener&& other) noexcept;
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  ~Listener();

  std::uint16_t port() const { return port_; }
  // The next connection, or nullopt at the deadline.
  core::Result<std::optional<Channel>> accept(std::chrono::milliseconds timeout);

 private:
  Listener(int fd, std::uint16_t port) : fd_(fd), port_(port) {}
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace lmbench::fleet
