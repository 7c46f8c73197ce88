#include "suite/orchestrator.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <system_error>

#include "core/files.h"
#include "core/ids.h"
#include "core/interrupt.h"
#include "metrics/slo.h"
#include "report/suite_report.h"
#include "suite/artifacts.h"
#include "suite/baseline_session.h"
#include "suite/capacity_run.h"
#include "suite/run_executor.h"
#include "suite/suite_env.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"

namespace lmbench::suite {

namespace {

// The runs of one baseline: its deployment, its planned runs (each --repeat times) and its
// capacity searches, driven by run_baseline (one baseline at a time) or run_interleaved (every
// baseline of a suite up at once, trial by trial).
class BaselineRuns {
 public:
  BaselineRuns(const SuiteEnv& env, const Plan& plan, const config::Spec& spec, const BaselinePlan& bp,
               OrchestratorResult& result)
      : env_(env), plan_(plan), spec_(spec), bp_(bp), bcfg_(spec.serving.at(bp.index)), result_(result),
        suite_dir_(env.options.results_root / spec.name), trials_(std::max(1, env.options.repeat)) {}

  const std::string& key() const { return bp_.key; }
  int trials() const { return trials_; }
  std::size_t runs() const { return bp_.runs.size(); }

  // With --resume, finds the runs already done; false when there is nothing left to run (every
  // run done and no search): the baseline is then not even deployed.
  bool prepare() {
    done_.assign(bp_.runs.size() * static_cast<std::size_t>(trials_), std::nullopt);
    bool all_done = env_.options.resume && !bp_.runs.empty() && bp_.searches.empty();
    for (std::size_t i = 0; i < bp_.runs.size(); ++i) {
      for (int trial = 1; trial <= trials_; ++trial) {
        auto& d = done_[slot(i, trial)];
        if (env_.options.resume) {
          d = find_done_run(suite_dir_, bp_.key, bp_.runs[i], plan_.workload_of(bp_.runs[i]),
                            [&](const nlohmann::ordered_json& j) {
                              if (j.contains("capacity_probe")) return false;  // a search's, not this run
                              if (trials_ == 1) return true;
                              return j.contains("trial") && j["trial"].value("index", 0) == trial;
                            });
        }
        all_done = all_done && d.has_value();
      }
    }
    if (!all_done) return true;
    for (std::size_t i = 0; i < bp_.runs.size(); ++i) {
      for (int trial = 1; trial <= trials_; ++trial) {
        result_.rows.push_back(plain_row(target(i, trial), "resumed", done_[slot(i, trial)]->string()));
      }
    }
    env_.log << fmt::format("-- baseline {}: every run already done, skipped (--resume)\n", bp_.key);
    return false;
  }

  // Deploys it and waits until it answers; false (with every run and search reported failed)
  // when it cannot.
  bool open() {
    if (env_.options.start_from < 3 && config::needs_hf_token(bcfg_, plan_.infrastructure.location) && !bcfg_.hf_token) {
      env_.log << fmt::format("-- baseline {} ({}): deploying\n", bp_.key, bcfg_.type);
      fail_all("this baseline needs a Hugging Face token: set the HF_TOKEN environment variable");
      return false;
    }
    auto session = BaselineSession::open(env_, plan_, bp_, bcfg_, suite_dir_ / "pod-logs");
    if (!session) {
      fail_all(session.error().message);
      return false;
    }
    session_ = std::move(*session);
    return true;
  }

  // Trial `trial` (1-based) of planned run `i`.
  void run(std::size_t i, int trial) {
    const auto t = target(i, trial);
    if (core::stop_requested()) {
      result_.rows.push_back(plain_row(t, "skipped", "interrupted before it started"));
      return;
    }
    if (const auto& d = done_[slot(i, trial)]) {
      result_.rows.push_back(plain_row(t, "resumed", d->string()));
      return;
    }
    if (auto failed = session_->baseline().failure()) {
      result_.any_failed = true;
      result_.rows.push_back(plain_row(t, "failed", failed->message));
      return;
    }
    auto outcome = execute_run(env_, *session_, t);
    result_.any_failed = result_.any_failed || outcome.failed;
    wrote_any_ = wrote_any_ || outcome.wrote;
    result_.rows.push_back(std::move(outcome.row));
  }

  void searches() {
    for (const auto& search : bp_.searches) {
      if (core::stop_requested()) break;
      auto outcome = run_capacity_search(env_, *session_, plan_, bp_, search);
      result_.any_failed = result_.any_failed || outcome.failed;
      wrote_any_ = wrote_any_ || outcome.capacity.probes > 0;
      for (auto& row : outcome.rows) result_.rows.push_back(std::move(row));
      result_.capacities.push_back(std::move(outcome.capacity));
    }
  }

  // Tears it down; whether any run wrote artifacts.
  bool close() {
    if (!session_) return wrote_any_;
    if (session_->deployed()) env_.log << fmt::format("-- baseline {}: tearing down\n", bp_.key);
    if (auto err = session_->close()) {
      result_.any_failed = true;
      env_.log << fmt::format("!! teardown of {} incomplete: {}\n", bp_.key, err->message);
    }
    session_.reset();
    return wrote_any_;
  }

 private:
  std::size_t slot(std::size_t i, int trial) const { return i * static_cast<std::size_t>(trials_) + (trial - 1); }

  RunTarget target(std::size_t i, int trial) const {
    const PlannedRun& r = bp_.runs[i];
    // One trial: the run's salt as before --repeat existed (trial 0), and no "trial" block.
    return RunTarget{plan_, spec_, bp_, bcfg_, r, plan_.workload_of(r), nullptr, trials_ == 1 ? 0 : trial, trials_};
  }

  void fail_all(const std::string& why) {
    result_.any_failed = true;
    for (std::size_t i = 0; i < bp_.runs.size(); ++i) {
      for (int trial = 1; trial <= trials_; ++trial) result_.rows.push_back(plain_row(target(i, trial), "failed", why));
    }
    for (const auto& search : bp_.searches) {
      CapacityRow row;
      row.suite = spec_.name;
      row.baseline = bp_.key;
      row.workload = search.label;
      row.status = "failed";
      row.detail = why;
      result_.capacities.push_back(std::move(row));
    }
    env_.log << fmt::format("!! baseline {} failed: {}\n", bp_.key, why);
  }

  const SuiteEnv& env_;
  const Plan& plan_;
  const config::Spec& spec_;
  const BaselinePlan& bp_;
  const config::Baseline& bcfg_;
  OrchestratorResult& result_;
  std::filesystem::path suite_dir_;
  int trials_ = 1;
  std::vector<std::optional<std::filesystem::path>> done_;  // per run and trial
  std::unique_ptr<BaselineSession> session_;
  bool wrote_any_ = false;
};

// Every run of one baseline: deploy once, run each planned run (trial by trial), its searches,
// tear down. Returns whether any run wrote artifacts.
bool run_baseline(BaselineRuns& b) {
  if (!b.prepare() || !b.open()) return false;
  for (int trial = 1; trial <= b.trials(); ++trial) {
    for (std::size_t i = 0; i < b.runs(); ++i) b.run(i, trial);
  }
  b.searches();
  return b.close();
}

// --repeat with baselines that can all be up at once (Simulated, Endpoint): every baseline is
// deployed first, then each trial runs every planned run on every baseline in turn, so a slow
// drift of the machine spreads over all of them instead of favouring the one that ran first.
bool run_interleaved(std::vector<BaselineRuns>& all) {
  std::vector<BaselineRuns*> up;
  for (auto& b : all) {
    if (core::stop_requested()) break;
    if (b.prepare() && b.open()) up.push_back(&b);
  }
  const int trials = all.empty() ? 1 : all.front().trials();
  for (int trial = 1; trial <= trials; ++trial) {
    std::size_t most = 0;
    for (auto* b : up) most = std::max(most, b->runs());
    for (std::size_t i = 0; i < most; ++i) {
      for (auto* b : up) {
        if (i < b->runs()) b->run(i, trial);
      }
    }
  }
  for (auto* b : up) b->searches();
  bool wrote_any = false;
  for (auto it = up.rbegin(); it != up.rend(); ++it) wrote_any = (*it)->close() || wrote_any;
  return wrote_any;
}

// Whether every baseline can stay up beside the others for interleaved trials.
bool interleavable(const config::Baseline& b) {
  return std::holds_alternative<config::Simulated>(b.kind) || std::holds_alternative<config::Endpoint>(b.kind);
}

}  // namespace

std::vector<deploy::PreflightCheck> cluster_preflight(const Plan& plan, const std::optional<std::string>& only_key,
                                                      const DeployContext& deploy_context, const core::Clock& clock) {
  std::vector<deploy::ClusterNeeds> needs;
  std::vector<deploy::PreflightCheck> unreadable;
  for (const auto& suite_plan : plan.suites) {
    const auto& spec = plan.specs.at(suite_plan.spec);
    for (const auto& bp : suite_plan.baselines) {
      if (only_key && *only_key != bp.key) continue;
      // A baseline without the token it needs fails before deploying, with its own message.
      const auto& b = spec.serving.at(bp.index);
      if (config::needs_hf_token(b, plan.infrastructure.location) && !b.hf_token) continue;
      auto n = cluster_needs(spec.serving.at(bp.index), plan.infrastructure.location, bp.key);
      if (!n) {
        unreadable.push_back({deploy::PreflightCheck::Status::kFail, "config", bp.key + ": " + n.error().message, ""});
      } else if (*n) {
        needs.push_back(std::move(**n));
      }
    }
  }
  if (needs.empty() && unreadable.empty()) return {};
  auto checks = deploy::run_preflight(needs, preflight_options(deploy_context), clock);
  checks.insert(checks.end(), unreadable.begin(), unreadable.end());
  return checks;
}

OrchestratorResult run_plan(const Plan& plan, const OrchestratorOptions& options, const core::Clock& clock,
                            std::ostream& log) {
  OrchestratorResult result;
  const auto tokenizer = text::Tokenizer::from_file(options.tokenizer);
  const text::PromptSynth synth(tokenizer);
  const auto slo = options.slo.empty() ? metrics::Slo{} : metrics::parse_slo(options.slo, "--slo");
  const SuiteEnv env{options, tokenizer, synth, slo, clock, log};

  if (options.preflight && options.start_from < 3) {
    auto checks = cluster_preflight(plan, options.only_key, options.deploy, clock);
    if (!checks.empty()) {
      log << deploy::format_preflight(checks, preflight_options(options.deploy));
      if (!deploy::preflight_passed(checks)) {
        result.any_failed = true;
        result.preflight_failed = true;
        return result;
      }
    }
  }

  for (const auto& suite_plan : plan.suites) {
    const auto& spec = plan.specs.at(suite_plan.spec);
    const auto suite_dir = options.results_root / spec.name;
    log << fmt::format("== suite {} ({}): {} baseline(s)\n", spec.name, spec.display, suite_plan.baselines.size());
    bool wrote_any = false;
    std::vector<BaselineRuns> baselines;
    bool together = options.repeat > 1 && options.start_from < 3;
    for (const auto& bp : suite_plan.baselines) {
      if (options.only_key && *options.only_key != bp.key) continue;
      baselines.emplace_back(env, plan, spec, bp, result);
      together = together && interleavable(spec.serving.at(bp.index));
    }
    if (together && baselines.size() > 1) {
      log << fmt::format("-- {} trials of every run, the baselines interleaved (all up at once)\n", options.repeat);
      wrote_any = run_interleaved(baselines);
    } else {
      for (auto& b : baselines) {
        if (core::stop_requested()) break;
        wrote_any = run_baseline(b) || wrote_any;
      }
    }
    std::error_code ec;
    if (wrote_any || std::filesystem::is_directory(suite_dir, ec)) {
      try {
        report::generate_suite_report(suite_dir);
        result.reports.push_back(suite_dir / "report.html");
      } catch (const std::exception& e) {
        log << fmt::format("!! report for {} not written: {}\n", spec.name, e.what());
      }
    }
  }
  result.interrupted = core::stop_requested();
  return result;
}

namespace {

// Columns padded to their widest cell, numbers right-aligned; the last column is not padded.
std::string aligned_table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& cells,
                          bool (*numeric)(std::size_t column)) {
  std::vector<std::size_t> width(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) width[c] = head[c].size();
  for (const auto& row : cells) {
    for (std::size_t c = 0; c + 1 < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c + 1 == row.size()) {
        out += row[c];
      } else {
        out += numeric(c) ? fmt::format("{:>{}}  ", row[c], width[c]) : fmt::format("{:<{}}  ", row[c], width[c]);
      }
    }
    out += "\n";
  };
  line(head);
  for (const auto& row : cells) line(row);
  return out;
}

}  // namespace

std::string format_capacity_table(const std::vector<CapacityRow>& rows) {
  if (rows.empty()) return "";
  const std::vector<std::string> head = {"suite", "baseline", "workload", "capacity", "bracket", "probes", "SLO", "status"};
  std::vector<std::vector<std::string>> cells;
  auto rate = [](const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string("-"); };
  for (const auto& r : rows) {
    std::string capacity = r.capacity ? fmt::format("{} {}", *r.capacity, r.unit) : std::string("-");
    if (r.status == "at_max" && r.capacity) capacity = fmt::format(">= {} {}", *r.capacity, r.unit);
    const std::string bracket = r.lower || r.upper ? fmt::format("{}..{}", rate(r.lower), rate(r.upper)) : "-";
    cells.push_back({r.suite, r.baseline, r.workload, capacity, bracket, std::to_string(r.probes), r.slo,
                     r.detail.empty() ? r.status : r.status + ": " + r.detail});
  }
  return aligned_table(head, cells, [](std::size_t c) { return c >= 3 && c <= 5; });
}

std::string format_run_table(const std::vector<RunRow>& rows) {
  const std::vector<std::string> head = {"suite",       "baseline",    "workload",  "QPS",    "status",     "valid",
                                         "failed",      "TTFT p50 ms", "TTFT p99 ms", "out tok/s", "KV max", "prefix hit",
                                         "LMCache hit", "result"};
  std::vector<std::vector<std::string>> cells;
  auto num = [](const std::optional<double>& v) { return v ? fmt::format("{:.1f}", *v) : std::string("-"); };
  auto pct = [](const std::optional<double>& v) { return v ? fmt::format("{:.0f}%", *v * 100) : std::string("-"); };
  for (const auto& r : rows) {
    cells.push_back({r.suite, r.baseline, r.workload, r.qps, r.status, r.validity.empty() ? "-" : r.validity,
                     r.failed.empty() ? "-" : r.failed, num(r.ttft_p50_ms), num(r.ttft_p99_ms), num(r.output_tok_s),
                     pct(r.kv_max), pct(r.prefix_hit), pct(r.lmcache_hit), r.detail});
  }
  return aligned_table(head, cells, [](std::size_t c) { return c >= 6 && c <= 12; });
}

}  // namespace lmbench::suite
