// lmbench run [RUN_BENCH]: every suite of a run-bench file, end to end (suite/orchestrator.h).
// Exit 0 when every run succeeded; 1 when anything failed: a configuration error, a baseline that
// could not be deployed, a run in which nothing succeeded or whose share of failed requests is
// above --max-failure-rate (default 0), a failed upload; 2 on misuse of the command line; 130 after
// Ctrl-C. Every finished run's artifacts are kept whatever the exit code.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <variant>

#include "cli/command.h"
#include "config/run_bench.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/interrupt.h"
#include "core/paths.h"
#include "dashboard/upload_client.h"
#include "fleet/kube_manifest.h"
#include "metrics/slo.h"
#include "metrics/validity.h"
#include "suite/orchestrator.h"
#include "suite/plan.h"
#include "suite/plan_text.h"

namespace lmbench::cli {

std::function<std::string(const std::filesystem::path&)> make_uploader(const std::string& api_url,
                                                                     const std::string& token_env) {
  dashboard::UploadOptions options;
  options.api_url = api_url;
  if (!token_env.empty()) {
    const char* t = std::getenv(token_env.c_str());
    if (t != nullptr) options.bearer_token = t;
  }
  return [options](const std::filesystem::path& file) -> std::string {
    static const core::SteadyClock clock;
    const auto outcome = dashboard::upload_file(file, options, clock);
    return outcome.status == dashboard::UploadStatus::kFailed ? outcome.message : std::string();
  };
}

namespace {

struct RunArgs {
  std::string run_bench = "run-bench.yaml";
  std::string results = "results";
  int start_from = 1;
  std::string model_url;
  std::string port_forward_url;
  std::string hf_token;
  std::string key;
  bool resume = false;
  bool auto_upload = false;
  std::string api_url = "http://localhost:3001/upload";
  std::string upload_token_env;
  bool ignore_data_generation = false;
  bool skip_node_affinity = false;
  double time_scale = 0;
  double max_run_seconds = 0;
  double ready_timeout_s = 600;
  double helm_timeout_s = 1200;
  std::uint64_t seed = 0;
  std::uint32_t prompt_salt = 0;  // 0: a random one
  std::string slo;
  bool find_capacity = false;
  int repeat = 1;
  double max_failure_rate = 0;
  std::string tokenizer;
  std::string kube_namespace;
  std::string kube_context;
  std::string kubectl = "kubectl";
  std::string helm = "helm";
  int local_port = 30080;
  int workers = 0;  // 0: run-bench's Load.workers (default 1)
  double metrics_interval_s = 1;
  std::string placement;     // "": run-bench's Load.placement (default local)
  std::string worker_image;  // placement kubernetes: "" = Load.image, else the default image
  bool quiet = false;
  bool skip_preflight = false;
  bool strict = false;
  double lag_budget_ms = metrics::ValidityThresholds{}.lag_budget_ms;
  std::vector<std::string> validity;  // NAME=VALUE thresholds
};

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

// Options that only make sense together, and a --key that names a baseline of the plan: refused
// with the reason before anything starts.
void check_selection(const RunArgs& a, const suite::Plan& plan) {
  std::vector<std::string> keys;
  for (const auto& s : plan.suites) {
    for (const auto& b : s.baselines) {
      if (std::find(keys.begin(), keys.end(), b.key) == keys.end()) keys.push_back(b.key);
    }
  }
  const std::string listed = fmt::format("{}", fmt::join(keys, ", "));
  if (!a.key.empty() && std::find(keys.begin(), keys.end(), a.key) == keys.end()) {
    throw core::ConfigError(fmt::format("--key '{}': no baseline of {} has this KEY; its KEYs are: {}", a.key,
                                        a.run_bench, listed));
  }
  if (a.start_from < 3) {
    if (!a.port_forward_url.empty()) {
      throw core::ConfigError("--port-forward-url is the endpoint of a staged start: it needs --start-from 3 "
                              "(without it, lmbench deploys every baseline and uses what it deployed)");
    }
    return;
  }
  if (a.key.empty() && keys.size() > 1) {
    throw core::ConfigError(fmt::format(
        "--start-from 3 runs the workloads against one running endpoint, and results are labelled with one baseline's "
        "KEY; this plan has {} baselines ({}): name the one the endpoint serves with --key",
        keys.size(), listed));
  }
}

// Placement kubernetes: the workers run in each baseline's cluster and send to its Service, so
// every baseline the plan deploys must be a cluster one. Refused before anything starts.
void check_cluster_baselines(const RunArgs& a, const suite::Plan& plan) {
  if (a.start_from == 3) {
    throw core::ConfigError("placement kubernetes: --start-from 3 gives an endpoint URL, not a Service in a cluster for the "
                            "workers to send to; use placement local");
  }
  const bool simulated = plan.infrastructure.location == config::Location::kSimulated;
  for (const auto& s : plan.suites) {
    for (const auto& b : s.baselines) {
      if (!a.key.empty() && b.key != a.key) continue;
      const config::Baseline& baseline = plan.specs.at(s.spec).serving.at(b.index);
      const bool cluster = std::holds_alternative<config::HelmProductionStack>(baseline.kind) ||
                           std::holds_alternative<config::DirectProductionStack>(baseline.kind) ||
                           std::holds_alternative<config::LLMD>(baseline.kind);
      if (cluster && !simulated) continue;
      throw core::ConfigError(fmt::format(
          "{}: placement kubernetes: baseline {} ({}{}) is not deployed in a cluster; the workers run beside the baseline "
          "and send to its Service, so only Helm-ProductionStack, Direct-ProductionStack and LLM-D baselines outside "
          "Location Simulated can use it (use placement local, or --key to run only cluster baselines)",
          core::format_location(baseline.where), b.key, baseline.type, simulated ? " under Location Simulated" : ""));
    }
  }
}

// The worker pods of placement kubernetes, from run-bench's Load section and --worker-image.
fleet::KubernetesPlacement worker_pods(const config::LoadSection& load, const std::string& image) {
  fleet::KubernetesPlacement p;
  p.image = image.empty() ? load.image : image;
  if (load.resources) p.worker_resources = {load.resources->requests, load.resources->limits};
  p.node_selector = load.node_selector;
  for (const auto& t : load.tolerations) p.tolerations.push_back({t.key, t.op, t.value, t.effect, t.toleration_seconds});
  p.spread = fleet::spread_from_name(load.spread).value_or(fleet::Spread::kHostname);
  return p;
}

int run(const RunArgs& a) {
  std::optional<std::string> hf_token = env("HF_TOKEN");
  if (!a.hf_token.empty()) {
    // Accepted for the original's sake; a command line is visible to every user through `ps`.
    fmt::print(stderr, "lmbench: warning: --hf-token is visible in the process list; prefer the HF_TOKEN environment variable\n");
    hf_token = a.hf_token;
  }
  auto loaded = config::load_suite(a.run_bench, hf_token);
  const int workers = a.workers > 0 ? a.workers : loaded.run_bench.load.workers;
  const std::string placement = a.placement.empty() ? loaded.run_bench.load.placement : a.placement;
  if (placement != "kubernetes" && !a.worker_image.empty()) {
    throw core::ConfigError("--worker-image: the workers' image applies to placement kubernetes only (--placement kubernetes, "
                            "or Load.placement in the run-bench file)");
  }
  std::optional<fleet::KubernetesPlacement> pods;
  if (placement == "kubernetes") pods = worker_pods(loaded.run_bench.load, a.worker_image);
  if (a.find_capacity) {
    // Every workload's rate is searched: its CAPACITY key, or --slo with the default goodput and
    // range (README "Capacity at an SLO").
    const auto slo = metrics::parse_slo(a.slo, "--slo");
    config::CapacitySpec defaults;
    defaults.ttft_ms = slo.ttft_ms;
    defaults.tpot_ms = slo.tpot_ms;
    defaults.e2e_ms = slo.e2e_ms;
    for (const auto& spec : loaded.specs) {
      for (const auto& w : spec.workloads) {
        if (!w.capacity && slo.empty()) {
          throw core::ConfigError(fmt::format(
              "{}: --find-capacity needs an SLO for {}: give --slo (e.g. ttft_ms=2000,tpot_ms=100) or a CAPACITY key",
              core::format_location(w.where), w.path));
        }
      }
    }
    suite::search_every_workload(loaded.specs, defaults);
  }
  auto plan = suite::make_plan(std::move(loaded));
  if (plan.infrastructure.location == config::Location::kNoBench) {
    fmt::print("Location NoBench: the specs are valid; nothing is run.\n");
    return 0;
  }
  check_selection(a, plan);
  if (pods) check_cluster_baselines(a, plan);

  suite::OrchestratorOptions o;
  o.results_root = a.results;
  o.session_id = core::make_session_id(std::chrono::system_clock::now(), core::random_u32());
  o.start_from = a.start_from;
  if (!a.port_forward_url.empty()) o.endpoint_url = a.port_forward_url;
  if (!a.model_url.empty()) o.model_url = a.model_url;
  if (!a.key.empty()) o.only_key = a.key;
  o.resume = a.resume;
  o.seed = a.seed;
  o.prompt_salt = a.prompt_salt != 0 ? a.prompt_salt : (core::random_u32() | 1u);
  o.slo = a.slo;
  if (a.repeat < 1) throw core::ConfigError(fmt::format("--repeat: expected a number of trials >= 1, found {}", a.repeat));
  o.repeat = a.repeat;
  o.max_failure_rate = a.max_failure_rate;
  o.progress = !a.quiet;
  o.preflight = !a.skip_preflight;
  o.strict = a.strict;
  o.validity.lag_budget_ms = a.lag_budget_ms;
  for (const auto& v : a.validity) o.validity.set(v);
  o.progress_in_place = ::isatty(STDOUT_FILENO) == 1;
  o.ready_timeout = core::from_seconds(a.ready_timeout_s);
  if (!(a.helm_timeout_s > 0)) throw core::ConfigError(fmt::format("--helm-timeout: expected seconds > 0, found {}", a.helm_timeout_s));
  o.deploy.helm_timeout = core::from_seconds(a.helm_timeout_s);
  if (a.max_run_seconds > 0) o.max_run_duration = core::from_seconds(a.max_run_seconds);
  if (a.tokenizer.empty()) {
    auto found = core::default_tokenizer_path();
    if (!found) throw core::ConfigError("no tokenizer.json found: run scripts/setup.sh, or pass --tokenizer PATH");
    o.tokenizer = *found;
  } else {
    o.tokenizer = a.tokenizer;
  }
  o.deploy.project_root = plan.specs.empty() ? std::filesystem::path(".") : config::project_root_for_spec(plan.specs[0].path);
  o.deploy.log_dir = std::filesystem::path(a.results) / ".logs" / o.session_id;
  o.deploy.tokenizer = o.tokenizer;
  o.deploy.kube_context = a.kube_context;
  o.deploy.kube_namespace = a.kube_namespace;
  o.deploy.kubectl = a.kubectl;
  o.deploy.helm = a.helm;
  o.deploy.local_port = a.local_port;
  o.workers = workers;
  o.metrics_interval = std::chrono::milliseconds(static_cast<long long>(a.metrics_interval_s * 1000));
  o.worker_pods = pods;
  o.deploy.seed = a.seed;
  if (a.time_scale > 0) o.deploy.time_scale = a.time_scale;
  if (a.auto_upload) o.after_run = make_uploader(a.api_url, a.upload_token_env);

  core::install_interrupt_handlers();
  const std::size_t searches = plan.search_count(o.only_key);
  fmt::print("lmbench run: session {}, {} run(s){} planned, results in {}/\n", o.session_id,
             plan.run_count(o.only_key) * static_cast<std::size_t>(o.repeat),
             searches > 0 ? fmt::format(" and {} capacity search(es)", searches) : "", a.results);
  std::fflush(stdout);
  const core::SteadyClock clock;
  auto result = suite::run_plan(plan, o, clock, std::cout);
  if (result.preflight_failed) return 1;  // its report says why; nothing ran
  if (!result.capacities.empty()) std::cout << "\nCapacity:\n" << suite::format_capacity_table(result.capacities);
  std::cout << "\n" << suite::format_run_table(result.rows);
  for (const auto& r : result.reports) {
    std::cout << fmt::format("\nCharts: {}/*_comparison.png\nReport: {}\n", r.parent_path().string(), r.string());
  }
  std::cout << std::flush;
  if (result.interrupted) return 130;
  return result.any_failed ? 1 : 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto* sub = app.add_subcommand("run", "Run every suite of a run-bench.yaml: deploy each baseline, run every workload at every QPS");
  auto a = std::make_shared<RunArgs>();
  sub->add_option("run_bench", a->run_bench, "The run-bench file (default: run-bench.yaml)");
  sub->add_option("--results", a->results, "Folder for the results (default: results)");
  sub->add_option("--start-from", a->start_from, "1|2: deploy every baseline; 3: run the workloads against an existing endpoint")
      ->check(CLI::Range(1, 3));
  sub->add_option("--model-url", a->model_url, "The model to request (overrides the spec's modelURL)");
  sub->add_option("--port-forward-url", a->port_forward_url, "The endpoint to use with --start-from 3 (default http://localhost:30080)");
  sub->add_option("--hf-token", a->hf_token, "Hugging Face token (prefer the HF_TOKEN environment variable)");
  sub->add_option("--key", a->key, "Only run the baseline with this result KEY");
  sub->add_flag("--resume", a->resume, "Skip runs whose result JSON already exists for the same baseline, workload config and QPS");
  sub->add_flag("--auto-upload", a->auto_upload, "Upload every run JSON to the dashboard (--api-url)");
  sub->add_option("--api-url", a->api_url, "Dashboard upload URL (default http://localhost:3001/upload)");
  sub->add_option("--upload-token-env", a->upload_token_env, "Environment variable holding the dashboard's upload token");
  sub->add_flag("--ignore-data-generation", a->ignore_data_generation, "Accepted for compatibility; data is made on the fly");
  sub->add_flag("--skip-node-affinity", a->skip_node_affinity, "Accepted for compatibility; lmbench sets no node affinity");
  sub->add_option("--time-scale", a->time_scale, "Run every simulated baseline this many times faster than modelled");
  sub->add_option("--max-run-seconds", a->max_run_seconds,
                  "Cap each run's measured sending window at this many seconds of wall-clock time (a warm-up is "
                  "not counted; a simulator at timeScale S measures S times as many modelled seconds)");
  sub->add_option("--ready-timeout", a->ready_timeout_s, "Seconds to wait for a baseline's /v1/models (default 600)");
  sub->add_option("--helm-timeout", a->helm_timeout_s,
                  "Seconds helm --wait may take per release (default 1200: a first run pulls the image and downloads the weights)");
  sub->add_option("--seed", a->seed, "Seed for prompts and simulated outputs (default 0)");
  sub->add_option("--prompt-salt", a->prompt_salt,
                  "Salt of every run's prompts, recorded in each run JSON (default: a new random one, so no run "
                  "finds prompts an earlier run left in a server's cache); give a recorded value to resend the same prompts")
      ->check(CLI::Range(1u, 4294967295u));
  sub->add_option("--slo", a->slo, "SLOs for goodput, e.g. ttft_ms=500,tpot_ms=50");
  sub->add_option("--repeat", a->repeat,
                  "Run every (baseline, workload, rate) this many times: each trial with its own prompts, Simulated and "
                  "Endpoint baselines interleaved; reports show means with 95% confidence intervals and verdicts");
  sub->add_flag("--find-capacity", a->find_capacity,
                "Search every workload's rate for its capacity at the SLO (the workload's CAPACITY key, or --slo with "
                "goodput 0.95 between 0.1 and 64) instead of running its rate list");
  sub->add_option("--max-failure-rate", a->max_failure_rate,
                  "Share of failed requests a run may have and still count as successful for the exit code "
                  "(default 0: any failed request makes the exit code 1; the run's artifacts are kept either way)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--tokenizer", a->tokenizer, "tokenizer.json (default: the one scripts/setup.sh installs)");
  sub->add_option("--namespace", a->kube_namespace, "Kubernetes namespace for kubectl/helm baselines");
  sub->add_option("--context", a->kube_context, "Kubernetes context for kubectl/helm baselines");
  sub->add_option("--kubectl", a->kubectl, "kubectl program (default: kubectl on PATH)");
  sub->add_option("--helm", a->helm, "helm program (default: helm on PATH)");
  sub->add_option("--local-port", a->local_port,
                  "Local port where script baselines serve and port-forwards listen (default 30080, the original's)")
      ->check(CLI::Range(1, 65535));
  sub->add_option("--workers", a->workers,
                  "Send each run's load from this many worker processes (on this machine, or pods with --placement kubernetes), merged as one run "
                  "(default: the run-bench file's Load.workers, else 1; README \"Workers\")")
      ->check(CLI::Range(1, 256));
  sub->add_option("--placement", a->placement,
                  "Where the workers run: local (processes on this machine) or kubernetes (pods of an Indexed Job in the "
                  "baseline's cluster, sending to its Service; Helm and Kubernetes baselines only) (default: the run-bench "
                  "file's Load.placement, else local; README \"Workers in a cluster\")")
      ->check(CLI::IsMember({"local", "kubernetes"}));
  sub->add_option("--worker-image", a->worker_image,
                  "With placement kubernetes: the image of the worker and coordinator pods (default: the run-bench file's "
                  "Load.image, else " + fleet::default_worker_image() + ")");
  sub->add_option("--metrics-interval", a->metrics_interval_s,
                  "Seconds (of the run's clock; at most 20 per wall second) between reads of every engine's and the router's "
                  "/metrics during each run (0: none); "
                  "kept in {KEY}_{WORKLOAD}_{QPS}_{TIME}.metrics.csv and the run JSON's \"server\" block")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  sub->add_flag("--quiet", a->quiet, "No progress lines");
  sub->add_flag("--strict", a->strict,
                "Exit 1 when any run's numbers are invalid (its client fell behind, ran out of CPU or stalled; "
                "the run JSON's \"validity\" says why)");
  sub->add_option("--lag-budget-ms", a->lag_budget_ms,
                  "Client lag p99 a run may have and stay valid, in the run's (modelled) milliseconds (default 2; "
                  "or 10% of the mean gap between sends, when larger)")
      ->check(positive_milliseconds());
  sub->add_option("--validity", a->validity,
                  "Set a validity threshold, NAME=VALUE (repeatable; e.g. cpu_invalid=0.95; README \"Can I trust this run?\")");
  sub->add_flag("--skip-preflight", a->skip_preflight,
                "Deploy without first checking the cluster (context, GPU nodes, StorageClass, CRDs, charts, leftover releases)");
  return {sub, [a] { return run(*a); }};
}

}  // namespace lmbench::cli
