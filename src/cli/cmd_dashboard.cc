#include "cli/command.h"

namespace lmbench::cli {

Command add_dashboard(CLI::App& app) {
  auto* sub = app.add_subcommand("dashboard", "Serve the results dashboard (upload API, SQLite store, web UI)");
  return {sub, [] { return not_built_yet("dashboard", 7); }};
}

}  // namespace lmbench::cli
