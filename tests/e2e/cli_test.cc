// End-to-end: the real lmbench binary as a child process.
#include <gtest/gtest.h>

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

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* sub : {"run", "validate", "bench", "sim", "router", "report", "dashboard", "upload", "trace"}) {
    const auto r = run_lmbench({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
  }
}

}  // namespace
}  // namespace lmbench::e2e
