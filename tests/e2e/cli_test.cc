// End-to-end: the real lmbench binary as a child process.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "e2e/run_binary.h"

namespace lmbench::e2e {
namespace {

TEST(Cli, HelpListsEverySubcommand) {
  const auto r = run_lmbench({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* sub : {"run", "validate", "bench", "sim", "router", "report", "dashboard", "upload", "trace"}) {
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
  }
}

TEST(Cli, MisuseExitsNonZeroWithAReason) {
  const auto r = run_lmbench({"no-such-command"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(r.err.empty());
}

// Misuse of every subcommand: a non-zero exit and exactly one line on stderr naming the
// subcommand and the reason.
TEST(Cli, MisuseOfEverySubcommandIsOneLineNamingIt) {
  const auto top = run_lmbench({"no-such-command"});
  EXPECT_NE(top.exit_code, 0);
  EXPECT_EQ(top.err.rfind("lmbench: error: ", 0), 0u) << top.err;
  EXPECT_EQ(std::count(top.err.begin(), top.err.end(), '\n'), 1) << top.err;
  for (const char* sub : {"run", "validate", "bench", "sim", "router", "report", "dashboard", "upload", "trace",
                          "regress"}) {
    const auto r = run_lmbench({sub, "--no-such-flag"});
    EXPECT_NE(r.exit_code, 0) << sub;
    EXPECT_EQ(r.err.rfind(std::string("lmbench ") + sub + ": error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << sub << ": " << r.out;
  }
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* sub : {"run", "validate", "bench", "sim", "router", "report", "dashboard", "upload", "trace"}) {
    const auto r = run_lmbench({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
  }
}

}  // namespace
}  // namespace lmbench::e2e
