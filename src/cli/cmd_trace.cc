#include "cli/command.h"

namespace lmbench::cli {

Command add_trace(CLI::App& app) {
  auto* sub = app.add_subcommand("trace", "Inspect request traces (trace stats FILE)");
  return {sub, [] { return not_built_yet("trace", 8); }};
}

}  // namespace lmbench::cli
