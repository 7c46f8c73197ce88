// lmbench: the one executable. Wiring only (STYLE.md): the subcommands live in cmd_*.cc.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.h"
#include "config/yaml_read.h"
#include "core/error.h"
#include "core/process.h"

namespace lmbench::cli {

int not_built_yet(const char* name, int issue) {
  fmt::print(stderr, "lmbench {}: not built yet (issue #{})\n", name, issue);
  return 2;
}

CLI::Validator positive_milliseconds() {
  return CLI::Validator(
      [](std::string& v) {
        char* end = nullptr;
        const double d = std::strtod(v.c_str(), &end);
        return end != v.c_str() && *end == '\0' && d > 0 ? std::string() : "expected milliseconds > 0, found " + v;
      },
      "MS > 0");
}

// The deepest (sub)command the command line names ("lmbench", "lmbench bench", "lmbench bench
// random") and the index of the first argument after its name.
struct Named {
  CLI::App* app;
  std::string where;
  int next;
};

Named deepest_command(CLI::App& app, int argc, char** argv) {
  Named n{&app, "lmbench", 1};
  while (n.next < argc) {
    CLI::App* found = nullptr;
    for (CLI::App* s : n.app->get_subcommands([](CLI::App*) { return true; })) {
      if (s->check_name(argv[n.next])) found = s;
    }
    if (found == nullptr) break;
    n.app = found;
    n.where += " " + found->get_name();
    ++n.next;
  }
  return n;
}

std::vector<std::string> names_of(CLI::App* app) {
  std::vector<std::string> out;
  for (CLI::App* s : app->get_subcommands([](CLI::App*) { return true; })) out.push_back(s->get_name());
  return out;
}

// What CLI11 says as "The following arguments were not expected: b a" (it lists them last first),
// in command-line order, with the nearest option named for an unknown one.
std::string unexpected_arguments(const CLI::App& app, const std::string& what, int argc, char** argv) {
  std::string marker = "were not expected: ";
  auto at = what.find(marker);
  if (at == std::string::npos) {
    marker = "was not expected: ";
    at = what.find(marker);
  }
  if (at == std::string::npos) return what;
  std::vector<std::string> extras;
  for (std::size_t i = at + marker.size(), end; i < what.size(); i = end + 1) {
    end = what.find(' ', i);
    if (end == std::string::npos) end = what.size();
    if (end > i) extras.push_back(what.substr(i, end - i));
  }
  std::vector<std::string> ordered;
  for (int i = 1; i < argc; ++i) {
    const auto it = std::find(extras.begin(), extras.end(), argv[i]);
    if (it != extras.end()) {
      ordered.push_back(*it);
      extras.erase(it);
    }
  }
  ordered.insert(ordered.end(), extras.begin(), extras.end());
  std::vector<std::string> options;
  for (const CLI::Option* o : app.get_options()) {
    for (const auto& l : o->get_lnames()) options.push_back("--" + l);
  }
  std::string out = "unexpected argument(s):";
  for (const auto& a : ordered) out += " " + a;
  for (const auto& a : ordered) {
    if (a.rfind("--", 0) != 0) continue;
    const std::string hint = config::nearest_name(a.substr(0, a.find('=')), options);
    out += hint.empty() ? fmt::format("; unknown option {}", a) : fmt::format("; unknown option {} (did you mean {}?)", a, hint);
  }
  return out;
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
      cli::add_regress(app), cli::add_worker(app), cli::add_coordinate(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that exit 0 and print to stdout.
    if (e.get_exit_code() == 0) return app.exit(e);
    if (argc == 1) {  // bare `lmbench`: what it can do
      fmt::print(stderr, "{}", app.help());
      return 2;
    }
    // Misuse: one line naming the (sub)command and the reason.
    const cli::Named named = cli::deepest_command(app, argc, argv);
    const std::vector<std::string> commands_here = cli::names_of(named.app);
    std::string reason = e.what();
    if (!commands_here.empty() && named.next < argc && argv[named.next][0] != '-') {
      const std::string hint = config::nearest_name(argv[named.next], commands_here);
      reason = fmt::format("unknown command '{}'{}; the commands are {}", argv[named.next],
                           hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint), fmt::join(commands_here, ", "));
    } else if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      reason = cli::unexpected_arguments(*named.app, reason, argc, argv);
    }
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    fmt::print(stderr, "{}: error: {} (see {} --help)\n", named.where, reason, named.where);
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
