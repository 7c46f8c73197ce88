#pragma once
// A raw-socket HTTP/1.1 server on 127.0.0.1:<ephemeral> for the load engine's tests: one thread
// per connection, blocking I/O, and a script per request of byte writes, pauses, resets and
// stalls, so a test controls the exact bytes and the exact time each one leaves (write times are
// recorded right after send() returns). Header-only and POSIX-only so that the end-to-end tests
// (which link nothing but core) can use it too.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lmbench::testing {

struct RawStep {
  enum class Kind { kWrite, kSleep, kReset, kClose, kStall, kRepeat } kind = Kind::kWrite;
  std::string bytes;
  std::chrono::microseconds delay{0};
  long long times = 0;  // kRepeat
};
inline RawStep raw_write(std::string bytes) { return {RawStep::Kind::kWrite, std::move(bytes), {}}; }
inline RawStep raw_sleep(std::chrono::microseconds d) { return {RawStep::Kind::kSleep, {}, d}; }
inline RawStep raw_reset() { return {RawStep::Kind::kReset, {}, {}}; }
inline RawStep raw_close() { return {RawStep::Kind::kClose, {}, {}}; }
inline RawStep raw_stall() { return {RawStep::Kind::kStall, {}, {}}; }
// `bytes` written `times` times in a row (a hostile server's endless line, without holding it in
// memory); one write time is recorded per write. Stops early when the client goes away.
inline RawStep raw_repeat(std::string bytes, long long times) {
  return {RawStep::Kind::kRepeat, std::move(bytes), {}, times};
}

struct RawRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point received{};  // when its last byte was read
};

class RawServer {
 public:
  // `script(index, request)`: the steps answering the index-th request (0-based, over all
  // connections, in arrival order). Runs on the connection's thread; may block (sleep) freely.
  using Script = std::function<std::vector<RawStep>(int index, const RawRequest& request)>;

  explicit RawServer(Script script) : state_(std::make_shared<State>()) {
    state_->script = std::move(script);
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket");
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
    if (::listen(listen_fd_, 4096) != 0) throw std::runtime_error("listen");
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~RawServer() {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->stopping = true;
      for (int fd : state_->open_fds) ::shutdown(fd, SHUT_RDWR);
    }
    state_->cv.notify_all();
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      threads.swap(state_->threads);
    }
    for (auto& t : threads) t.join();
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<RawRequest> requests() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->requests;
  }
  // steady_clock times right after each kWrite step of the index-th request was sent.
  std::vector<std::chrono::steady_clock::time_point> write_times(int index) const {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->write_times.find(index);
    return it == state_->write_times.end() ? std::vector<std::chrono::steady_clock::time_point>{} : it->second;
  }
  int connections() const { return state_->connections.load(); }

 private:
  struct State {
    Script script;
    mutable std::mutex mu;
    std::condition_variable cv;
    bool stopping = false;
    std::vector<int> open_fds;
    std::vector<std::thread> threads;
    std::vector<RawRequest> requests;
    std::map<int, std::vector<std::chrono::steady_clock::time_point>> write_times;
    std::atomic<int> connections{0};
  };

  void accept_loop() {
    for (;;) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;  // shut down
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::lock_guard<std::mutex> lock(state_->mu);
      if (state_->stopping) {
        ::close(fd);
        return;
      }
      ++state_->connections;
      state_->open_fds.push_back(fd);
      state_->threads.emplace_back([s = state_, fd] { serve(s, fd); });
    }
  }

  static bool read_request(int fd, std::string& buf, RawRequest& out) {
    std::size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(fd, buf)) return false;
    }
    const std::string head = buf.substr(0, head_end);
    std::size_t line_end = head.find("\r\n");
    const std::string first = head.substr(0, line_end);
    const std::size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
    out.method = first.substr(0, sp1);
    out.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t content_length = 0;
    while (line_end != std::string::npos && line_end < head.size()) {
      const std::size_t next = head.find("\r\n", line_end + 2);
      const std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
      line_end = next;
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      if (name == "content-length") content_length = std::stoul(value);
      out.headers[name] = value;
    }
    buf.erase(0, head_end + 4);
    while (buf.size() < content_length) {
      if (!read_more(fd, buf)) return false;
    }
    out.body = buf.substr(0, content_length);
    buf.erase(0, content_length);
    out.received = std::chrono::steady_clock::now();
    return true;
  }

  static bool read_more(int fd, std::string& buf) {
    char tmp[16384];
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<std::size_t>(n));
    return true;
  }

  static bool send_all(int fd, const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  static void serve(std::shared_ptr<State> s, int fd) {
    std::string buf;
    bool open = true;
    while (open) {
      RawRequest req;
      if (!read_request(fd, buf, req)) break;
      // `lmbench bench` asks every server whether it is a time-scaled simulator first; these
      // servers are not, and answer as any OpenAI server does an unknown path, outside the
      // scripted requests.
      if (req.method == "GET" && req.target == "/lmbench/info") {
        static const std::string kNotFound =
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{\"detail\":\"Not Found\"}";
        if (!send_all(fd, kNotFound)) break;
        continue;
      }
      int index;
      {
        std::lock_guard<std::mutex> lock(s->mu);
        index = static_cast<int>(s->requests.size());
        s->requests.push_back(req);
      }
      for (const RawStep& step : s->script(index, req)) {
        if (step.kind == RawStep::Kind::kRepeat || step.kind == RawStep::Kind::kWrite) {
          // A write is a repeat of one; every send's time is kept.
          const long long times = step.kind == RawStep::Kind::kRepeat ? step.times : 1;
          for (long long i = 0; i < times && open; ++i) {
            if (!send_all(fd, step.bytes)) {
              open = false;
              break;
            }
            const auto t = std::chrono::steady_clock::now();
            std::lock_guard<std::mutex> lock(s->mu);
            s->write_times[index].push_back(t);
            if (step.kind == RawStep::Kind::kRepeat && s->stopping) open = false;
          }
          if (!open) break;
        } else if (step.kind == RawStep::Kind::kSleep) {
          std::unique_lock<std::mutex> lock(s->mu);
          s->cv.wait_for(lock, step.delay, [&] { return s->stopping; });
          if (s->stopping) {
            open = false;
            break;
          }
        } else if (step.kind == RawStep::Kind::kReset) {
          linger l{1, 0};
          ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
          open = false;
          break;
        } else if (step.kind == RawStep::Kind::kClose) {
          ::shutdown(fd, SHUT_WR);
          open = false;
          break;
        } else {  // kStall
          std::unique_lock<std::mutex> lock(s->mu);
          s->cv.wait(lock, [&] { return s->stopping; });
          open = false;
          break;
        }
      }
    }
    std::lock_guard<std::mutex> lock(s->mu);
    std::erase(s->open_fds, fd);
    ::close(fd);
  }

  std::shared_ptr<State> state_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread acceptor_;
};

// ---- OpenAI-style streamed answers -----------------------------------------------------------

inline std::string raw_chunked_head(int status = 200, const std::string& content_type = "text/event-stream",
                                    const std::string& extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + content_type +
         "\r\nTransfer-Encoding: chunked\r\n" + extra_headers + "\r\n";
}
inline std::string raw_length_response(int status, const std::string& body,
                                       const std::string& content_type = "application/json") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}
inline std::string raw_chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}
inline const char* kRawLastChunk = "0\r\n\r\n";

// The SSE event of one content chunk, as vLLM streams it.
inline std::string sse_content(const std::string& text, bool chat) {
  if (chat) return "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
  return "data: {\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"" + text + "\",\"finish_reason\":null}]}\n\n";
}
inline std::string sse_finish(bool chat) {
  if (chat) return "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n";
  return "data: {\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"length\"}]}\n\n";
}
inline std::string sse_usage(int prompt, int completion) {
  return "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":" + std::to_string(prompt) +
         ",\"completion_tokens\":" + std::to_string(completion) +
         ",\"total_tokens\":" + std::to_string(prompt + completion) + "}}\n\n";
}
inline const char* kSseDoneEvent = "data: [DONE]\n\n";

// A whole streamed answer of `tokens` content chunks in one chunked body, each chunk "tok<i> ".
inline std::string raw_stream_answer(int tokens, bool chat, bool usage, int prompt_tokens = 10) {
  std::string out = raw_chunked_head();
  for (int i = 0; i < tokens; ++i) out += raw_chunk(sse_content(" tok" + std::to_string(i), chat));
  out += raw_chunk(sse_finish(chat));
  if (usage) out += raw_chunk(sse_usage(prompt_tokens, tokens));
  out += raw_chunk(kSseDoneEvent);
  out += kRawLastChunk;
  return out;
}

// What an OpenAI-compatible test server answers besides completions: GET /v1/models lists
// `model`, /metrics is 404 (no metrics page). nullopt for every other request.
inline std::optional<std::vector<RawStep>> raw_housekeeping(const RawRequest& req, const std::string& model) {
  if (req.target.find("/v1/models") != std::string::npos) {
    return std::vector<RawStep>{raw_write(raw_length_response(
        200, R"({"object":"list","data":[{"id":")" + model + R"(","object":"model"}]})"))};
  }
  if (req.target.find("/metrics") != std::string::npos) {
    return std::vector<RawStep>{raw_write(raw_length_response(404, "none"))};
  }
  return std::nullopt;
}

}  // namespace lmbench::testing
