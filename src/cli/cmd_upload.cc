#include "cli/command.h"

namespace lmbench::cli {

Command add_upload(CLI::App& app) {
  auto* sub = app.add_subcommand("upload", "Upload run JSON files to a dashboard");
  return {sub, [] { return not_built_yet("upload", 7); }};
}

}  // namespace lmbench::cli
