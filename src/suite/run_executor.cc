#include "suite/run_executor.h"

#include "metrics/validity.h"
#include "suite/engine_pace.h"

#include <fmt/format.h>

#include "core/files.h"
#include "core/ids.h"
#include "core/paths.h"
#include "fleet/coordinator.h"
#include "http/event_loop.h"
#include "load/progress.h"
#include "load/runner.h"
#include "metrics/csv.h"
#include "metrics/summary_json.h"
#include "suite/artifacts.h"
#include "suite/capacity.h"
#include "suite/workload_setup.h"
#include "telemetry/scraper.h"
#include "telemetry/server_stats.h"

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

// One run as a fleet job: the spec entry's keys and this run's place, context and client.
fleet::Job fleet_job(const RunTarget& t, const deploy::ServingEndpoint& endpoint, const load::RunnerOptions& ro,
                     const OrchestratorOptions& options, std::uint64_t salt, const std::optional<core::Duration>& cap) {
  fleet::Job job;
  job.workload = {{"kind", "spec"},
                  {"type", t.workload.type},
                  {"keys", t.workload.raw},
                  {"root", (t.spec.root.empty() ? std::filesystem::current_path() : std::filesystem::absolute(t.spec.root)).string()},
                  {"rate_index", rate_index(t.workload, t.run)}};
  job.api = t.baseline.api_type == config::ApiType::kChat ? "chat" : "completions";
  job.model = endpoint.model;
  job.seed = options.seed;
  job.salt = salt;
  if (!options.tokenizer.empty()) job.tokenizer = std::filesystem::absolute(options.tokenizer).string();
  if (cap) job.duration_s = core::to_seconds(*cap);
  job.base_url = endpoint.base_url;
  job.drain_timeout_s = core::to_seconds(ro.drain_timeout);
  job.first_byte_timeout_s = std::chrono::duration<double>(ro.client.first_byte_timeout).count();
  job.idle_timeout_s = std::chrono::duration<double>(ro.client.idle_timeout).count();
  job.total_timeout_s = std::chrono::duration<double>(ro.client.total_timeout).count();
  job.include_usage = ro.include_usage;
  job.time_scale = ro.time_scale;
  return job;
}

fleet::FleetOptions fleet_options(const OrchestratorOptions& options, const deploy::ServingEndpoint& endpoint) {
  fleet::FleetOptions fo;
  fo.workers = options.workers;
  fo.executable = options.executable.empty() ? core::executable_path() : options.executable;
  if (endpoint.api_key) fo.api_key = endpoint.api_key->reveal();
  if (options.worker_pods) {
    // The workers run beside the baseline: its context and namespace, its Service's DNS name.
    fo.kubernetes = *options.worker_pods;
    fo.kubernetes->target = {.kubectl = options.deploy.kubectl, .context = options.deploy.kube_context,
                             .namespace_name = options.deploy.kube_namespace};
    fo.kubernetes->base_url = endpoint.in_cluster_url;
  }
  return fo;
}

// The metrics pages read during a run: those the baseline names (a cluster's engine pods and its
// router, through its port-forwards); a simulated baseline's engines and its router (when the
// base URL is not an engine's); an Endpoint's metricsURLs; any other baseline's base URL (a
// script's PORT).
std::vector<telemetry::ScrapeTarget> scrape_targets(const config::Baseline& baseline, const deploy::ServingEndpoint& endpoint) {
  std::vector<telemetry::ScrapeTarget> out;
  if (!endpoint.metrics_targets.empty()) {
    for (const auto& t : endpoint.metrics_targets) out.push_back({t.name, t.url, t.role});
    return out;
  }
  for (std::size_t i = 0; i < endpoint.sim_engine_urls.size(); ++i) {
    out.push_back({fmt::format("engine-{}", i), endpoint.sim_engine_urls[i] + "/metrics", "engine"});
  }
  if (const auto* e = std::get_if<config::Endpoint>(&baseline.kind); e && !e->metrics_urls.empty()) {
    for (std::size_t i = 0; i < e->metrics_urls.size(); ++i) {
      out.push_back({e->metrics_urls.size() == 1 ? std::string("endpoint") : fmt::format("endpoint-{}", i), e->metrics_urls[i], "engine"});
    }
    return out;
  }
  const bool base_is_engine = std::find(endpoint.sim_engine_urls.begin(), endpoint.sim_engine_urls.end(),
                                        endpoint.base_url) != endpoint.sim_engine_urls.end();
  if (!base_is_engine) {
    // Behind the base URL: a router in front of simulated engines, or whatever serves (an engine
    // or a cluster's router: its figures are kept as read and counted as an engine's).
    out.push_back({endpoint.sim_engine_urls.empty() ? "endpoint" : "router", endpoint.base_url + "/metrics",
                   endpoint.sim_engine_urls.empty() ? "engine" : "router"});
  }
  return out;
}

// The client's side of the server cross-checks: what finished successfully, warm-up included
// (the server counts those too).
telemetry::ClientFigures client_figures(const std::vector<metrics::RequestRecord>& records, const metrics::Summary& summary) {
  telemetry::ClientFigures c;
  for (const auto& r : records) {
    if (!r.ok()) continue;
    ++c.requests;
    c.prompt_tokens += r.prompt_tokens;
    c.generation_tokens += r.output_tokens;
  }
  if (summary.ttft_ms) {
    c.ttft_p50_ms = summary.ttft_ms->median;
    c.ttft_p99_ms = summary.ttft_ms->p99;
  }
  return c;
}

}  // namespace

RunRow plain_row(const RunTarget& t, std::string status, std::string detail) {
  return RunRow{t.spec.name, t.baseline_plan.key, t.run.label, t.run.rate.qps_label.value_or("-"),
                std::move(status), "", {}, {}, {}, "", std::move(detail)};
}

RunOutcome execute_run(const SuiteEnv& env, BaselineSession& session, const RunTarget& t) {
  const auto& options = env.options;
  const auto& run = t.run;
  const auto& key = t.baseline_plan.key;
  RunOutcome out;
  const auto label_hint = run.rate.qps_label.value_or("?");
  env.log << fmt::format("   run {} {} qps={}\n", key, run.label, label_hint);
  const auto& endpoint = session.endpoint();
  // Against a simulator running S times faster than modelled, schedule and stamps are in
  // modelled time: QPS, DURATION and every latency mean what they mean on the hardware.
  const double scale = session.time_scale();
  // --max-run-seconds is wall-clock time of the measured window (a warm-up is not counted): in
  // the run's modelled time that is S times as long. The workload ends its own schedule there.
  std::optional<core::Duration> cap;
  if (options.max_run_duration) cap = core::from_seconds(core::to_seconds(*options.max_run_duration) * scale);
  const std::uint64_t salt = run_salt(options.prompt_salt, t.workload, run, t.trial);
  std::unique_ptr<workloads::Workload> workload;
  const bool fleet_sends = options.workers > 1 || options.worker_pods.has_value();
  try {
    // With workers, each builds its own shard; a bad data file is then their (same) error.
    if (!fleet_sends) workload = make_run_workload(t.workload, run, {.synth = &env.synth,
                                                   .tokenizer = &env.tokenizer,
                                                   .api = t.baseline.api_type,
                                                   .model = endpoint.model,
                                                   .seed = options.seed,
                                                   .salt = salt,
                                                   .duration = cap});
  } catch (const std::exception& e) {
    out.failed = true;
    out.row = plain_row(t, "failed", e.what());
    env.log << fmt::format("!! {} {}: {}\n", key, run.label, e.what());
    return out;
  }

  http::EventLoop loop;
  const core::ScaledClock scaled_clock(env.clock, scale);
  const core::Clock& run_clock = scale == 1.0 ? env.clock : static_cast<const core::Clock&>(scaled_clock);
  load::RunnerOptions ro;
  ro.time_scale = scale;
  ro.base_url = *http::Url::parse(endpoint.base_url);
  ro.model = endpoint.model;
  if (endpoint.api_key) ro.client.bearer_token = endpoint.api_key->reveal();
  ro.drain_timeout = options.drain_timeout;
  ro.tokenizer = &env.tokenizer;
  ro.on_progress = ProgressPrinter(env.log, options.progress, options.progress_in_place,
                                   fmt::format("{} {} {}: ", key, run.label, label_hint));
  // A simulated engine's own lateness over the run (its /metrics), for the validity check.
  const EmissionLagWindow engine_lag(endpoint.sim_engine_urls, env.clock);
  // What the servers say during the run, from before its first request to after its last.
  std::optional<telemetry::Scraper> scraper;
  if (options.metrics_interval.count() > 0) {
    if (auto targets = scrape_targets(t.baseline, endpoint); !targets.empty()) {
      // The interval is in the run's clock: against a simulator 20x faster, 1 s of its time is
      // 50 ms of ours (no faster than every 50 ms, so reading /metrics stays cheap).
      const auto wall = std::max(std::chrono::milliseconds(50),
                                 std::chrono::duration_cast<std::chrono::milliseconds>(options.metrics_interval / scale));
      scraper.emplace(std::move(targets), wall);
    }
  }
  // A capacity probe stops once it cannot pass (suite/capacity.h): counted over measured answers.
  std::size_t probe_finished = 0, probe_good = 0;
  if (t.probe && !fleet_sends) {
    ro.stop_when = [&, slo = t.probe->slo, goodput = t.probe->goodput](const metrics::RequestRecord& rec) {
      if (rec.warmup) return false;
      ++probe_finished;
      if (slo.met_by(rec)) ++probe_good;
      return capacity_stop_rule(probe_finished, probe_good, goodput);
    };
  }
  load::RunResult rr;
  std::optional<fleet::FleetRun> fleet_run;
  const auto call_start = std::chrono::steady_clock::now();
  if (fleet_sends) {
    try {
      fleet_run = fleet::run_fleet(fleet_job(t, endpoint, ro, options, salt, cap), fleet_options(options, endpoint), env.clock);
    } catch (const std::exception& e) {
      out.failed = true;
      out.row = plain_row(t, "failed", e.what());
      env.log << fmt::format("!! {} {}: {}\n", key, run.label, e.what());
      return out;
    }
    rr = std::move(fleet_run->run);
    env.log << fmt::format("   {} {}: sent by {} workers{} (start skew {} ms)\n", key, run.label, options.workers,
                           fleet_run->placement == "local" ? "" : " in the cluster",
                           fleet_run->start_skew_ms ? fmt::format("{:.3f}", *fleet_run->start_skew_ms) : "unknown");
    for (const auto& note : fleet_run->notes) env.log << fmt::format("!! {} {}: {}\n", key, run.label, note);
    if (!fleet_run->partial.empty()) env.log << fmt::format("!! {} {}: {}\n", key, run.label, fleet_run->partial);
  } else {
    load::Runner runner(loop, run_clock, ro);
    rr = runner.run(*workload);
  }
  const auto engine_lag_ms = engine_lag.p99_ms();
  std::vector<telemetry::EndpointScrapes> scraped;
  if (scraper) scraped = scraper->stop();
  // The run on this machine's steady clock, for the scrapes (RunResult::start_real); a cluster's
  // coordinator keeps another clock, so its run is placed within the call that ran it.
  telemetry::RunWindow window{
      rr.start_real,
      rr.start_real + std::chrono::duration_cast<std::chrono::steady_clock::duration>((rr.end - rr.start) / scale), scale};
  if (fleet_run && fleet_run->placement != "local") window = {call_start, std::chrono::steady_clock::now(), scale};
  out.interrupted = rr.reason == load::StopReason::kInterrupted;
  out.early_stop = rr.reason == load::StopReason::kDecided;

  metrics::SummaryOptions so;
  so.window_start = rr.start;
  so.window_end = rr.end;
  so.slo = t.probe ? t.probe->slo : env.slo;
  const auto summary = metrics::summarize(rr.records, so);
  std::optional<double> measured;
  if (!run.rate.qps_label) measured = summary.duration_s > 0 ? summary.total_requests / summary.duration_s : 0.0;

  metrics::RunFile rf;
  rf.name = t.spec.name;
  rf.session_id = options.session_id;
  rf.timestamp = core::artifact_timestamp(std::chrono::system_clock::now());
  rf.key = key;
  rf.results = metrics::results_json(summary);
  rf.infra = t.plan.infrastructure.raw;
  rf.serving = {{"baseline_type", t.baseline.type}, {"config", t.baseline.raw}};
  rf.workload = workload_json(t.workload, run, measured);
  // ok: every measured request succeeded; partial: some failed (the most frequent error is in
  // results.top_error); failed: none succeeded; interrupted: Ctrl-C cut it short.
  const std::size_t unsuccessful = summary.failed_requests + summary.cancelled_requests;
  // A shard lost with its worker makes the run partial even when every record it has is ok.
  const bool shard_lost = fleet_run && !fleet_run->partial.empty();
  const std::string status = out.interrupted                        ? "interrupted"
                             : summary.successful_requests == 0    ? "failed"
                             : unsuccessful > 0 || shard_lost      ? "partial"
                                                                   : "ok";
  rf.extra["status"] = status;
  if (out.interrupted) rf.extra["interrupted"] = true;
  rf.extra["prompt_salt"] = options.prompt_salt;
  if (t.trial_count > 1) rf.extra["trial"] = {{"index", t.trial}, {"count", t.trial_count}};
  if (t.probe) {
    rf.extra["capacity_probe"] = {{"index", t.probe->index},
                                  {"slo", metrics::to_string(t.probe->slo)},
                                  {"goodput_target", t.probe->goodput},
                                  {"requests", summary.total_requests},
                                  {"good", summary.good_requests},
                                  {"early_stop", rr.reason == load::StopReason::kDecided}};
  }
  // The run's verdict on its own numbers (metrics/validity.h).
  const auto validity =
      metrics::judge_validity(rr.records, summary, load::client_health(rr, scale, engine_lag_ms), options.validity);
  rf.extra["validity"] = metrics::validity_json(validity);
  if (fleet_run) rf.extra["workers"] = fleet::workers_json(*fleet_run);
  if (const auto& o = session.client_overhead()) {
    // What the client's own path added to each TTFT, so a reader can weigh short latencies.
    rf.extra["time_scale"] = {{"scale", o->scale},
                              {"client_overhead_ms", {{"modelled", metrics::round_to(o->modelled_ms, 3)},
                                                      {"wall", metrics::round_to(o->wall_ms, 4)},
                                                      {"max_modelled", metrics::round_to(o->max_modelled_ms, 3)}}},
                              {"calibration_requests", o->requests}};
  }
  if (session.staged()) {
    // The numbers came from the endpoint the user named, labelled with this baseline's KEY.
    rf.extra["staged_start"] = {{"start_from", options.start_from}, {"endpoint", endpoint.base_url}};
  }
  // Two configs of one workload at one rate get distinct names and separate comparison series.
  if (run.label != run.workload_name) rf.extra["workload_label"] = run.label;
  const auto stem = unique_stem(options.results_root / t.spec.name,
                                artifact_stem(key, run.label, qps_label_for(run, measured), rf.timestamp));
  const auto json_path = run_json_path(options.results_root, t.spec.name, stem);
  std::optional<telemetry::ServerStats> server;
  if (!scraped.empty()) {
    server = telemetry::server_stats(scraped, window);
    rf.extra["server"] = telemetry::server_json(*server, client_figures(rr.records, summary),
                                                std::chrono::duration<double>(options.metrics_interval).count());
  }
  try {
    // The CSV first and the JSON last: a JSON on disk means the run's artifacts are whole.
    metrics::write_csv(run_csv_path(options.results_root, t.spec.name, stem), rr.records);
    if (!scraped.empty()) {
      telemetry::write_metrics_csv(run_metrics_csv_path(options.results_root, t.spec.name, stem), scraped, window);
    }
    write_run_json(json_path, rf, secrets_of(t.baseline));
    out.wrote = true;
    out.json = json_path;
  } catch (const std::exception& e) {
    out.failed = true;
    out.row = plain_row(t, "failed", fmt::format("cannot write results: {}", e.what()));
    return out;
  }
  const auto suite_dir = options.results_root / t.spec.name;
  if (auto logs = session.baseline().logs(suite_dir / "pod-logs",
                                          fmt::format("{}_{}_{}", key, run.label, qps_label_for(run, measured)));
      !logs) {
    env.log << fmt::format("   (logs not saved: {})\n", logs.error().message);
  }
  out.row = plain_row(t, status, json_path.string());
  if (server) {
    out.row.kv_max = server->total.kv_usage_max;
    out.row.prefix_hit = server->total.prefix_hit_rate;
    out.row.lmcache_hit = server->total.external_prefix_hit_rate;
    if (const auto line = telemetry::server_line(*server); !line.empty()) {
      env.log << fmt::format("   {} {}: server: {}\n", key, run.label, line);
    }
    for (const auto& e : server->endpoints) {
      if (!e.note.empty()) env.log << fmt::format("   {} {}: {}: {}\n", key, run.label, e.endpoint, e.note);
    }
  }
  out.row.validity = std::string(metrics::verdict_name(validity.verdict));
  if (validity.verdict != metrics::Verdict::kValid) {
    for (const auto& reason : validity.reasons()) env.log << fmt::format("   {} {}: {}\n", key, run.label, reason);
    if (validity.verdict == metrics::Verdict::kInvalid && options.strict) out.failed = true;
  }
  if (shard_lost) {
    out.failed = true;
    out.row.detail += "; " + fleet_run->partial;
  }
  if (unsuccessful > 0) {
    out.row.detail += fmt::format("; most frequent error ({} of {}): {}", summary.top_error_count, unsuccessful,
                                  summary.top_error);
  }
  out.row.failed = fmt::format("{}/{}", unsuccessful, summary.total_requests);
  out.row.qps = qps_label_for(run, measured);
  out.row.ttft_p50_ms = dist_value(summary.ttft_ms, &metrics::Distribution::median);
  out.row.ttft_p99_ms = dist_value(summary.ttft_ms, &metrics::Distribution::p99);
  out.row.output_tok_s = summary.output_token_throughput;
  // A capacity probe's failures are what it measures (the rate is too high), not the run's fault.
  if (summary.successful_requests == 0 && !t.probe) out.failed = true;
  if (!t.probe && summary.total_requests > 0 &&
      static_cast<double>(unsuccessful) / static_cast<double>(summary.total_requests) > options.max_failure_rate) {
    out.failed = true;  // counts toward the exit code (--max-failure-rate)
  }
  if (options.after_run) {
    if (auto err = options.after_run(json_path); !err.empty()) {
      env.log << fmt::format("   upload failed (the files stay on disk): {}\n", err);
      out.failed = true;
    }
  }
  out.summary = summary;
  return out;
}

}  // namespace lmbench::suite
