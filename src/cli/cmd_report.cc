// `lmbench report DIR`: regenerates comparison files (and the HTML report) from run JSONs.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "cli/command.h"
#include "report/suite_report.h"

namespace lmbench::cli {

Command add_report(CLI::App& app) {
  auto* sub = app.add_subcommand("report", "Regenerate comparison files and the HTML report from a results folder");
  auto dir = std::make_shared<std::string>();
  sub->add_option("DIR", *dir, "a suite's results folder, or a results root holding suite folders")->required();
  sub->footer(
      "Writes {WORKLOAD}_comparison.json, {WORKLOAD}_comparison.png and report.html beside the run JSONs\n"
      "of each suite (report.html reads the per-request CSV kept beside each run JSON).\n"
      "For a KEY, workload and QPS run more than once, the newest run is used.");
  return {sub, [dir] {
            const auto outcome = report::generate_reports(*dir);
            for (const auto& note : outcome.notes) fmt::print(stderr, "lmbench report: note: {}\n", note);
            for (const auto& path : outcome.written) fmt::print("wrote {}\n", path.string());
            fmt::print("{} run(s) in {} suite(s)\n", outcome.runs, outcome.suites);
            return 0;
          }};
}

}  // namespace lmbench::cli
