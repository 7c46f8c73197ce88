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

// The mean across trials of one figure, rounded as the file writes it. With one trial, that
// trial's value: the original's round(mean, 2).
std::optional<double> rounded_mean(const ComparisonPoint& p, Figure f) {
  const auto& v = p.values[index_of(f)];
  if (v.empty()) return std::nullopt;
  return metrics::round_to(metrics::estimate_mean(v).mean, 2);
}

// Trial index for ordering; runs without a trial block sort as trial 0.
int trial_index(const metrics::RunFile& run) {
  const auto t = trial_of(run);
  return t ? t->index : 0;
}

std::string describe(const metrics::RunFile& run) {
  return run.path.empty() ? run.key : run.path.filename().string();
}

}  // namespace

metrics::MeanEstimate ComparisonPoint::estimate(Figure f) const { return metrics::estimate_mean(values[index_of(f)]); }

bool ComparisonPoint::any_invalid() const {
  return std::any_of(trials.begin(), trials.end(), [](const metrics::RunFile* r) { return r->verdict() == "invalid"; });
}

std::string failed_run_label(const metrics::RunFile& run) {
  const auto it = run.workload.find("QPS");
  std::string label = fmt::format("{} at QPS {}", run.series(), it == run.workload.end() ? "?" : it->dump());
  if (const auto t = trial_of(run)) label += fmt::format(" (trial {} of {})", t->index, t->count);
  return label;
}

std::string invalid_runs_line(const Comparison& comparison) {
  if (comparison.invalid_runs.empty()) return {};
  std::string list;
  for (const auto* r : comparison.invalid_runs) list += (list.empty() ? "" : ", ") + failed_run_label(*r);
  return "Invalid measurement, see each run's validity (hollow markers): " + list;
}

std::map<std::string, Comparison> build_comparisons(const std::vector<metrics::RunFile>& runs, Notes* notes) {
  // Every run per (workload, series, QPS); interrupted runs are left out.
  std::map<std::tuple<std::string, std::string, double>, std::vector<const metrics::RunFile*>> candidates;
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
    candidates[{workload, run.series(), *qps}].push_back(&run);
  }
  std::map<std::string, Comparison> out;
  for (const auto& [id, group] : candidates) {  // ordered by workload, KEY, QPS
    const auto& [workload, key, qps] = id;
    // The newest run wins; with a trial block, so does every trial of its session at this point.
    const metrics::RunFile* run =
        *std::max_element(group.begin(), group.end(), [](const auto* a, const auto* b) { return newer(*b, *a); });
    // A trial index run twice in the session (a resumed session redoing it): the newer counts.
    std::map<int, const metrics::RunFile*> newest_trial;
    const bool trials = trial_of(*run) && !run->session_id.empty();
    if (trials) {
      for (const auto* r : group) {
        if (!trial_of(*r) || r->session_id != run->session_id) continue;
        auto [it, inserted] = newest_trial.try_emplace(trial_index(*r), r);
        if (!inserted && newer(*r, *it->second)) it->second = r;
      }
    }
    std::vector<const metrics::RunFile*> chosen;
    for (const auto* r : group) {
      const auto it = newest_trial.find(trial_index(*r));
      if (r == run || (it != newest_trial.end() && it->second == r)) {
        chosen.push_back(r);
      } else {
        notes->push_back(fmt::format("{}: superseded by a newer run of {} at QPS {}", describe(*r), key,
                                     r->workload["QPS"].dump()));
      }
    }
    std::sort(chosen.begin(), chosen.end(), [](const auto* a, const auto* b) {
      return std::pair(trial_index(*a), a->path) < std::pair(trial_index(*b), b->path);
    });
    Comparison& c = out[workload];
    c.workload = workload;
    ComparisonPoint point;
    for (const auto* r : chosen) {
      if (r->failed()) {
        notes->push_back(fmt::format("{}: not plotted, no successful requests", describe(*r)));
        c.failed_runs.push_back(r);
        continue;
      }
      point.trials.push_back(r);
      if (r->verdict() == "invalid") c.invalid_runs.push_back(r);
      for (const Figure f : kFigures) {
        if (const auto v = figure_value(*r, f)) point.values[index_of(f)].push_back(*v);
      }
    }
    if (point.trials.empty()) continue;
    // The newest successful trial stands for the point where one run is needed (its server
    // block, its CSV's curves).
    point.run = *std::max_element(point.trials.begin(), point.trials.end(),
                                  [](const auto* a, const auto* b) { return newer(*b, *a); });
    point.ttft_ms = rounded_mean(point, Figure::kTtft);
    point.itl_ms = rounded_mean(point, Figure::kItl);
    point.tpot_ms = rounded_mean(point, Figure::kTpot);
    auto row = std::find_if(c.rows.begin(), c.rows.end(), [&](const ComparisonRow& r) { return r.qps == qps; });
    if (row == c.rows.end()) {
      c.rows.push_back(ComparisonRow{qps, point.run->workload["QPS"], {}});
      row = c.rows.end() - 1;
    }
    row->by_key[key] = std::move(point);
  }
  for (auto& [workload, c] : out) {
    std::sort(c.rows.begin(), c.rows.end(), [](const ComparisonRow& a, const ComparisonRow& b) { return a.qps < b.qps; });
    // Sorted by KEY, then QPS (then trial).
    auto by_series = [](const metrics::RunFile* a, const metrics::RunFile* b) {
      return std::tuple(a->series(), a->qps().value_or(0), trial_index(*a)) <
             std::tuple(b->series(), b->qps().value_or(0), trial_index(*b));
    };
    std::stable_sort(c.failed_runs.begin(), c.failed_runs.end(), by_series);
    std::stable_sort(c.invalid_runs.begin(), c.invalid_runs.end(), by_series);
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
      // Repeated trials, with the same care: one new key, only when there are trials to summarise.
      if (p.has_trials()) {
        nlohmann::ordered_json mean, sd, ci;
        for (const Figure f : kFigures) {
          const std::string name(figure_info(f).json_name);
          const auto e = p.estimate(f);
          mean[name] = e.n > 0 ? nlohmann::ordered_json(metrics::round_to(e.mean, 2)) : nlohmann::ordered_json();
          sd[name] = e.n > 1 ? nlohmann::ordered_json(metrics::round_to(e.sd, 2)) : nlohmann::ordered_json();
          ci[name] = e.ci ? nlohmann::ordered_json::array({metrics::round_to(e.ci->lo, 2), metrics::round_to(e.ci->hi, 2)})
                          : nlohmann::ordered_json();
        }
        entry[key]["trials"] = {{"count", p.trials.size()}, {"mean", mean}, {"sd", sd}, {"ci95", ci}};
      }
    }
    doc.push_back(std::move(entry));
  }
  return doc.dump(2, ' ', /*ensure_ascii=*/true);
}

bool is_report_json(const fs::path& path) {
  if (path.extension() != ".json") return false;
  const std::string stem = path.stem().string();
  return stem.ends_with("_comparison") || stem.ends_with("_verdicts") || stem.ends_with("_capacity");
}

std::vector<metrics::RunFile> load_suite_runs(const fs::path& dir, Notes* notes) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& p = entry.path();
    if (!entry.is_regular_file() || p.extension() != ".json") continue;
    if (is_report_json(p)) continue;
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
