#pragma once
// report.html per suite: one self-contained file (inline CSS and SVG, no script, no network)
// with, first, the capacity of every baseline (when the suite has {WORKLOAD}_capacity.json), then
// per workload the comparison charts (95% error bars where a point has several trials), the
// means across trials and the pairwise verdicts, a table of every run at every QPS, and per
// QPS the TTFT and ITL CDFs and requests in flight of each baseline's run, read from the
// per-request CSV kept beside each run JSON ({same name}.csv).

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "report/capacity.h"
#include "report/comparison.h"

namespace lmbench::report {

struct HtmlInput {
  std::string suite;  // the suite's Name
  const std::vector<metrics::RunFile>* runs = nullptr;
  const std::map<std::string, Comparison>* comparisons = nullptr;
  Notes notes;  // shown at the end (skipped runs and why)
  // The suite's {WORKLOAD}_capacity.json files: a capacity table at the top of the page. May be null.
  const std::vector<CapacityFile>* capacities = nullptr;
};

// The page. Runs whose CSV is missing or unreadable get their table row and no curves; the
// reason is added to the page's notes.
std::string render_html_report(const HtmlInput& input);

}  // namespace lmbench::report
