#include "cli/command.h"

namespace lmbench::cli {

Command add_report(CLI::App& app) {
  auto* sub = app.add_subcommand("report", "Regenerate comparison files and the HTML report from a results folder");
  return {sub, [] { return not_built_yet("report", 5); }};
}

}  // namespace lmbench::cli
