#include "cli/command.h"

namespace lmbench::cli {

Command add_validate(CLI::App& app) {
  auto* sub = app.add_subcommand("validate", "Check run-bench.yaml and spec files and print the suite plan");
  return {sub, [] { return not_built_yet("validate", 2); }};
}

}  // namespace lmbench::cli
