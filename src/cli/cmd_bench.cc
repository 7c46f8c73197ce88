#include "cli/command.h"

namespace lmbench::cli {

Command add_bench(CLI::App& app) {
  auto* sub = app.add_subcommand("bench", "Run one workload against an OpenAI-compatible URL, without a suite");
  return {sub, [] { return not_built_yet("bench", 3); }};
}

}  // namespace lmbench::cli
