#include "report/comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "core/files.h"
#include "metrics/summary_json.h"

namespace lmbench::report {

namespace fs = std::filesystem;

std::vector<std::string> Comparison::keys() const {
  std::set<std::string> keys;
  for (const auto& row : rows) {
    for (const auto& [key, point] : row.by_key) keys.insert(key);
  }
  return {keys.begin(), keys.end()};
}

namespace {

bool newer(const metrics::RunFile& a, const metrics::RunFile& b) {
  return std::tie(a.timestamp, a.path) > std::tie(b.timestamp, b.path);
}

std::optional<double> rounded_mean(const metrics::RunFile& run, const char* metric) {
  const auto v = run.stat(metric, "mean");
  if (!v) return std::nullopt;
  return metrics::round_to(*v, 2);
}

std::string describe(const metrics::RunFile& run) {
  return run.path.empty() ? run.key : run.path.filename().string();
}

}  // namespace

std::string failed_run_label(const metrics::RunFile& run) {
  const auto it = run.workload.find("QPS");
  return fmt::format("{} at QPS {}", run.series(), it == run.workload.end() ? "?" : it->dump());
}

std::string invalid_runs_line(const Comparison& comparison) {
  if (comparison.invalid_runs.empty()) return {};
  std::string list;
  for (const auto* r : comparison.invalid_runs) list += (list.empty() ? "" : ", ") + failed_run_label(*r);
  return "Invalid measurement, see each run's validity (hollow markers): " + list;
}

std::map<std::string, Comparison> build_comparisons(const std::vector<metrics::RunFile>& runs, Notes* notes) {
  // Newest run per (workload, series, QPS); interrupted runs are left out.
  std::map<std::tuple<std::string, std::string, double>, const metrics::RunFile*> newest;
  for (const auto& run : runs) {
    const std::string workload = run.workload_name();
    const auto qps = run.qps();
    if (workload.empty() || !qps) {
      notes->push_back(fmt::format("{}: skipped, no workload.WORKLOAD or numeric workload.QPS", describe(run)));
      continue;
    }
    if (!core::is_safe_file_name(workload)) {
      // It names the comparison files ({WORKLOAD}_comparison.json): "../x" or "/tmp/x" would write
      // outside the results folder.
      notes->push_back(fmt::format("{}: skipped, workload.WORKLOAD {}", describe(run), core::unsafe_file_name_message(workload)));
      continue;
    }
    if (run.interrupted()) {
      // Ctrl-C cut it short: its figures describe part of a run, not the workload.
      notes->push_back(fmt::format("{}: not plotted, interrupted (a partial run)", describe(run)));
      continue;
    }
    auto [it, inserted] = newest.try_emplace({workload, run.series(), *qps}, &run);
    if (inserted) continue;
    const metrics::RunFile* older = newer(run, *it->second) ? it->second : &run;
    if (older != &run) it->second = &run;
    notes->push_back(fmt::format("{}: superseded by a newer run of {} at QPS {}", describe(*older), run.series(),
                                 run.workload["QPS"].dump()));
  }
  std::map<std::string, Comparison> out;
  for (const auto& [id, run] : newest) {  // ordered by workload, KEY, QPS
    const auto& [workload, key, qps] = id;
    Comparison& c = out[workload];
    c.workload = workload;
    if (run->failed()) {
      notes->push_back(fmt::format("{}: not plotted, no successful requests", describe(*run)));
      c.failed_runs.push_back(run);
      continue;
    }
    auto row = std::find_if(c.rows.begin(), c.rows.end(), [&](const ComparisonRow& r) { return r.qps == qps; });
    if (row == c.rows.end()) {
      c.rows.push_back(ComparisonRow{qps, run->workload["QPS"], {}});
      row = c.rows.end() - 1;
    }
    if (run->verdict() == "invalid") c.invalid_runs.push_back(run);
    row->by_key[key] =
        ComparisonPoint{rounded_mean(*run, "ttft_ms"), rounded_mean(*run, "itl_ms"), rounded_mean(*run, "tpot_ms"), run};
  }
  for (auto& [workload, c] : out) {
    std::sort(c.rows.begin(), c.rows.end(), [](const ComparisonRow& a, const ComparisonRow& b) { return a.qps < b.qps; });
  }
  return out;
}

std::string comparison_json(const Comparison& comparison) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::array();
  auto value = [](const std::optional<double>& v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(); };
  for (const auto& row : comparison.rows) {
    nlohmann::ordered_json entry;
    entry["qps"] = row.qps_json;
    for (const auto& [key, p] : row.by_key) {
      entry[key] = {{"TTFT", value(p.ttft_ms)}, {"ITL", value(p.itl_ms)}, {"TPOT", value(p.tpot_ms)}};
      // The servers' side (issue 18) inside the KEY's object, where readers of the original
      // layout (every key but "qps" is a baseline) do not trip over it.
      if (const auto it = p.run->extra.find("server"); it != p.run->extra.end() && it->contains("total")) {
        const auto& t = (*it)["total"];
        entry[key]["server"] = {{"kv_cache_usage_max", t["kv_cache_usage"]["max"]},
                                {"requests_waiting_max", t["requests_waiting"]["max"]},
                                {"prefix_cache_hit_rate", t["prefix_cache_hit_rate"]},
                                {"external_prefix_cache_hit_rate", t["external_prefix_cache_hit_rate"]},
                                {"preemptions", t["preemptions"]},
                                {"engine_ttft_p50_ms", t["ttft_ms"]["p50"]}};
      }
    }
    doc.push_back(std::move(entry));
  }
  return doc.dump(2, ' ', /*ensure_ascii=*/true);
}

std::vector<metrics::RunFile> load_suite_runs(const fs::path& dir, Notes* notes) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& p = entry.path();
    if (!entry.is_regular_file() || p.extension() != ".json") continue;
    if (p.stem().string().ends_with("_comparison")) continue;
    files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  std::vector<metrics::RunFile> runs;
  for (const auto& p : files) {
    auto run = metrics::read_run_file(p);
    if (!run) {
      notes->push_back(fmt::format("{}: skipped, {}", p.filename().string(), run.error().message));
      continue;
    }
    runs.push_back(std::move(*run));
  }
  return runs;
}

}  // namespace lmbench::report
