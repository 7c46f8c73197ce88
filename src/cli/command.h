#pragma once
// Each subcommand lives in its own cmd_<name>.cc and registers itself on the CLI11 app; main
// runs the one the user chose. Options are bound to state captured by `run`.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace lmbench::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the process exit code
};

Command add_run(CLI::App& app);
Command add_validate(CLI::App& app);
Command add_bench(CLI::App& app);
Command add_sim(CLI::App& app);
Command add_router(CLI::App& app);
Command add_report(CLI::App& app);
Command add_dashboard(CLI::App& app);
Command add_upload(CLI::App& app);
Command add_trace(CLI::App& app);
Command add_regress(CLI::App& app);
Command add_worker(CLI::App& app);
Command add_coordinate(CLI::App& app);

// For subcommands whose issue is not done yet: says so on stderr and returns 2. None pretends.
int not_built_yet(const char* name, int issue);

// A number of milliseconds > 0 ("expected milliseconds > 0, found X"), e.g. --lag-budget-ms.
CLI::Validator positive_milliseconds();

}  // namespace lmbench::cli

namespace lmbench::cli {
// The --auto-upload hook of `lmbench run`: posts one run JSON to `api_url`; returns "" or the
// reason it failed. `token_env` names the variable holding the dashboard's bearer token.
std::function<std::string(const std::filesystem::path&)> make_uploader(const std::string& api_url,
                                                                         const std::string& token_env);
}  // namespace lmbench::cli
