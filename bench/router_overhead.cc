// What the routing proxy adds to TTFT: one open-loop run of streamed completions at a fixed rate
// PER SIDE, alternating request by request between a fast backend directly and the same
// backend behind router::Proxy, so both see the same machine at the same moments. Prints p50,
// p90, p99 TTFT of each side and the differences (target: +0.2 ms p50, +1 ms p99 at 2000 req/s;
// the default, 1000 per side, is 2000 req/s in all). The load generator, the backend and the
// router share this process and the machine: check the printed scheduling lag, a run whose
// client fell behind measures the machine, not the router.
//
//   bench_router_overhead [--rate 1000] [--seconds 5] [--chunks 16] [--prompt-bytes 5]
//                         [--routing-logic roundrobin] [--chat]
//
// --prompt-bytes 90000 --rate 50 is a multi-round chat request (25k tokens of history) at the
// rates those workloads run: what the router's own parsing of a large body adds.
//
// The backend is the project's HTTP server streaming a fixed SSE answer at once; TTFT is from
// the client's start() of the request to its first body bytes.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "http/sse.h"
#include "router/proxy.h"

namespace {

using namespace lmbench;

struct Side {
  std::vector<double> ttft_ms;
  int errors = 0;
  std::string first_error;
};

class Probe final : public http::ResponseHandler {
 public:
  Probe(Side& side, core::TimePoint started, int& outstanding)
      : side_(side), started_(started), outstanding_(outstanding) {}
  void on_head(const http::ResponseHead& head, core::TimePoint) override { status_ = head.status; }
  void on_body(std::string_view, core::TimePoint t) override {
    if (!got_first_) side_.ttft_ms.push_back(core::to_ms(t - started_));
    got_first_ = true;
  }
  void on_complete(const core::Error* error, core::TimePoint) override {
    if (error || status_ != 200) {
      ++side_.errors;
      if (side_.first_error.empty()) side_.first_error = error ? error->message : "HTTP " + std::to_string(status_);
      if (got_first_) side_.ttft_ms.pop_back();
    }
    --outstanding_;
  }

 private:
  Side& side_;
  core::TimePoint started_;
  int& outstanding_;
  int status_ = 0;
  bool got_first_ = false;
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size())));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  double rate = 1000;
  double seconds = 5;
  int chunks = 16;
  std::size_t prompt_bytes = 5;
  std::string routing_logic = "roundrobin";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--rate")) rate = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--chunks")) chunks = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--prompt-bytes")) prompt_bytes = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--routing-logic")) routing_logic = argv[i + 1];
  }
  core::SteadyClock clock;

  // The backend: a whole fixed SSE answer per request, written at once.
  std::string answer;
  for (int i = 0; i < chunks; ++i) {
    answer += http::sse_event(R"({"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":" tok)" +
                              std::to_string(i) + R"("}]})");
  }
  answer += http::kSseDone;
  http::BackgroundLoop backend_loop;
  http::Router routes;
  routes.on_stream("POST", "/v1/completions", [&answer](const http::ServerRequest&, std::shared_ptr<http::ResponseWriter> w) {
    w->begin_stream(200, "text/event-stream");
    w->write(answer);
    w->end();
  });
  routes.on("GET", "/health", [](const http::ServerRequest&) { return http::ServerResponse::text(200, ""); });
  http::Server backend(backend_loop.context(), std::move(routes));
  const auto backend_port = backend.listen("127.0.0.1", 0);
  if (!backend_port) {
    std::fprintf(stderr, "backend: %s\n", backend_port.error().message.c_str());
    return 1;
  }
  const std::string backend_url = "http://127.0.0.1:" + std::to_string(*backend_port);

  http::EventLoop router_loop;
  router::ProxyOptions po;
  po.backends = {backend_url};
  po.routing_logic = routing_logic;
  po.policy.session_key = "x-user-id";
  router::Proxy proxy(router_loop, clock, po);
  const auto router_port = proxy.listen("127.0.0.1", 0);
  if (!router_port) {
    std::fprintf(stderr, "router: %s\n", router_port.error().message.c_str());
    return 1;
  }
  std::thread router_thread([&] { router_loop.run(); });

  const auto direct = *http::Url::parse(backend_url + "/v1/completions");
  const auto routed = *http::Url::parse("http://127.0.0.1:" + std::to_string(*router_port) + "/v1/completions");
  // Words of varied text, as a real prompt (escapes and all) would be.
  std::string prompt;
  for (std::size_t i = 0; prompt.size() < prompt_bytes; ++i) {
    prompt += (i % 13 == 12) ? "\\n" : "word" + std::to_string(i % 997) + " ";
  }
  prompt.resize(std::max<std::size_t>(prompt_bytes, 1));
  if (prompt.back() == '\\') prompt.back() = ' ';
  const std::string body = R"({"model":"m","prompt":")" + prompt + R"(","max_tokens":16,"stream":true})";

  http::EventLoop loop;
  http::Client client(loop.context(), clock);
  Side sides[2];
  int outstanding = 0;
  // `rate` per side: requests go out at 2 x rate, alternating sides.
  const auto total = static_cast<long>(2 * rate * seconds);
  const auto interval = std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(0.5 / rate));
  const core::TimePoint start = clock.now() + std::chrono::milliseconds(100);
  long next = 0;
  double max_lag_ms = 0;
  std::function<void()> drain = [&] {
    if (outstanding == 0) {
      loop.stop();
      return;
    }
    loop.call_after(std::chrono::milliseconds(5), drain);
  };
  std::function<void()> tick = [&] {
    const core::TimePoint now = clock.now();
    while (next < total && start + interval * next <= now) {
      max_lag_ms = std::max(max_lag_ms, core::to_ms(now - (start + interval * next)));
      const int side = static_cast<int>(next % 2);
      http::Request req;
      req.method = "POST";
      req.url = side == 0 ? direct : routed;
      req.body = body;
      req.content_type = "application/json";
      ++outstanding;
      client.start(std::move(req), std::make_shared<Probe>(sides[side], clock.now(), outstanding));
      ++next;
    }
    if (next < total) {
      const auto wait = start + interval * next - clock.now();
      loop.call_after(std::max(wait, core::Duration{0}), tick);
    } else {
      drain();  // then stop
    }
  };
  loop.post(tick);
  loop.run();

  proxy.stop();
  router_loop.post([&] { router_loop.stop(); });
  router_thread.join();
  backend.stop();

  const char* names[2] = {"direct", "via router"};
  std::printf("router overhead: %.0f req/s on each side (direct, via router) for %.1f s (%ld requests in all), %d-event streams, %zu-byte prompts, %s\n", rate,
              seconds, total, chunks, body.size(), routing_logic.c_str());
  for (int s = 0; s < 2; ++s) {
    std::printf("  %-11s n=%zu errors=%d  TTFT p50 %.3f ms  p90 %.3f ms  p99 %.3f ms%s%s\n", names[s],
                sides[s].ttft_ms.size(), sides[s].errors, pct(sides[s].ttft_ms, 50), pct(sides[s].ttft_ms, 90),
                pct(sides[s].ttft_ms, 99), sides[s].first_error.empty() ? "" : "  first error: ",
                sides[s].first_error.c_str());
  }
  const double d50 = pct(sides[1].ttft_ms, 50) - pct(sides[0].ttft_ms, 50);
  const double d99 = pct(sides[1].ttft_ms, 99) - pct(sides[0].ttft_ms, 99);
  std::printf("  added by the router: p50 %+.3f ms (target < 0.2), p99 %+.3f ms (target < 1.0)\n", d50, d99);
  std::printf("  client scheduling lag max %.3f ms\n", max_lag_ms);
  return 0;
}
