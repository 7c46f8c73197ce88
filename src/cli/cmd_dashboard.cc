// `lmbench dashboard`: the results dashboard (upload API, SQLite store, web UI) on one port.
// Runs until Ctrl-C / SIGTERM.

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli/command.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "dashboard/dashboard.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "store/store.h"

namespace lmbench::cli {

namespace {

struct DashboardArgs {
  std::string db;
  std::string host = "127.0.0.1";
  int port = 3001;
  std::string token_env;
  bool allow_unauthenticated_uploads = false;
  std::size_t max_body_bytes = 8u << 20;
  double threshold_pct = 10;
  int window = 5;
};

// 127.0.0.0/8 and ::1: only this machine can connect.
bool is_loopback(const std::string& host) {
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

int run_dashboard(const DashboardArgs& args) {
  const bool exposed = !is_loopback(args.host);
  if (exposed && args.token_env.empty() && !args.allow_unauthenticated_uploads) {
    throw core::ConfigError("--host " + args.host +
                            " exposes the dashboard to the network, and without --token-env anyone who can reach it "
                            "can store runs in it; give --token-env NAME (the variable holding the bearer token "
                            "uploads must carry), or --allow-unauthenticated-uploads to accept that");
  }
  dashboard::DashboardOptions options;
  if (!args.token_env.empty()) {
    const char* token = std::getenv(args.token_env.c_str());
    if (token == nullptr || *token == '\0') {
      throw core::ConfigError("--token-env: environment variable " + args.token_env +
                              " is not set or empty; refusing to accept uploads without the token it should hold");
    }
    options.upload_token = token;
  }
  options.max_body_bytes = args.max_body_bytes;
  options.regression_threshold_pct = args.threshold_pct;
  options.regression_window = args.window;

  auto store = store::Store::open(args.db);
  if (!store.ok()) {
    fmt::print(stderr, "lmbench dashboard: error: cannot open {}: {}\n", args.db, store.error().message);
    return 1;
  }
  core::install_interrupt_handlers();
  http::EventLoop loop;
  http::Server server(loop.context(), dashboard::make_router(**store, options), dashboard::server_options(options));
  const auto port = server.listen(args.host, static_cast<std::uint16_t>(args.port));
  if (!port.ok()) {
    fmt::print(stderr, "lmbench dashboard: error: {}\n", port.error().message);
    return 1;
  }
  const bool ipv6 = args.host.find(':') != std::string::npos;
  const std::string origin = fmt::format("http://{}:{}", ipv6 ? "[" + args.host + "]" : args.host, *port);
  // Tests and scripts read the port from this line (with --port 0 it is the one the OS chose).
  fmt::print("lmbench dashboard: serving {}/ (upload URL {}/upload, database {}{})\n", origin, origin, args.db,
             options.upload_token.empty() ? "" : ", uploads need the bearer token");
  if (exposed && options.upload_token.empty()) {
    fmt::print("lmbench dashboard: warning: uploads need no token (--allow-unauthenticated-uploads): anyone who can "
               "reach {} can store runs\n",
               origin);
  }
  std::fflush(stdout);
  while (!core::stop_requested()) loop.run_for(std::chrono::milliseconds(200));
  server.stop();
  loop.run_for(std::chrono::milliseconds(200));
  fmt::print("lmbench dashboard: stopped\n");
  return 0;
}

}  // namespace

Command add_dashboard(CLI::App& app) {
  auto* sub = app.add_subcommand("dashboard", "Serve the results dashboard (upload API, SQLite store, web UI)");
  auto args = std::make_shared<DashboardArgs>();
  sub->add_option("--db", args->db, "SQLite results database (created when missing)")->required();
  sub->add_option("--port", args->port, "TCP port (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  sub->add_option("--host", args->host, "address to bind; 0.0.0.0 exposes the dashboard to the network")
      ->capture_default_str();
  sub->add_option("--token-env", args->token_env,
                  "environment variable holding the bearer token that uploads must carry");
  sub->add_flag("--allow-unauthenticated-uploads", args->allow_unauthenticated_uploads,
                "with a --host other than loopback and no --token-env: start anyway, letting anyone who can reach "
                "the dashboard upload runs");
  sub->add_option("--max-body-bytes", args->max_body_bytes, "larger upload bodies get 413")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  sub->add_option("--regression-threshold", args->threshold_pct,
                  "over-time chart: flag a session worse than the median of the previous ones by more than this %")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1000.0));
  sub->add_option("--regression-window", args->window, "over-time chart: previous sessions the median is taken over")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  return {sub, [args] { return run_dashboard(*args); }};
}

}  // namespace lmbench::cli
