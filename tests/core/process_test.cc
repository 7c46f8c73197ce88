#include "core/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "core/files.h"
#include "core/ids.h"

namespace lmbench::core {
namespace {

// Alive and not a zombie: an orphan killed by SIGKILL stays a zombie until its (container's) init
// reaps it, which some sandboxes never do.
bool alive(pid_t pid) {
  if (::kill(pid, 0) != 0) return false;
  std::string stat;
  try {
    stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  } catch (const std::exception&) {
    return false;
  }
  const auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] != 'Z';
}

// The descriptors a child sees, by number, from `ls /proc/self/fd` run in it (ls's own listing
// of the folder is one of them).
std::set<int> fds_listed(const std::string& output) {
  std::set<int> fds;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) fds.insert(std::stoi(line));
  }
  return fds;
}

// A listening socket and a pipe, opened as Asio opens its sockets (without close-on-exec), at
// descriptor numbers a child would see if they leaked.
struct LeakableFds {
  LeakableFds() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(s, 4), 0);
    socket_fd = ::fcntl(s, F_DUPFD, 40);
    ::close(s);
    int p[2];
    EXPECT_EQ(::pipe(p), 0);
    pipe_fd = ::fcntl(p[0], F_DUPFD, 50);
    ::close(p[0]);
    ::close(p[1]);
    EXPECT_EQ(::fcntl(socket_fd, F_GETFD) & FD_CLOEXEC, 0);
  }
  ~LeakableFds() {
    ::close(socket_fd);
    ::close(pipe_fd);
  }
  int socket_fd = -1;
  int pipe_fd = -1;
};

// Deployment scripts and the tools they start get stdin, stdout and stderr, nothing else: not
// this process's sockets (a listening port would stay bound after lmbench exits) nor its pipes.
TEST(ChildProcess, OnlyStdinStdoutAndStderrReachTheChild) {
  const LeakableFds open_fds;
  auto r = run_command({.argv = {"sh", "-c", "exec ls -1 /proc/self/fd"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 0) << r->output;
  EXPECT_EQ(fds_listed(r->output), (std::set<int>{0, 1, 2, 3})) << r->output;

  // A script started as a baseline is (ChildProcess::spawn with a log file).
  const auto dir = std::filesystem::temp_directory_path() / ("lmbench-fds-" + std::to_string(random_u32()));
  std::filesystem::create_directories(dir);
  write_file_atomic(dir / "list-fds.sh", "#!/bin/sh\nexec ls -1 /proc/self/fd\n");
  std::filesystem::permissions(dir / "list-fds.sh", std::filesystem::perms::owner_all);
  auto child = ChildProcess::spawn({.argv = {(dir / "list-fds.sh").string()}, .log_file = dir / "fds.log"});
  ASSERT_TRUE(child.ok()) << child.error().message;
  EXPECT_EQ(child->wait(), 0);
  EXPECT_EQ(fds_listed(read_file(dir / "fds.log")), (std::set<int>{0, 1, 2, 3})) << read_file(dir / "fds.log");
  std::filesystem::remove_all(dir);
}

TEST(RunCommand, CapturesOutputAndExitCode) {
  auto r = run_command({.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(RunCommand, SecretsTravelInTheEnvironmentNotArgv) {
  auto r = run_command({.argv = {"sh", "-c", "echo \"$HF_TOKEN\""}, .env = {{"HF_TOKEN", "hf_secret_value"}}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output, "hf_secret_value\n");
}

TEST(ChildProcess, MissingProgramIsAnErrorValue) {
  auto c = ChildProcess::spawn({.argv = {"/nonexistent/program"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, "spawn");
  EXPECT_NE(c.error().message.find("/nonexistent/program"), std::string::npos);
}

TEST(ChildProcess, TerminateStopsTheWholeGroupIncludingGrandchildren) {
  const auto dir = std::filesystem::temp_directory_path() / ("lmbench-proc-" + std::to_string(random_u32()));
  std::filesystem::create_directories(dir);
  const auto pidfile = dir / "grandchild.pid";
  // The script starts a grandchild that ignores SIGTERM, records its pid, and waits.
  auto c = ChildProcess::spawn(
      {.argv = {"sh", "-c",
                "sh -c 'trap \"\" TERM; while true; do sleep 0.05; done' & echo $! > " + pidfile.string() + "; wait"},
       .log_file = dir / "log.txt"});
  ASSERT_TRUE(c.ok());
  pid_t grandchild = 0;
  for (int i = 0; i < 200 && grandchild == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (std::filesystem::exists(pidfile)) {
      const auto text = read_file(pidfile);
      if (!text.empty() && text.back() == '\n') grandchild = std::stoi(text);
    }
  }
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(alive(grandchild));
  c->terminate(std::chrono::milliseconds(300));
  // The grandchild ignored SIGTERM; SIGKILL to the group must have ended it. It is reaped by
  // init, so allow a moment.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = !alive(grandchild);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone);
  std::filesystem::remove_all(dir);
}

TEST(ChildProcess, PollReportsExitWithoutBlocking) {
  auto c = ChildProcess::spawn({.argv = {"sh", "-c", "sleep 0.1; exit 5"}});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->poll().has_value());
  EXPECT_EQ(c->wait(), 5);
  EXPECT_EQ(c->poll(), 5);
}

}  // namespace
}  // namespace lmbench::core
