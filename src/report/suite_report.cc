#include "report/suite_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"
#include "core/files.h"
#include "report/html_report.h"
#include "report/png_chart.h"
#include "report/verdicts.h"

namespace lmbench::report {

namespace fs = std::filesystem;

namespace {

bool has_run_json(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json" && !is_report_json(e.path())) {
      return true;
    }
  }
  return false;
}

void append(ReportOutcome& into, ReportOutcome&& from) {
  into.written.insert(into.written.end(), from.written.begin(), from.written.end());
  into.notes.insert(into.notes.end(), from.notes.begin(), from.notes.end());
  into.suites += from.suites;
  into.runs += from.runs;
}

}  // namespace

ReportOutcome generate_suite_report(const fs::path& suite_dir) {
  ReportOutcome out;
  const auto runs = load_suite_runs(suite_dir, &out.notes);
  out.runs = runs.size();
  if (runs.empty()) return out;
  out.suites = 1;
  // The suite's Name as the runs say it; the folder name for files that do not.
  std::string suite = suite_dir.filename().string();
  if (suite.empty()) suite = suite_dir.parent_path().filename().string();
  for (const auto& r : runs) {
    if (!r.name.empty()) {
      suite = r.name;
      break;
    }
  }
  const auto comparisons = build_comparisons(runs, &out.notes);
  const auto capacities = load_capacity_files(suite_dir, &out.notes);
  auto capacity_of = [&](const std::string& workload) -> const CapacityFile* {
    for (const auto& c : capacities) {
      if (c.workload == workload) return &c;
    }
    return nullptr;
  };
  for (const auto& [workload, comparison] : comparisons) {
    const fs::path json = suite_dir / (workload + "_comparison.json");
    core::write_file_atomic(json, comparison_json(comparison));
    out.written.push_back(json);
    const fs::path png = suite_dir / (workload + "_comparison.png");
    write_comparison_png(png, comparison, fmt::format("{} \u2014 {}: latency against load", suite, workload));
    out.written.push_back(png);
    // Verdicts need repeated trials (or capacity searches): a suite of single runs gets no
    // verdicts file (report.html says why), so its artifacts stay the original's.
    bool repeated = capacity_of(workload) != nullptr;
    for (const auto& row : comparison.rows) {
      for (const auto& [key, point] : row.by_key) repeated = repeated || point.has_trials();
    }
    if (!repeated) continue;
    const fs::path verdicts = suite_dir / (workload + "_verdicts.json");
    core::write_file_atomic(verdicts, verdicts_json(workload, rate_verdicts(comparison), capacity_of(workload)));
    out.written.push_back(verdicts);
  }
  for (const auto& capacity : capacities) {
    // A capacity file whose workload has no comparison (a label of its own) still gets its verdicts.
    if (!comparisons.contains(capacity.workload)) {
      const fs::path verdicts = suite_dir / (capacity.workload + "_verdicts.json");
      core::write_file_atomic(verdicts, verdicts_json(capacity.workload, {}, &capacity));
      out.written.push_back(verdicts);
    }
    const fs::path png = suite_dir / (capacity.workload + "_capacity.png");
    write_capacity_png(png, capacity,
                       fmt::format("{} \u2014 {}: capacity at the SLO ({})", suite, capacity.workload, capacity.unit));
    out.written.push_back(png);
  }
  const fs::path html = suite_dir / "report.html";
  HtmlInput input{suite, &runs, &comparisons, out.notes};
  input.capacities = &capacities;
  core::write_file_atomic(html, render_html_report(input));
  out.written.push_back(html);
  return out;
}

ReportOutcome generate_reports(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw core::ConfigError(fmt::format("{}: expected a results folder, found {}", dir.string(),
                                        fs::exists(dir, ec) ? "a file" : "nothing"));
  }
  ReportOutcome out;
  if (has_run_json(dir)) {
    append(out, generate_suite_report(dir));
  } else {
    std::vector<fs::path> suites;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_directory() && has_run_json(e.path())) suites.push_back(e.path());
    }
    std::sort(suites.begin(), suites.end());
    for (const auto& s : suites) append(out, generate_suite_report(s));
  }
  if (out.runs == 0) {
    throw core::ConfigError(fmt::format(
        "{}: expected run JSONs ({{KEY}}_{{WORKLOAD}}_{{QPS}}_{{YYYYMMDD-HHMM}}.json) in it or in its sub-folders, "
        "found none{}",
        dir.string(), out.notes.empty() ? "" : " readable: " + out.notes.front()));
  }
  return out;
}

}  // namespace lmbench::report
