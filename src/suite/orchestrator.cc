#include "suite/orchestrator.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <system_error>

#include "core/files.h"
#include "core/ids.h"
#include "core/interrupt.h"
#include "http/event_loop.h"
#include "load/progress.h"
#include "load/runner.h"
#include "metrics/csv.h"
#include "metrics/slo.h"
#include "metrics/summary.h"
#include "metrics/summary_json.h"
#include "report/suite_report.h"
#include "suite/artifacts.h"
#include "suite/readiness.h"
#include "suite/workload_setup.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"

namespace lmbench::suite {

namespace {

std::vector<std::string> secrets_of(const config::Baseline& b) {
  std::vector<std::string> s;
  if (b.hf_token && !b.hf_token->empty()) s.push_back(*b.hf_token);
  return s;
}

std::optional<double> dist_value(const std::optional<metrics::Distribution>& d, double metrics::Distribution::*field) {
  if (!d) return std::nullopt;
  return (*d).*field;
}

// A finished, complete run for the same spec, baseline, workload config and QPS, if any.
std::optional<std::filesystem::path> find_done_run(const std::filesystem::path& suite_dir, const std::string& key,
                                                   const PlannedRun& run, const config::WorkloadConfig& cfg) {
  std::error_code ec;
  if (!std::filesystem::is_directory(suite_dir, ec)) return std::nullopt;
  const std::string prefix = run.rate.qps_label ? fmt::format("{}_{}_{}_", key, run.workload_name, *run.rate.qps_label)
                                                : fmt::format("{}_{}_", key, run.workload_name);
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

class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool enabled, bool in_place, std::string label)
      : out_(out), enabled_(enabled), in_place_(in_place), label_(std::move(label)) {}
  void operator()(const load::Progress& p) {
    if (!enabled_) return;
    if (in_place_) {
      // One line rewritten in place on a terminal; "\x1b[K" clears what a longer line left.
      out_ << "\r  " << label_ << load::format_progress(p) << "\x1b[K" << (p.final ? "\n" : "") << std::flush;
      return;
    }
    // Plain periodic lines in a log (CI, nohup): every tenth report and the last.
    if (p.final || ++calls_ % 10 == 0) out_ << "  " << label_ << load::format_progress(p) << "\n" << std::flush;
  }

 private:
  std::ostream& out_;
  bool enabled_;
  bool in_place_;
  std::string label_;
  int calls_ = 0;
};

}  // namespace

OrchestratorResult run_plan(const Plan& plan, const OrchestratorOptions& options, const core::Clock& clock,
                            std::ostream& log) {
  OrchestratorResult result;
  const auto tokenizer = text::Tokenizer::from_file(options.tokenizer);
  const text::PromptSynth synth(tokenizer);
  const auto slo = options.slo.empty() ? metrics::Slo{} : metrics::parse_slo(options.slo, "--slo");

  for (const auto& suite_plan : plan.suites) {
    const auto& spec = plan.specs.at(suite_plan.spec);
    const auto suite_dir = options.results_root / spec.name;
    log << fmt::format("== suite {} ({}): {} baseline(s)\n", spec.name, spec.display, suite_plan.baselines.size());
    bool wrote_any = false;
    for (const auto& bp : suite_plan.baselines) {
      if (core::stop_requested()) break;
      const auto& bcfg = spec.serving.at(bp.index);
      if (options.only_key && *options.only_key != bp.key) continue;
      const auto secrets = secrets_of(bcfg);

      // With --resume, a baseline whose runs are all done is not even deployed.
      std::vector<std::optional<std::filesystem::path>> done(bp.runs.size());
      bool all_done = options.resume && !bp.runs.empty();
      for (std::size_t i = 0; i < bp.runs.size(); ++i) {
        if (options.resume) done[i] = find_done_run(suite_dir, bp.key, bp.runs[i], plan.workload_of(bp.runs[i]));
        all_done = all_done && done[i].has_value();
      }
      auto row_for = [&](const PlannedRun& r, std::string status, std::string detail) {
        RunRow row{spec.name, bp.key, r.workload_name, r.rate.qps_label.value_or("-"), std::move(status), {}, {}, {},
                   std::move(detail)};
        return row;
      };
      if (all_done) {
        for (std::size_t i = 0; i < bp.runs.size(); ++i) {
          result.rows.push_back(row_for(bp.runs[i], "resumed", done[i]->string()));
        }
        log << fmt::format("-- baseline {}: every run already done, skipped (--resume)\n", bp.key);
        continue;
      }

      log << fmt::format("-- baseline {} ({}): deploying\n", bp.key, bcfg.type);
      auto fail_all = [&](const std::string& why) {
        result.any_failed = true;
        for (const auto& r : bp.runs) result.rows.push_back(row_for(r, "failed", why));
        log << fmt::format("!! baseline {} failed: {}\n", bp.key, why);
      };

      if (options.start_from < 3 && config::needs_hf_token(bcfg, plan.infrastructure.location) && !bcfg.hf_token) {
        fail_all("this baseline needs a Hugging Face token: set the HF_TOKEN environment variable");
        continue;
      }
      std::unique_ptr<deploy::Baseline> baseline;
      deploy::ServingEndpoint endpoint;
      try {
        if (options.start_from >= 3) {
          config::Baseline b = bcfg;
          b.kind = config::Endpoint{.base_url = options.endpoint_url.value_or("http://localhost:30080")};
          baseline = make_baseline(b, plan.infrastructure.location, options.deploy, clock);
        } else {
          DeployContext ctx = options.deploy;
          if (!ctx.log_dir.empty()) ctx.log_dir /= bp.key;
          baseline = make_baseline(bcfg, plan.infrastructure.location, ctx, clock);
        }
      } catch (const core::ConfigError& e) {
        fail_all(e.what());
        continue;
      }
      auto up = baseline->up();
      if (!up) {
        baseline->down();
        fail_all(fmt::format("deploy: {}", up.error().message));
        continue;
      }
      endpoint = *up;
      if (options.model_url) endpoint.model = *options.model_url;
      auto ready = wait_until_ready(endpoint, *baseline, clock, {.timeout = options.ready_timeout});
      if (!ready) {
        baseline->down();
        fail_all(fmt::format("not ready: {}", ready.error().message));
        continue;
      }
      log << fmt::format("-- baseline {}: serving {} at {}\n", bp.key, endpoint.model, endpoint.base_url);
      auto warm = warm_up(endpoint, bcfg.api_type, clock);
      if (!warm) {
        baseline->down();
        fail_all(warm.error().message);
        continue;
      }
      log << fmt::format("-- baseline {}: warmed up (one unmeasured request, {:.0f} ms)\n", bp.key,
                         core::to_seconds(*warm) * 1000);

      for (std::size_t i = 0; i < bp.runs.size(); ++i) {
        const auto& run = bp.runs[i];
        const auto& wcfg = plan.workload_of(run);
        if (core::stop_requested()) {
          result.rows.push_back(row_for(run, "skipped", "interrupted before it started"));
          continue;
        }
        if (done[i]) {
          result.rows.push_back(row_for(run, "resumed", done[i]->string()));
          continue;
        }
        if (auto failed = baseline->failure()) {
          result.any_failed = true;
          result.rows.push_back(row_for(run, "failed", failed->message));
          continue;
        }
        const auto label_hint = run.rate.qps_label.value_or("?");
        log << fmt::format("   run {} {} qps={}\n", bp.key, run.workload_name, label_hint);
        std::unique_ptr<workloads::Workload> workload;
        try {
          workload = make_run_workload(wcfg, run, {.synth = &synth,
                                                   .tokenizer = &tokenizer,
                                                   .api = bcfg.api_type,
                                                   .model = endpoint.model,
                                                   .seed = options.seed,
                                                   .duration = options.max_run_duration});
        } catch (const std::exception& e) {
          result.any_failed = true;
          result.rows.push_back(row_for(run, "failed", e.what()));
          log << fmt::format("!! {} {}: {}\n", bp.key, run.workload_name, e.what());
          continue;
        }

        http::EventLoop loop;
        // Against a simulator running S times faster than modelled, schedule and stamps are in
        // modelled time: QPS, DURATION and every latency mean what they mean on the hardware.
        const double scale = options.start_from >= 3 ? 1.0
                                                     : baseline_time_scale(bcfg, plan.infrastructure.location, options.deploy);
        const core::ScaledClock scaled_clock(clock, scale);
        const core::Clock& run_clock = scale == 1.0 ? clock : static_cast<const core::Clock&>(scaled_clock);
        load::RunnerOptions ro;
        ro.time_scale = scale;
        ro.base_url = *http::Url::parse(endpoint.base_url);
        ro.model = endpoint.model;
        if (endpoint.api_key) ro.client.bearer_token = endpoint.api_key->reveal();
        ro.time_limit = options.max_run_duration;
        ro.drain_timeout = options.drain_timeout;
        ro.tokenizer = &tokenizer;
        ro.on_progress = ProgressPrinter(log, options.progress, options.progress_in_place, fmt::format("{} {} {}: ", bp.key, run.workload_name, label_hint));
        load::Runner runner(loop, run_clock, ro);
        auto rr = runner.run(*workload);
        const bool interrupted = rr.reason == load::StopReason::kInterrupted;

        metrics::SummaryOptions so;
        so.window_start = rr.start;
        so.window_end = rr.end;
        so.slo = slo;
        const auto summary = metrics::summarize(rr.records, so);
        std::optional<double> measured;
        if (!run.rate.qps_label) measured = summary.duration_s > 0 ? summary.total_requests / summary.duration_s : 0.0;

        RunEnvelope env;
        env.name = spec.name;
        env.session_id = options.session_id;
        env.timestamp = core::artifact_timestamp(std::chrono::system_clock::now());
        env.key = bp.key;
        env.results = metrics::results_json(summary);
        env.infra = plan.infrastructure.raw;
        env.baseline_type = bcfg.type;
        env.serving_config = bcfg.raw;
        env.workload = workload_json(wcfg, run, measured);
        const auto stem = artifact_stem(bp.key, run.workload_name, qps_label_for(run, measured), env.timestamp);
        const auto json_path = run_json_path(options.results_root, spec.name, stem);
        try {
          // The CSV first and the JSON last: a JSON on disk means the run's artifacts are whole.
          metrics::write_csv(run_csv_path(options.results_root, spec.name, stem), rr.records);
          auto j = envelope_json(env, secrets);
          if (interrupted) j["interrupted"] = true;
          core::write_file_atomic(json_path, j.dump(2) + "\n");
          wrote_any = true;
        } catch (const std::exception& e) {
          result.any_failed = true;
          result.rows.push_back(row_for(run, "failed", fmt::format("cannot write results: {}", e.what())));
          continue;
        }
        if (auto logs = baseline->logs(suite_dir / "pod-logs", fmt::format("{}_{}_{}", bp.key, run.workload_name,
                                                                           qps_label_for(run, measured)));
            !logs) {
          log << fmt::format("   (logs not saved: {})\n", logs.error().message);
        }
        RunRow row = row_for(run, interrupted ? "interrupted" : (summary.successful_requests > 0 ? "ok" : "failed"),
                             json_path.string());
        row.qps = qps_label_for(run, measured);
        row.ttft_p50_ms = dist_value(summary.ttft_ms, &metrics::Distribution::median);
        row.ttft_p99_ms = dist_value(summary.ttft_ms, &metrics::Distribution::p99);
        row.output_tok_s = summary.output_token_throughput;
        if (summary.successful_requests == 0) result.any_failed = true;
        if (options.after_run) {
          if (auto err = options.after_run(json_path); !err.empty()) {
            log << fmt::format("   upload failed (the files stay on disk): {}\n", err);
            result.any_failed = true;
          }
        }
        result.rows.push_back(std::move(row));
      }
      log << fmt::format("-- baseline {}: tearing down\n", bp.key);
      if (auto err = baseline->down()) {
        result.any_failed = true;
        log << fmt::format("!! teardown of {} incomplete: {}\n", bp.key, err->message);
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

std::string format_run_table(const std::vector<RunRow>& rows) {
  const std::vector<std::string> head = {"suite", "baseline", "workload", "QPS", "status", "TTFT p50 ms", "TTFT p99 ms",
                                         "out tok/s", "result"};
  std::vector<std::vector<std::string>> cells;
  auto num = [](const std::optional<double>& v) { return v ? fmt::format("{:.1f}", *v) : std::string("-"); };
  for (const auto& r : rows) {
    cells.push_back({r.suite, r.baseline, r.workload, r.qps, r.status, num(r.ttft_p50_ms), num(r.ttft_p99_ms),
                     num(r.output_tok_s), r.detail});
  }
  std::vector<std::size_t> width(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) width[c] = head[c].size();
  for (const auto& row : cells) {
    for (std::size_t c = 0; c + 1 < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool numeric = c >= 5 && c <= 7;
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
