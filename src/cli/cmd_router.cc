#include "cli/command.h"

namespace lmbench::cli {

Command add_router(CLI::App& app) {
  auto* sub = app.add_subcommand("router", "Start the routing proxy in front of OpenAI-compatible engines");
  return {sub, [] { return not_built_yet("router", 6); }};
}

}  // namespace lmbench::cli
