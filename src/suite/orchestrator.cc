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
#include "suite/run_executor.h"
#include "suite/suite_env.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"

namespace lmbench::suite {

namespace {

// A finished, complete run for the same spec, baseline, workload config and QPS, if any.
std::optional<std::filesystem::path> find_done_run(const std::filesystem::path& suite_dir, const std::string& key,
                                                   const PlannedRun& run, const config::WorkloadConfig& cfg) {
  std::error_code ec;
  if (!std::filesystem::is_directory(suite_dir, ec)) return std::nullopt;
  const std::string prefix = run.rate.qps_label ? fmt::format("{}_{}_{}_", key, run.label, *run.rate.qps_label)
                                                : fmt::format("{}_{}_", key, run.label);
  auto wanted = workload_json(cfg, run, run.rate.target_qps.value_or(0.0));
  wanted.erase("QPS");
  for (const auto& entry : std::filesystem::directory_iterator(suite_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name.rfind(prefix, 0) != 0) continue;
    try {
      auto j = nlohmann::ordered_json::parse(core::read_file(entry.path()));
      if (j.value("interrupted", false) || j.value("key", "") != key) continue;
      auto w = j.value("workload", nlohmann::ordered_json::object());
      w.erase("QPS");
      if (w == wanted) return entry.path();
    } catch (const std::exception&) {
      continue;
    }
  }
  return std::nullopt;
}

// Every run of one baseline: deploy once, run each planned run, tear down. Returns whether any
// run wrote artifacts.
bool run_baseline(const SuiteEnv& env, const Plan& plan, const config::Spec& spec, const BaselinePlan& bp,
                  OrchestratorResult& result) {
  const auto& options = env.options;
  const auto& bcfg = spec.serving.at(bp.index);
  const auto suite_dir = options.results_root / spec.name;
  auto target = [&](const PlannedRun& r) { return RunTarget{plan, spec, bp, bcfg, r, plan.workload_of(r)}; };

  // With --resume, a baseline whose runs are all done is not even deployed.
  std::vector<std::optional<std::filesystem::path>> done(bp.runs.size());
  bool all_done = options.resume && !bp.runs.empty();
  for (std::size_t i = 0; i < bp.runs.size(); ++i) {
    if (options.resume) done[i] = find_done_run(suite_dir, bp.key, bp.runs[i], plan.workload_of(bp.runs[i]));
    all_done = all_done && done[i].has_value();
  }
  if (all_done) {
    for (std::size_t i = 0; i < bp.runs.size(); ++i) {
      result.rows.push_back(plain_row(target(bp.runs[i]), "resumed", done[i]->string()));
    }
    env.log << fmt::format("-- baseline {}: every run already done, skipped (--resume)\n", bp.key);
    return false;
  }

  auto fail_all = [&](const std::string& why) {
    result.any_failed = true;
    for (const auto& r : bp.runs) result.rows.push_back(plain_row(target(r), "failed", why));
    env.log << fmt::format("!! baseline {} failed: {}\n", bp.key, why);
  };
  if (options.start_from < 3 && config::needs_hf_token(bcfg, plan.infrastructure.location) && !bcfg.hf_token) {
    env.log << fmt::format("-- baseline {} ({}): deploying\n", bp.key, bcfg.type);
    fail_all("this baseline needs a Hugging Face token: set the HF_TOKEN environment variable");
    return false;
  }
  auto session = BaselineSession::open(env, plan, bp, bcfg, suite_dir / "pod-logs");
  if (!session) {
    fail_all(session.error().message);
    return false;
  }

  bool wrote_any = false;
  for (std::size_t i = 0; i < bp.runs.size(); ++i) {
    const auto t = target(bp.runs[i]);
    if (core::stop_requested()) {
      result.rows.push_back(plain_row(t, "skipped", "interrupted before it started"));
      continue;
    }
    if (done[i]) {
      result.rows.push_back(plain_row(t, "resumed", done[i]->string()));
      continue;
    }
    if (auto failed = (*session)->baseline().failure()) {
      result.any_failed = true;
      result.rows.push_back(plain_row(t, "failed", failed->message));
      continue;
    }
    auto outcome = execute_run(env, **session, t);
    result.any_failed = result.any_failed || outcome.failed;
    wrote_any = wrote_any || outcome.wrote;
    result.rows.push_back(std::move(outcome.row));
  }
  if ((*session)->deployed()) env.log << fmt::format("-- baseline {}: tearing down\n", bp.key);
  if (auto err = (*session)->close()) {
    result.any_failed = true;
    env.log << fmt::format("!! teardown of {} incomplete: {}\n", bp.key, err->message);
  }
  return wrote_any;
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
    for (const auto& bp : suite_plan.baselines) {
      if (core::stop_requested()) break;
      if (options.only_key && *options.only_key != bp.key) continue;
      wrote_any = run_baseline(env, plan, spec, bp, result) || wrote_any;
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
  std::vector<std::size_t> width(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) width[c] = head[c].size();
  for (const auto& row : cells) {
    for (std::size_t c = 0; c + 1 < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool numeric = c >= 6 && c <= 12;
      if (c + 1 == row.size()) {
        out += row[c];
      } else {
        out += numeric ? fmt::format("{:>{}}  ", row[c], width[c]) : fmt::format("{:<{}}  ", row[c], width[c]);
      }
    }
    out += "\n";
  };
  line(head);
  for (const auto& row : cells) line(row);
  return out;
}

}  // namespace lmbench::suite
