// run_tool: stdin through a pipe, merged output, exit codes, timeouts that kill the group.

#include "deploy/tool_runner.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "deploy/log_tail.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "support/deploy_fixture.h"

namespace lmbench::deploy {
namespace {

using namespace std::chrono_literals;

TEST(RunTool, StdinReachesTheChildAndOutputIsMerged) {
  core::SteadyClock clock;
  auto r = run_tool({.argv = {"sh", "-c", "read line; echo \"got $line\"; echo err >&2; exit 4"}, .stdin_data = "token=hf_x\n"}, clock);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 4);
  EXPECT_NE(r->output.find("got token=hf_x"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

// kubectl, helm and what they start get stdin, stdout and stderr only: not the sockets of this
// process (here a real HTTP server's listening socket and a client connection to it, opened by
// Asio without close-on-exec). A script lists what it was given.
TEST(RunTool, OnlyStdinStdoutAndStderrReachTheTool) {
  http::EventLoop loop;
  http::Router router;
  router.on("GET", "/", [](const http::ServerRequest&) { return http::ServerResponse::text(200, "ok"); });
  http::Server server(loop.context(), std::move(router));
  const auto port = server.listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.error().message;
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);  // and a connection, accepted by the server
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(*port);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  loop.run_for(50ms);
  int open_here = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)e;
    ++open_here;
  }
  ASSERT_GT(open_here, 6);  // 0-2, the listening socket, both ends of the connection, Asio's own

  testing::TempDir dir("lmbench-tool-fds");
  testing::write_script(dir / "list-fds", "#!/bin/sh\nexec ls -1 /proc/self/fd\n");
  core::SteadyClock clock;
  auto r = run_tool({.argv = {(dir / "list-fds").string()}}, clock);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 0) << r->output;
  EXPECT_EQ(r->output, "0\n1\n2\n3\n");  // 3: ls's own listing of /proc/self/fd
  ::close(client);
}

TEST(RunTool, ReadsFromDevStdinLikeKubectlFromEnvFile) {
  core::SteadyClock clock;
  auto r = run_tool({.argv = {"cat", "/dev/stdin"}, .stdin_data = "a=b\n"}, clock);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output, "a=b\n");
}

TEST(RunTool, LargeStdinToAChildThatNeverReadsIsNotFatal) {
  // The child exits without reading: our write gets EPIPE, not a SIGPIPE that would kill us.
  core::SteadyClock clock;
  auto r = run_tool({.argv = {"true"}, .stdin_data = std::string(4 << 20, 'x')}, clock);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
}

TEST(RunTool, LargeOutputIsCapturedWhole) {
  core::SteadyClock clock;
  auto r = run_tool({.argv = {"sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' a"}}, clock);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output.size(), 1000000u);
}

TEST(RunTool, TimeoutKillsTheWholeGroup) {
  testing::TempDir dir("timeout");
  core::SteadyClock clock;
  const auto pidfile = dir / "child.pid";
  const auto start = std::chrono::steady_clock::now();
  auto r = run_tool({.argv = {"sh", "-c", "sleep 30 & echo $! > " + pidfile.string() + "; wait"}, .timeout = 300ms}, clock);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, "timeout");
  EXPECT_LT(took, 5s);
  const pid_t sleeper = std::stoi(testing::read_text(pidfile));
  EXPECT_TRUE(testing::gone_within(sleeper, 2000));
}

TEST(RunTool, MissingProgramIsAnErrorValue) {
  core::SteadyClock clock;
  auto r = run_tool({.argv = {"/nonexistent/kubectl", "version"}}, clock);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, "spawn");
}

TEST(RunToolChecked, NonZeroExitNamesCommandAndTailAndRedacts) {
  core::SteadyClock clock;
  const Secret token("hf_leaky");
  auto r = run_tool_checked({.argv = {"sh", "-c", "echo line1; echo \"oops $T\"; exit 2"}, .env = {{"T", "hf_leaky"}}}, clock, "kubectl", &token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, "kubectl");
  EXPECT_NE(r.error().message.find("exit code 2"), std::string::npos);
  EXPECT_NE(r.error().message.find("oops <redacted>"), std::string::npos);
  EXPECT_EQ(r.error().message.find("hf_leaky"), std::string::npos);
}

TEST(LogTail, LastLinesOfAFile) {
  testing::TempDir dir("tail");
  std::string text;
  for (int i = 1; i <= 100; ++i) text += "line " + std::to_string(i) + "\n";
  testing::write_script(dir / "log", text);
  EXPECT_EQ(log_tail(dir / "log", 3), "line 98\nline 99\nline 100");
  EXPECT_EQ(log_tail(dir / "missing"), "");
  EXPECT_EQ(text_tail("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(text_tail("only", 5), "only");
  // A byte limit smaller than the file drops the partial first line.
  EXPECT_EQ(log_tail(dir / "log", 50, 20), "line 99\nline 100");
}

}  // namespace
}  // namespace lmbench::deploy
