#include "cli/command.h"

namespace lmbench::cli {

Command add_run(CLI::App& app) {
  auto* sub = app.add_subcommand("run", "Run every suite of a run-bench.yaml: deploy each baseline, run every workload at every QPS");
  return {sub, [] { return not_built_yet("run", 9); }};
}

}  // namespace lmbench::cli
