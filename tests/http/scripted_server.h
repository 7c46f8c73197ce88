#pragma once
// A raw TCP (optionally TLS) server on 127.0.0.1:<ephemeral> that answers each request with a
// script of byte writes, pauses, resets and stalls, on a thread of its own. It is how the client
// tests produce exact wire bytes, split points, faults and emission times. Shared by http_test and
// openai_test.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"

namespace lmbench::testing {

struct Step {
  enum class Kind { kWrite, kSleep, kReset, kClose, kStall } kind = Kind::kWrite;
  std::string bytes;
  std::chrono::microseconds delay{0};
};
Step write(std::string bytes);
Step pause(std::chrono::microseconds d);
Step reset();  // RST (SO_LINGER 0 then close)
Step close();  // orderly FIN
Step stall();  // never answer again (until the server is destroyed)

// One received request: head text and body.
struct ReceivedRequest {
  std::string head;
  std::string body;
  core::TimePoint received{};  // when its last byte was read
};

class ScriptedServer {
 public:
  // `script(index, request)` gives the steps for the index-th request (0-based, over all
  // connections). After the steps the connection waits for the next request (keep-alive) unless
  // the script closed, reset or stalled it.
  using Script = std::function<std::vector<Step>(int index, const ReceivedRequest& request)>;
  struct Tls {
    std::string cert_file;
    std::string key_file;
  };
  explicit ScriptedServer(Script script);
  ScriptedServer(Script script, Tls tls);
  ~ScriptedServer();

  std::uint16_t port() const;
  std::string url(const std::string& path = "/") const;  // http(s)://127.0.0.1:port/path
  std::vector<ReceivedRequest> requests() const;
  // steady_clock times at which each kWrite step of the index-th request finished writing.
  std::vector<core::TimePoint> write_times(int index) const;
  // write_times(index) once it has at least `count` entries, waiting up to 2 s: the server
  // stamps a write after it returns, so a client can have read the last byte before the stamp.
  std::vector<core::TimePoint> write_times(int index, std::size_t count) const;
  int connections() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

// A response head for the scripts: "HTTP/1.1 <status> X\r\n" + headers + blank line.
std::string chunked_head(int status = 200, const std::string& content_type = "text/event-stream");
std::string length_head(int status, std::size_t length, const std::string& content_type = "application/json");
// One chunk of chunked transfer encoding, and the last one.
std::string chunk(const std::string& data);
inline const char* kLastChunk = "0\r\n\r\n";

// A self-signed certificate for 127.0.0.1 and localhost made with the openssl CLI in a fresh
// temporary folder (removed on destruction).
class SelfSignedCert {
 public:
  explicit SelfSignedCert(const std::string& subject_alt_names = "IP:127.0.0.1,DNS:localhost");
  ~SelfSignedCert();
  std::string cert_file;
  std::string key_file;
  std::string dir;
};

}  // namespace lmbench::testing
