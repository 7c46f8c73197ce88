#include "cli/command.h"

namespace lmbench::cli {

Command add_regress(CLI::App& app) {
  auto* sub = app.add_subcommand("regress", "Compare the newest session with earlier ones; exit 1 on a regression");
  return {sub, [] { return not_built_yet("regress", 7); }};
}

}  // namespace lmbench::cli
