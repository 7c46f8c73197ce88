// End-to-end cost of the streaming client: one process (one thread, one io_context) sending
// OpenAI streaming requests to a fast local server that answers every request with a fixed
// 16-chunk SSE body, decoding and parsing every chunk. Prints requests/s, client CPU per request,
// the same server measured by wrk (when installed) and the ratio, and — with --open-streams N —
// the resident memory of N concurrent open streams.
//
//   bench_http_stream [--seconds 5] [--concurrency 64] [--open-streams 10000]
//
// The server is a minimal epoll loop in a child process (its own CPU and descriptor table), so it
// costs far less than the client and wrk measures its ceiling, not ours.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "openai/request.h"
#include "openai/server_api.h"
#include "openai/stream.h"
#include "http/sse.h"

namespace {

using namespace lmbench;

constexpr int kChunks = 16;

std::string fixed_body() {
  const openai::ResponseMeta meta{"cmpl-bench0000000000000000", "meta-llama/Llama-3.1-8B", 1732700000};
  std::string body;
  for (int i = 0; i < kChunks; ++i) {
    http::append_sse_event(body, openai::completion_chunk(meta, " tok" + std::to_string(i), i == kChunks - 1 ? "length" : ""));
  }
  http::append_sse_event(body, openai::usage_chunk(openai::Api::kCompletions, meta, {32, kChunks, 32 + kChunks}));
  body += http::kSseDone;
  return body;
}

// ---- the fixed-answer server (child process) ----

struct Conn {
  std::string in;
  std::string out;
  bool held = false;
};

[[noreturn]] void serve(int listen_fd, bool hold) {
  const std::string body = fixed_body();
  const std::string full = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body;
  // --open-streams: the head and the first event only, then nothing (the stream stays open).
  const std::string first = full.substr(0, full.find("\n\n") + 2);
  const int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd;
  epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev);
  std::unordered_map<int, Conn> conns;
  std::vector<epoll_event> events(512);
  char buf[65536];
  for (;;) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      if (fd == listen_fd) {
        for (;;) {
          const int c = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK);
          if (c < 0) break;
          int one = 1;
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event cev{};
          cev.events = EPOLLIN | EPOLLOUT | EPOLLET;
          cev.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
          conns[c];
        }
        continue;
      }
      Conn& c = conns[fd];
      bool closed = false;
      for (;;) {
        const ssize_t r = read(fd, buf, sizeof buf);
        if (r > 0) {
          c.in.append(buf, static_cast<std::size_t>(r));
          continue;
        }
        if (r == 0) closed = true;
        break;
      }
      // Answer every complete request (head + Content-Length body).
      for (;;) {
        const std::size_t end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) break;
        std::size_t len = 0;
        const std::size_t cl = c.in.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) len = std::strtoul(c.in.c_str() + cl + 16, nullptr, 10);
        if (c.in.size() < end + 4 + len) break;
        c.in.erase(0, end + 4 + len);
        if (!c.held) c.out += hold ? first : full;
        if (hold) c.held = true;
      }
      while (!c.out.empty()) {
        const ssize_t w = write(fd, c.out.data(), c.out.size());
        if (w <= 0) break;
        c.out.erase(0, static_cast<std::size_t>(w));
      }
      if (closed) {
        close(fd);
        conns.erase(fd);
      }
    }
  }
}

struct ServerProcess {
  pid_t pid = -1;
  int port = 0;
  ~ServerProcess() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

void start_server(ServerProcess& sp, bool hold) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4096) != 0) {
    std::perror("bind/listen");
    std::exit(1);
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  sp.port = ntohs(addr.sin_port);
  sp.pid = fork();
  if (sp.pid == 0) serve(fd, hold);
  close(fd);
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// Closed loop with `concurrency` requests always in flight, for `seconds`.
void throughput(int seconds, int concurrency) {
  ServerProcess server;
  start_server(server, false);
  core::SteadyClock clock;
  http::EventLoop loop;
  http::Client client(loop.context(), clock);
  const http::Url base = *http::Url::parse("http://127.0.0.1:" + std::to_string(server.port));
  openai::RequestParams params;
  params.model = "meta-llama/Llama-3.1-8B";
  params.prompt = "Benchmark prompt of a modest size, as a short chat turn would be.";
  params.max_tokens = kChunks;
  const http::Request request = openai::make_request(base, params, {{"x-user-id", "1"}});

  long ok = 0, failed = 0, chunks = 0;
  bool running = true;
  std::function<void()> launch;
  auto on_done = [&](openai::StreamResult& r) {
    if (!running) return;  // cancelled at the end of the window
    if (r.ok && r.chunk_times.size() == kChunks && r.usage) {
      ++ok;
      chunks += static_cast<long>(r.chunk_times.size());
    } else {
      ++failed;
      if (failed < 5) std::fprintf(stderr, "failed: %s %s\n", r.error.kind.c_str(), r.error.message.c_str());
    }
    launch();
  };
  launch = [&] { client.start(request, std::make_shared<openai::StreamHandler>(on_done)); };
  // Warm-up, then the measured window.
  for (int i = 0; i < concurrency; ++i) launch();
  loop.run_for(std::chrono::milliseconds(500));
  ok = failed = chunks = 0;
  const double cpu0 = cpu_seconds();
  const auto t0 = clock.now();
  loop.run_for(std::chrono::seconds(seconds));
  const double wall = core::to_seconds(clock.now() - t0);
  const double cpu = cpu_seconds() - cpu0;
  running = false;
  client.cancel_all();
  loop.run_for(std::chrono::milliseconds(200));
  const double rps = static_cast<double>(ok) / wall;
  std::printf("lmbench client: %.0f requests/s (%d in flight, %ld ok, %ld failed), %.0f chunks/s parsed\n", rps,
              concurrency, ok, failed, static_cast<double>(chunks) / wall);
  std::printf("client CPU: %.1f us per request (%.0f%% of one core)\n", ok ? cpu / static_cast<double>(ok) * 1e6 : 0.0,
              cpu / wall * 100);
  std::printf("connections opened: %llu\n", static_cast<unsigned long long>(client.stats().connections_opened));

  if (access("/usr/bin/wrk", X_OK) == 0) {
    const std::string cmd = "wrk -t1 -c" + std::to_string(concurrency) + " -d" + std::to_string(seconds) +
                            "s http://127.0.0.1:" + std::to_string(server.port) + "/v1/completions 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char line[512];
    while (p && std::fgets(line, sizeof line, p)) out += line;
    if (p) pclose(p);
    const std::size_t at = out.find("Requests/sec:");
    if (at != std::string::npos) {
      const double wrk_rps = std::strtod(out.c_str() + at + 13, nullptr);
      std::printf("wrk (1 thread, same server, same answer, no parsing): %.0f requests/s\n", wrk_rps);
      std::printf("ratio lmbench/wrk: %.2f\n", rps / wrk_rps);
    } else {
      std::printf("wrk output not understood:\n%s\n", out.c_str());
    }
  } else {
    std::printf("wrk not installed: no ratio\n");
  }
}

// N streams open at once (each got its first event, none finishes): resident memory.
void open_streams(int n) {
  ServerProcess server;
  start_server(server, true);
  core::SteadyClock clock;
  http::EventLoop loop;
  http::ClientOptions options;
  options.idle_timeout = std::chrono::minutes(5);
  http::Client client(loop.context(), clock, options);
  const http::Url base = *http::Url::parse("http://127.0.0.1:" + std::to_string(server.port));
  openai::RequestParams params;
  params.model = "m";
  params.prompt = std::string(400, 'x');  // about 100 tokens of prompt
  params.max_tokens = 128;
  const http::Request request = openai::make_request(base, params);
  const long rss0 = rss_kib();
  int first = 0, failed = 0;
  class FirstToken final : public http::ResponseHandler {
   public:
    FirstToken(int& first, int& failed) : first_(first), failed_(failed) {}
    void on_body(std::string_view d, core::TimePoint t) override {
      if (!seen_) ++first_;
      seen_ = true;
      parser_.on_body(d, t);
    }
    void on_head(const http::ResponseHead& h, core::TimePoint) override { parser_.on_head(h.status, h.header("content-type")); }
    void on_complete(const core::Error* e, core::TimePoint t) override {
      if (e && e->kind != "cancelled") ++failed_;
      parser_.finish(e, t);
    }

   private:
    int& first_;
    int& failed_;
    bool seen_ = false;
    openai::StreamParser parser_;
  };
  for (int i = 0; i < n; ++i) client.start(request, std::make_shared<FirstToken>(first, failed));
  const auto t0 = clock.now();
  while (first + failed < n && clock.now() - t0 < std::chrono::seconds(60)) loop.run_for(std::chrono::milliseconds(50));
  const long rss1 = rss_kib();
  std::printf("open streams: %d with a first event, %d failed; resident memory %.1f MB (%.1f MB before, %.1f KB per stream)\n",
              first, failed, static_cast<double>(rss1) / 1024, static_cast<double>(rss0) / 1024,
              first ? static_cast<double>(rss1 - rss0) / first : 0.0);
  client.cancel_all();
  loop.run_for(std::chrono::milliseconds(500));
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  int seconds = 5, concurrency = 64, streams = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--seconds") seconds = std::atoi(argv[i + 1]);
    else if (a == "--concurrency") concurrency = std::atoi(argv[i + 1]);
    else if (a == "--open-streams") streams = std::atoi(argv[i + 1]);
  }
  if (streams > 0) {
    open_streams(streams);
  } else {
    throughput(seconds, concurrency);
  }
  return 0;
}
