#pragma once
// The orchestrator behind `lmbench run`: for each spec, for each baseline: deploy, wait until
// the OpenAI API lists the model, run every workload config at every QPS, save logs, tear down;
// after each spec, the comparison files and the HTML report. A failing baseline or run is
// reported and the rest still run (as the original does). One session id per invocation.
//
// Ctrl-C (core/interrupt.h): the run in progress stops sending, drains briefly, and is written
// with "interrupted": true (so --resume runs it again); every baseline started is torn down.

#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "fleet/kube_manifest.h"
#include "metrics/validity.h"
#include "suite/baseline_factory.h"
#include "suite/plan.h"

namespace lmbench::suite {

struct OrchestratorOptions {
  std::filesystem::path results_root = "results";
  std::string session_id;                 // lmbench-<unix>-<hex>; made by the caller
  // The original's staged start: 1 = everything; 2 = skip infrastructure set-up (nothing to set
  // up here, same as 1); 3 = skip deployment and run the workloads against model_url/port-forward.
  int start_from = 1;
  std::optional<std::string> endpoint_url;  // --port-forward-url / with start_from 3
  std::optional<std::string> model_url;     // --model-url: overrides the baseline's model
  std::optional<std::string> only_key;      // --key: only baselines with this KEY
  bool resume = false;
  DeployContext deploy;
  std::filesystem::path tokenizer;        // for exact prompt lengths and output token counts
  // Caps every run's measured sending window, in wall-clock time (--max-run-seconds): a warm-up
  // is not counted, and against a time-scaled simulator the window is this times the scale of
  // modelled time.
  std::optional<core::Duration> max_run_duration;
  core::Duration drain_timeout = std::chrono::seconds(30);
  core::Duration ready_timeout = std::chrono::minutes(10);
  std::string slo;                        // "ttft_ms=...,tpot_ms=..." for goodput; "" = none
  // A run whose share of failed (or cancelled) requests exceeds this counts as failed for the
  // exit code, though its artifacts are kept (--max-failure-rate; 0: any failed request).
  double max_failure_rate = 0;
  // A run's verdict on its own numbers (metrics/validity.h): the thresholds, and whether an
  // invalid run counts as failed for the exit code (--strict).
  metrics::ValidityThresholds validity;
  bool strict = false;
  std::uint64_t seed = 0;
  // The invocation's prompt salt (--prompt-salt): each run's prompts derive from it and the run's
  // place (suite::run_salt). Recorded in every run JSON as "prompt_salt", so the same value
  // reproduces the same prompts.
  std::uint32_t prompt_salt = 1;
  // Called with each run JSON written and each {WORKLOAD}_capacity.json after its search (for
  // --auto-upload). Returns an error message or "".
  std::function<std::string(const std::filesystem::path&)> after_run;
  // Before the first cluster baseline is deployed, check the cluster (deploy/preflight.h) and
  // stop with its report when it cannot run them (--skip-preflight turns this off).
  bool preflight = true;
  // > 1: every run is sent by that many worker processes on this machine (fleet/), started as
  // `executable worker ...`, and merged into one run with a "workers" block (run-bench Load.workers,
  // --workers).
  int workers = 1;
  // How often every engine's and the router's /metrics are read during each run (telemetry/;
  // --metrics-interval); 0: never.
  std::chrono::milliseconds metrics_interval{1000};
  std::filesystem::path executable;       // "": this process's executable
  // Set: placement kubernetes (run-bench Load.placement, --placement): every run's workers (even
  // one) are pods in the baseline's cluster sending to its Service (fleet/kubernetes.h); the
  // target and base URL are filled in per baseline from the deploy context and its endpoint.
  std::optional<fleet::KubernetesPlacement> worker_pods;
  // Every (baseline, workload, rate) is run this many times (--repeat), each trial with its own
  // prompts and a "trial" block in its JSON; Simulated and Endpoint baselines are interleaved.
  int repeat = 1;
  bool progress = true;                   // a progress line per run on `log`
  bool progress_in_place = false;         // a terminal: one line rewritten in place (\r)
};

// One line of the final summary table.
struct RunRow {
  std::string suite;
  std::string baseline;
  std::string workload;
  std::string qps;
  std::string status;                     // ok | partial | failed | skipped | interrupted | resumed
  std::string validity;                   // valid | suspect | invalid; "" when no run was measured
  std::optional<double> ttft_p50_ms, ttft_p99_ms, output_tok_s;
  std::string failed;                     // "13/162": failed or cancelled of the measured requests
  std::string detail;                     // the artifact path (and the most frequent error), or why it failed
  // What the engines said (the run JSON's "server" total): KV cache usage max, prefix cache and
  // LMCache hit rates, 0..1.
  std::optional<double> kv_max, prefix_hit, lmcache_hit;
};

// One capacity search's result, for the summary printed before the run table.
struct CapacityRow {
  std::string suite;
  std::string baseline;
  std::string workload;          // the search's label
  std::string status;            // found | below_min | at_max | interrupted | failed
  std::optional<double> capacity;
  std::optional<double> lower, upper;
  std::string unit;              // req/s, users/s, x
  std::string slo;               // "ttft_ms=2000,tpot_ms=100 at 95%"
  std::size_t probes = 0;
  std::string file;              // {label}_capacity.json
  std::string detail;            // why, when interrupted or failed
};

struct OrchestratorResult {
  std::vector<RunRow> rows;
  std::vector<CapacityRow> capacities;
  std::vector<std::filesystem::path> reports;  // report.html of each suite
  bool any_failed = false;
  bool interrupted = false;
  bool preflight_failed = false;  // nothing was deployed; the preflight's report is in the log
};

// The preflight of every cluster baseline the plan would deploy (those with `only_key`, when
// given); empty when it deploys none (simulated, scripts, endpoints).
std::vector<deploy::PreflightCheck> cluster_preflight(const Plan& plan, const std::optional<std::string>& only_key,
                                                      const DeployContext& deploy_context, const core::Clock& clock);

OrchestratorResult run_plan(const Plan& plan, const OrchestratorOptions& options, const core::Clock& clock,
                            std::ostream& log);

// The aligned summary table printed at the end of `lmbench run`.
std::string format_run_table(const std::vector<RunRow>& rows);
// The capacity table printed above it ("" when nothing was searched).
std::string format_capacity_table(const std::vector<CapacityRow>& rows);

}  // namespace lmbench::suite
