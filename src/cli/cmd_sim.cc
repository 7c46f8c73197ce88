#include "cli/command.h"

namespace lmbench::cli {

Command add_sim(CLI::App& app) {
  auto* sub = app.add_subcommand("sim", "Start the simulated vLLM-like engine(s)");
  return {sub, [] { return not_built_yet("sim", 4); }};
}

}  // namespace lmbench::cli
