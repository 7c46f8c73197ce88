// lmbench: the one executable. Wiring only (STYLE.md): the subcommands live in cmd_*.cc.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/error.h"
#include "core/process.h"

namespace lmbench::cli {

int not_built_yet(const char* name, int issue) {
  fmt::print(stderr, "lmbench {}: not built yet (issue #{})\n", name, issue);
  return 2;
}

}  // namespace lmbench::cli

int main(int argc, char** argv) {
  using namespace lmbench;
  core::raise_open_file_limit();  // a load of thousands of concurrent streams needs a socket each
  CLI::App app{"lmbench: benchmark online LLM inference serving setups", "lmbench"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lmbench 0.1.0");
  std::vector<cli::Command> commands = {
      cli::add_run(app),    cli::add_validate(app),  cli::add_bench(app),
      cli::add_sim(app),    cli::add_router(app),    cli::add_report(app),
      cli::add_dashboard(app), cli::add_upload(app), cli::add_trace(app),
      cli::add_regress(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that exit 0 and print to stdout.
    if (e.get_exit_code() == 0) return app.exit(e);
    // Misuse: one line naming the subcommand and the reason.
    std::string where = "lmbench";
    for (const auto& c : commands) {
      if (argc > 1 && c.app->get_name() == argv[1]) where += " " + c.app->get_name();
    }
    std::string reason = e.what();
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    fmt::print(stderr, "{}: error: {} (see {} --help)\n", where, reason, where);
    return e.get_exit_code();
  }
  try {
    for (const auto& c : commands) {
      if (c.app->parsed()) return c.run();
    }
  } catch (const core::ConfigError& e) {
    fmt::print(stderr, "lmbench: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "lmbench: error: {}\n", e.what());
    return 1;
  }
  return 2;
}
