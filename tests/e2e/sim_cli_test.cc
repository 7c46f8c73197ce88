// `lmbench sim` as users start it: several engines on consecutive ports, each answering the
// OpenAI API, and a clean stop on SIGINT.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include "config/temp_tree.h"
#include "core/files.h"
#include "core/process.h"
#include "e2e/run_binary.h"

namespace lmbench::e2e {
namespace {

// GET path on 127.0.0.1:port with HTTP/1.0 (the server closes after the answer); the whole answer.
std::string http_get(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  [[maybe_unused]] auto w = ::write(fd, req.data(), req.size());
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
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
  }
  ::kill(child->pid(), SIGINT);
  EXPECT_EQ(child->wait(), 0) << core::read_file(t.path("sim.log"));
}

}  // namespace
}  // namespace lmbench::e2e
