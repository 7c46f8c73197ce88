// `lmbench router`: the routing reverse proxy in front of OpenAI-compatible engines, until
// SIGINT/SIGTERM. Prints exactly one "listening on http://HOST:PORT" line on stdout.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "cli/command.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "router/policy.h"
#include "router/proxy.h"

namespace lmbench::cli {
namespace {

struct RouterArgs {
  std::string host = "127.0.0.1";
  int port = 0;
  router::ProxyOptions proxy;
  int health_interval_ms = 1000;
  int stats_window_s = 60;
  std::vector<std::string> discover;  // engines of a `lmbench sim --engines N`, from any one of them
  double discover_timeout_s = 30;
};

// The engines a `lmbench sim` reports at GET /lmbench/engines, retried until `timeout` while it
// starts. An engine bound to 0.0.0.0 is reached at the host the user gave.
std::vector<std::string> discover_engines(const std::string& url_text, const core::Clock& clock, core::Duration timeout) {
  auto url = http::Url::parse(url_text);
  if (!url) throw core::ConfigError("--discover: " + url.error().message);
  http::Request req;
  req.url = url->with_path("lmbench/engines");
  const auto deadline = clock.now() + timeout;
  std::string last;
  for (;;) {
    auto r = http::fetch(req, clock, {}, std::chrono::milliseconds(5000));
    if (r && r->status == 200) {
      const auto j = nlohmann::json::parse(r->body, nullptr, false);
      if (j.is_discarded() || !j.contains("engines") || !j["engines"].is_array()) {
        throw core::ConfigError("--discover " + url_text + ": GET /lmbench/engines answered a body without an engines list");
      }
      std::vector<std::string> out;
      for (const auto& e : j["engines"]) {
        if (!e.is_string()) continue;
        std::string engine = e.get<std::string>();
        if (const auto at = engine.find("//0.0.0.0:"); at != std::string::npos) engine.replace(at + 2, 7, url->host);
        out.push_back(std::move(engine));
      }
      if (out.empty()) throw core::ConfigError("--discover " + url_text + ": the engine list is empty");
      return out;
    }
    if (r && r->status != 503) {
      throw core::ConfigError("--discover " + url_text + ": GET /lmbench/engines answered " + std::to_string(r->status) +
                              " (is it an lmbench sim engine?)");
    }
    last = r ? "still starting" : r.error().message;
    if (clock.now() >= deadline || core::stop_requested()) {
      throw core::ConfigError("--discover " + url_text + ": no engine list within " +
                              std::to_string(static_cast<int>(core::to_seconds(timeout))) + " s (last: " + last + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int run_router(RouterArgs& a) {
  if (a.port < 0 || a.port > 65535) throw core::ConfigError("--port: expected 0..65535, found " + std::to_string(a.port));
  if (a.health_interval_ms <= 0) throw core::ConfigError("--health-interval-ms: expected a positive number");
  if (a.stats_window_s <= 0) throw core::ConfigError("--request-stats-window: expected a positive number of seconds");
  if (a.proxy.failover_attempts < 0) throw core::ConfigError("--failover-attempts: expected 0 or more");
  if (a.proxy.backends.empty() && a.discover.empty()) {
    throw core::ConfigError("give the engines: --backend URL (repeatable) or --discover URL of one `lmbench sim` engine");
  }
  const std::string& logic = a.proxy.routing_logic;
  if ((logic == "session" || logic == "kvaware") && a.proxy.policy.session_key.empty()) {
    // Without a key, session routing would have nothing to stick to. Specs and production-stack
    // values use x-user-id (what lmbench's workloads send), so that is the default, said aloud.
    a.proxy.policy.session_key = "x-user-id";
    std::fprintf(stderr, "lmbench router: %s routing on the session key x-user-id (the default; --session-key sets it)\n",
                 logic.c_str());
  }
  a.proxy.health_interval = std::chrono::milliseconds(a.health_interval_ms);
  a.proxy.stats_window = std::chrono::seconds(a.stats_window_s);
  // Streams from a busy engine can be silent for a long time before their first token.
  a.proxy.upstream.first_byte_timeout = std::chrono::milliseconds(600'000);
  a.proxy.upstream.idle_timeout = std::chrono::milliseconds(600'000);

  core::install_interrupt_handlers();
  core::SteadyClock clock;
  for (const auto& d : a.discover) {
    const auto found = discover_engines(d, clock, core::from_seconds(a.discover_timeout_s));
    for (const auto& e : found) {
      if (std::find(a.proxy.backends.begin(), a.proxy.backends.end(), e) == a.proxy.backends.end()) a.proxy.backends.push_back(e);
    }
    std::fprintf(stderr, "lmbench router: discovered %zu engine(s) from %s\n", found.size(), d.c_str());
  }
  http::EventLoop loop;
  router::Proxy proxy(loop, clock, a.proxy);
  const auto port = proxy.listen(a.host, static_cast<std::uint16_t>(a.port));
  if (!port) {
    std::fprintf(stderr, "lmbench router: %s\n", port.error().message.c_str());
    return 1;
  }
  std::printf("listening on http://%s:%u\n", a.host.c_str(), static_cast<unsigned>(*port));
  std::fflush(stdout);

  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done.load() && !core::stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    proxy.stop();
    // A moment for cancelled streams to be closed, then the loop ends.
    loop.post([&] { loop.call_after(std::chrono::milliseconds(100), [&] { loop.stop(); }); });
  });
  loop.run();
  done = true;
  watcher.join();
  std::fprintf(stderr, "lmbench router: stopped\n");
  return 0;
}

}  // namespace

Command add_router(CLI::App& app) {
  auto args = std::make_shared<RouterArgs>();
  auto& a = *args;
  auto* sub = app.add_subcommand("router", "Start the routing proxy in front of OpenAI-compatible engines");
  sub->add_option("--host", a.host, "address to bind")->capture_default_str();
  sub->add_option("--port", a.port, "port (0: pick a free one)")->capture_default_str();
  sub->add_option("--routing-logic", a.proxy.routing_logic, "roundrobin, session, prefixaware, kvaware or leastloaded")
      ->check(CLI::IsMember(router::policy_names()))
      ->capture_default_str();
  sub->add_option("--backend", a.proxy.backends, "engine base URL, e.g. http://127.0.0.1:8000 (repeatable)");
  sub->add_option("--discover", a.discover,
                  "URL of one engine of an `lmbench sim --engines N`: route to all N (its GET /lmbench/engines; repeatable)");
  sub->add_option("--discover-timeout", a.discover_timeout_s, "seconds to wait for --discover's engines to start")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--session-key", a.proxy.policy.session_key,
                  "header (or JSON body field) holding the session id (session and kvaware; default x-user-id)");
  sub->add_option("--prefix-min-match-length", a.proxy.policy.prefix_min_match,
                  "prefixaware: shortest prefix match in characters that is followed")
      ->capture_default_str();
  sub->add_option("--kv-aware-threshold", a.proxy.policy.kv_threshold,
                  "kvaware: fall back to session routing when the best cached prefix is more than this many tokens short")
      ->capture_default_str();
  sub->add_option("--seed", a.proxy.policy.seed, "seed of prefixaware's random choice")->capture_default_str();
  sub->add_option("--failover-attempts", a.proxy.failover_attempts,
                  "retry a request whose backend refused the connection on this many other backends")
      ->capture_default_str();
  sub->add_option("--health-interval-ms", a.health_interval_ms, "period of GET /health on every backend")
      ->capture_default_str();
  sub->add_option("--request-stats-window", a.stats_window_s, "seconds of arrivals the QPS fallback counts")
      ->capture_default_str();
  return {sub, [args] { return run_router(*args); }};
}

}  // namespace lmbench::cli
