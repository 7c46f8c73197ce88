#include "core/interrupt.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>

namespace lmbench::core {
namespace {

// One test: the stop flag is process-wide and cannot be reset.
TEST(Interrupt, FirstSignalRequestsAStopAndWakesTheEventfd) {
  install_interrupt_handlers();
  EXPECT_FALSE(stop_requested());
  pollfd p{stop_eventfd(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0);
  ::raise(SIGTERM);
  EXPECT_TRUE(stop_requested());
  EXPECT_EQ(stop_signal(), SIGTERM);
  EXPECT_EQ(::poll(&p, 1, 100), 1);
}

}  // namespace
}  // namespace lmbench::core

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/files.h"
#include "core/ids.h"
#include "core/process.h"

namespace lmbench::core {
namespace {

// The second signal exits at once, and must take registered child process groups with it (a
// GPU server started by a script must not outlive lmbench). A death test: the stop flag cannot
// be reset inside one process.
TEST(InterruptDeathTest, SecondSignalKillsRegisteredChildGroupsAndExits) {
  const auto pidfile = std::filesystem::temp_directory_path() / ("lmbench-int-" + std::to_string(random_u32()));
  EXPECT_EXIT(
      {
        install_interrupt_handlers();
        auto child = ChildProcess::spawn({.argv = {"sleep", "30"}});
        if (!child) _exit(3);
        {
          std::ofstream(pidfile) << child->pid() << "\n";
        }
        ::raise(SIGINT);
        ::raise(SIGINT);
        _exit(0);  // not reached
      },
      ::testing::ExitedWithCode(128 + SIGINT), "second interrupt");
  const pid_t pid = std::stoi(read_file(pidfile));
  std::filesystem::remove(pidfile);
  // Killed by SIGKILL; reparented, so it may linger as a zombie until init reaps it.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    std::string stat;
    try {
      stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    } catch (const std::exception&) {
      gone = true;
      break;
    }
    const auto close = stat.rfind(')');
    gone = close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone);
}

}  // namespace
}  // namespace lmbench::core
