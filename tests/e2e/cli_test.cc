// End-to-end: the real lmbench binary as a child process.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <vector>
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
  const std::vector<std::vector<std::string>> commands = {
      {"run"}, {"validate"}, {"bench"}, {"bench", "random"}, {"bench", "synthetic"}, {"sim"}, {"router"}, {"report"},
      {"dashboard"}, {"upload"}, {"trace"}, {"trace", "stats"}, {"regress"}};
  for (auto args : commands) {
    const std::string sub = args.back();
    args.push_back("--help");
    const auto r = run_lmbench(args);
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
    // A document the help cites is one the repository has.
    const std::regex doc(R"(([A-Za-z0-9_./-]+\.md)\b)");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), doc), end; it != end; ++it) {
      EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(LMBENCH_SOURCE_DIR) / (*it)[1].str()))
          << sub << " --help cites " << (*it)[1] << ", which the repository does not have";
    }
  }
}

// The messages a user sees for the usual slips: a misspelt command (with the nearest one), bare
// `lmbench` (the command list), arguments in the order they were typed, and the nearest option.
TEST(Cli, SlipsGetMessagesThatSayWhatToType) {
  const auto runn = run_lmbench({"runn"});
  EXPECT_EQ(runn.exit_code, 106);
  EXPECT_EQ(runn.err.rfind("lmbench: error: unknown command 'runn' (did you mean 'run'?); the commands are run, validate, "
                           "bench, ", 0),
            0u)
      << runn.err;
  const auto nested = run_lmbench({"bench", "randm"});
  EXPECT_EQ(nested.err.rfind("lmbench bench: error: unknown command 'randm' (did you mean 'random'?)", 0), 0u)
      << nested.err;
  const auto bare = run_lmbench({});
  EXPECT_EQ(bare.exit_code, 2);
  for (const char* sub : {"run", "validate", "bench", "sim", "router", "report", "dashboard", "upload", "trace", "regress"}) {
    EXPECT_NE(bare.err.find(std::string("\n  ") + sub + " "), std::string::npos) << sub << "\n" << bare.err;
  }
  const auto extras = run_lmbench({"bench", "random", "--base-url", "http://127.0.0.1:9", "--model", "m", "5", "--promptlen"});
  EXPECT_EQ(extras.err,
            "lmbench bench random: error: unexpected argument(s): 5 --promptlen; unknown option --promptlen (did you "
            "mean --prompt-len?) (see lmbench bench random --help)\n");
}

}  // namespace
}  // namespace lmbench::e2e
