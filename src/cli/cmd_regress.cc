// `lmbench regress`: the regression gate for CI. Exit codes: 0 nothing got worse, 1 a
// regression, 2 the check could not run (bad options, unreadable store, no runs), so a CI step
// can tell "slower" from "broken".

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/files.h"
#include "store/regress.h"
#include "store/capacity_json.h"
#include "store/run_json.h"
#include "store/store.h"

namespace lmbench::cli {

namespace {

constexpr int kRegressed = 1;
constexpr int kCannotCheck = 2;
// Not a column of a run: the capacity searches' own metric (store/regress.h).
constexpr const char* kCapacity = "capacity";

struct RegressArgs {
  std::string db;
  std::string results;
  double threshold_pct = 10;
  std::vector<std::string> metric_thresholds;  // NAME=PCT
  std::vector<std::string> metrics;
  int window = 5;
  std::string suite;
  std::string session;
  bool include_interrupted = false;
};

int cannot_check(const std::string& message) {
  fmt::print(stderr, "lmbench regress: error: {}\n", message);
  return kCannotCheck;
}

// Empty string when fine, else what is wrong.
std::string build_options(const RegressArgs& args, store::RegressOptions& options) {
  if (args.threshold_pct < 0) return fmt::format("--threshold: expected a percentage >= 0, found {}", args.threshold_pct);
  if (args.window < 1) return fmt::format("--window: expected a number of sessions >= 1, found {}", args.window);
  options.threshold_pct = args.threshold_pct;
  options.window = args.window;
  if (!args.suite.empty()) options.suite = args.suite;
  if (!args.session.empty()) options.session = args.session;
  options.include_interrupted = args.include_interrupted;
  if (!args.metrics.empty()) {
    options.metrics.clear();
    for (const auto& name : args.metrics) {
      if (name == kCapacity) {
        options.capacity = true;
        continue;
      }
      const auto m = store::parse_metric(name);
      if (!m) return fmt::format("--metrics: unknown metric '{}' (known: {}, {})", name, store::metric_names(), kCapacity);
      options.metrics.push_back(*m);
    }
  }
  for (const auto& spec : args.metric_thresholds) {
    const auto eq = spec.find('=');
    const bool capacity = eq != std::string::npos && spec.substr(0, eq) == kCapacity;
    store::Metric metric{};
    bool known = capacity;
    if (!capacity && eq != std::string::npos) {
      if (const auto m = store::parse_metric(spec.substr(0, eq))) {
        metric = *m;
        known = true;
      }
    }
    if (!known) {
      return fmt::format("--metric-threshold: expected METRIC=PERCENT with METRIC one of {}, {}, found '{}'",
                         store::metric_names(), kCapacity, spec);
    }
    std::size_t used = 0;
    double pct = -1;
    try {
      pct = std::stod(spec.substr(eq + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != spec.size() - eq - 1 || pct < 0) {
      return fmt::format("--metric-threshold: expected a percentage >= 0 after '=', found '{}'", spec);
    }
    if (capacity) options.capacity_threshold_pct = pct;
    else options.metric_threshold_pct[metric] = pct;
  }
  return {};
}

// A capacity file (told by content) into `store`. Returns false, with a note, when it is not one
// or cannot be stored.
core::Result<bool> load_capacity(store::Store& store, const std::filesystem::path& p, const std::string& text) {
  if (!store::is_capacity_json(text)) return false;
  auto stored = store.ingest_capacity_json(text, store::capacity_file_suite(p, text));
  if (!stored) {
    if (stored.error().kind == "sqlite") return stored.error();
    fmt::print(stderr, "lmbench regress: skipped {}: {}\n", p.string(), stored.error().message);
  }
  return true;
}

// Every run JSON under `dir` (recursively) into `store`, and every capacity file. The report's
// own files ({WORKLOAD}_comparison.json, _verdicts.json) and other JSON that is not a run are
// skipped with a note on stderr. Returns the number of runs and capacity files loaded.
core::Result<int> load_results(store::Store& store, const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return core::Error{"io", fmt::format("--results: {} is not a folder", dir.string())};
  }
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const auto& p = it->path();
    const std::string name = p.filename().string();
    if (it->is_regular_file() && p.extension() == ".json" && !name.ends_with("_comparison.json") &&
        !name.ends_with("_verdicts.json")) {
      files.push_back(p);
    }
  }
  if (ec) return core::Error{"io", fmt::format("--results: cannot list {}: {}", dir.string(), ec.message())};
  std::sort(files.begin(), files.end());
  std::vector<store::Run> runs;
  int capacity_files = 0;
  for (const auto& p : files) {
    std::string text;
    try {
      text = core::read_file(p);
    } catch (const std::exception& e) {
      fmt::print(stderr, "lmbench regress: skipped {}: {}\n", p.string(), e.what());
      continue;
    }
    auto capacity = load_capacity(store, p, text);
    if (!capacity) return capacity.error();
    if (*capacity) {
      ++capacity_files;
      continue;
    }
    auto run = store::parse_run_json(text, p.filename().string());
    if (!run) {
      fmt::print(stderr, "lmbench regress: skipped {}: {}\n", p.string(), run.error().message);
      continue;
    }
    runs.push_back(std::move(*run));
  }
  const auto results = store.ingest_many(runs);
  int loaded = capacity_files;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i]) {
      ++loaded;
    } else if (results[i].error().kind == "sqlite") {
      return results[i].error();
    } else {
      fmt::print(stderr, "lmbench regress: skipped run of suite '{}' ({} {} qps {}): {}\n", runs[i].suite,
                 runs[i].key, runs[i].workload, runs[i].qps, results[i].error().message);
    }
  }
  return loaded;
}

int run_regress(const RegressArgs& args) {
  if (args.db.empty() && args.results.empty()) return cannot_check("give --db FILE, --results DIR, or both");
  store::RegressOptions options;
  if (const auto problem = build_options(args, options); !problem.empty()) return cannot_check(problem);

  // Without --results, nothing would be added: a missing file is a mistyped path, not a new store.
  if (!args.db.empty() && args.results.empty() && !std::filesystem::exists(args.db)) {
    return cannot_check(fmt::format("--db: {} does not exist", args.db));
  }
  auto opened = args.db.empty() ? store::Store::open_in_memory() : store::Store::open(args.db);
  if (!opened) return cannot_check(opened.error().message);
  store::Store& db = **opened;
  if (!args.results.empty()) {
    auto loaded = load_results(db, args.results);
    if (!loaded) return cannot_check(loaded.error().message);
    if (*loaded == 0 && args.db.empty()) {
      return cannot_check(fmt::format("no run JSON files found under {}", args.results));
    }
  }
  auto report = store::check_regressions(db, options);
  if (!report) return cannot_check(report.error().message);
  if (report->suites.empty()) {
    return cannot_check(options.metrics.empty() ? "the store holds no capacity searches to compare"
                                                : "the store holds no runs to compare");
  }
  fmt::print("{}", store::format_report(*report, options));
  return report->regressed() ? kRegressed : 0;
}

}  // namespace

Command add_regress(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "regress",
      "Compare the newest session with earlier ones (same suite, workload, baseline and QPS); exit 1 on a "
      "regression, 2 when the check cannot run");
  auto args = std::make_shared<RegressArgs>();
  sub->add_option("--db", args->db,
                  "results store (SQLite); with --results, the runs found there are added to it first");
  sub->add_option("--results", args->results, "results folder: every run JSON under it (recursively)");
  sub->add_option("--threshold", args->threshold_pct,
                  "percent worse than the median of earlier sessions that counts as a regression")
      ->capture_default_str();
  sub->add_option("--metric-threshold", args->metric_thresholds,
                  "per-metric threshold, METRIC=PERCENT (repeatable), e.g. ttft_p99=20");
  sub->add_option("--metrics,--metric", args->metrics,
                  "metrics to check, comma-separated (default: ttft_p50,ttft_p99,itl_p50,itl_p99,tpot_p50,"
                  "tpot_p99,request_throughput,output_throughput); known: " +
                      store::metric_names() +
                      ", capacity (each baseline's capacity at its SLO from {WORKLOAD}_capacity.json, higher is better)")
      ->delimiter(',');
  sub->add_option("--window", args->window, "earlier sessions the median is taken over")->capture_default_str();
  sub->add_option("--suite", args->suite, "check only this suite (default: every suite)");
  sub->add_option("--session", args->session, "judge this session instead of each suite's newest");
  sub->add_flag("--include-interrupted", args->include_interrupted,
                "judge runs cut short by Ctrl-C too (by default they are left out and counted)");
  return {sub, [args] { return run_regress(*args); }};
}

}  // namespace lmbench::cli
