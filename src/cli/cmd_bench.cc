// `lmbench bench <workload> --base-url URL --model M ...`: runs one workload against an
// OpenAI-compatible endpoint without a suite, prints live progress and a summary table, and
// writes the per-request CSV and the run JSON when asked.
//
// Adding a workload: write an add_<name>() like add_random() below (its own options, a factory,
// its keys for the JSON) and list it in add_bench().

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "cli/command.h"
#include "config/workload_file.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paths.h"
#include "fleet/coordinator.h"
#include "core/ids.h"
#include "core/interrupt.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "http/url.h"
#include "load/arrival.h"
#include "load/progress.h"
#include "load/runner.h"
#include "load/summary_table.h"
#include "metrics/csv.h"
#include "metrics/run_file.h"
#include "metrics/slo.h"
#include "metrics/summary.h"
#include "metrics/summary_json.h"
#include "metrics/validity.h"
#include "suite/engine_pace.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"
#include "workloads/conversation.h"
#include "workloads/factory.h"
#include "workloads/random.h"

namespace lmbench::cli {

namespace {

namespace fs = std::filesystem;

// Options every workload of `bench` shares.
struct CommonOptions {
  std::string base_url;
  std::string model;
  double qps = 1.0;
  double duration_s = 0;  // 0: until the workload ends
  std::string api = "completions";
  std::string arrival = "constant";
  double burstiness = 1.0;
  std::uint64_t seed = 0;
  std::uint32_t prompt_salt = 0;  // 0 on the command line: a random one, chosen in run_bench
  std::string api_key_env;
  bool insecure = false;
  std::string slo;
  double max_failure_rate = 0;
  std::string csv;
  std::string json;
  std::string tokenizer;
  double drain_timeout_s = 60;
  double request_timeout_s = 600;
  double request_deadline_s = 0;  // 0: none
  bool no_usage = false;
  double progress_s = 0;  // 0: 1 s on a terminal, 10 s otherwise
  double time_scale = 0;  // 0: what the server's GET /lmbench/info says, else 1
  bool strict = false;
  double lag_budget_ms = metrics::ValidityThresholds{}.lag_budget_ms;
  std::vector<std::string> validity;  // NAME=VALUE thresholds (metrics::ValidityThresholds::set)
  int workers = 1;  // > 1: the load is sent by that many worker processes (fleet/)
  std::size_t max_concurrency = 0;  // 0: no limit
};

// What a workload needs from the command line once it is parsed.
struct BenchContext {
  const CommonOptions& common;
  workloads::Api api;
  const text::Tokenizer* tokenizer;  // null when none could be loaded
  std::function<core::Duration()> next_gap;  // the chosen arrival process at --qps
  std::uint64_t salt;                        // the prompt salt (--prompt-salt or random)
};

// A workload `bench` can run: its factory, and its keys for the run JSON's "workload" object.
struct BenchWorkload {
  // Checks the options before anything slow (loading a tokenizer) happens; throws ConfigError.
  std::function<void(const CommonOptions&)> validate;
  std::function<std::unique_ptr<workloads::Workload>(const BenchContext&)> make;
  std::function<nlohmann::ordered_json(const BenchContext&)> keys;
  // The workload as a fleet::Job's "workload" object, for --workers.
  std::function<nlohmann::json(const BenchContext&)> job;
  bool uses_qps = true;  // false: the workload's own keys set its rate
};

void add_common_options(CLI::App* sub, CommonOptions& o) {
  sub->add_option("--base-url", o.base_url, "endpoint, e.g. http://127.0.0.1:8000 (a trailing /v1 is fine)")
      ->required();
  sub->add_option("--model", o.model, "model name sent in every request")->required();
  sub->add_option("--qps", o.qps, "requests per second, in total")->capture_default_str();
  sub->add_option("--duration", o.duration_s, "seconds of sending (0: until the workload's last request)")
      ->capture_default_str();
  sub->add_option("--api", o.api, "completions (/v1/completions) or chat (/v1/chat/completions)")
      ->check(CLI::IsMember({"completions", "chat"}))
      ->capture_default_str();
  sub->add_option("--arrival", o.arrival, "constant spacing, or poisson (gamma with --burstiness) arrivals")
      ->check(CLI::IsMember({"constant", "poisson"}))
      ->capture_default_str();
  sub->add_option("--burstiness", o.burstiness, "gamma shape for --arrival poisson (1: Poisson)")->capture_default_str();
  sub->add_option("--seed", o.seed, "seed of prompts and arrivals")->capture_default_str();
  sub->add_option("--prompt-salt", o.prompt_salt,
                  "salt of the prompts, recorded in the JSON (default: a new random one, so a second run does not "
                  "find the first one's prompts in the server's cache); a recorded value resends the same prompts")
      ->check(CLI::Range(1u, 4294967295u));
  sub->add_option("--api-key-env", o.api_key_env, "environment variable holding the API key (sent as Bearer)");
  sub->add_flag("--insecure", o.insecure, "https: do not verify the server's certificate");
  sub->add_option("--slo", o.slo, "goodput objectives, e.g. ttft_ms=500,tpot_ms=50");
  sub->add_option("--max-failure-rate", o.max_failure_rate,
                  "share of failed requests the run may have and still exit 0 (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--csv", o.csv, "write the per-request CSV here");
  sub->add_option("--json", o.json, "write the run JSON (summary) here");
  sub->add_option("--tokenizer", o.tokenizer,
                  "tokenizer.json for prompt lengths and for output tokens when the server sends no usage "
                  "(default: the Llama 3 one under npm/node_modules, if found)");
  sub->add_option("--drain-timeout", o.drain_timeout_s, "seconds in-flight requests may finish after sending stops")
      ->capture_default_str();
  sub->add_option("--request-timeout", o.request_timeout_s, "seconds to the first byte, and of silence mid-stream")
      ->capture_default_str();
  sub->add_option("--request-deadline", o.request_deadline_s,
                  "seconds a whole request may take, first byte to last (0: no limit); a server that keeps a stream "
                  "alive with a byte now and then fails it as \"timeout\"")
      ->capture_default_str();
  sub->add_flag("--no-usage", o.no_usage, "do not ask for stream_options.include_usage");
  sub->add_flag("--strict", o.strict, "exit 1 when the run's numbers are invalid (see the JSON's \"validity\")");
  sub->add_option("--lag-budget-ms", o.lag_budget_ms,
                  "client lag p99 the run may have and stay valid, in milliseconds (default 2; or 10% of the mean gap "
                  "between sends, when larger)")
      ->check(positive_milliseconds());
  sub->add_option("--validity", o.validity,
                  "set a validity threshold, NAME=VALUE (repeatable; e.g. cpu_invalid=0.95; the names are "
                  "ValidityThresholds' fields, README \"Can I trust this run?\")");
  sub->add_option("--time-scale", o.time_scale,
                  "measure on a clock this many times faster than the wall clock, as a time-scaled simulator runs "
                  "(default: the scale the server reports at GET /lmbench/info, 1 for any other server)");
  sub->add_option("--progress-interval", o.progress_s, "seconds between progress lines (0: 1 on a terminal, else 10)");
  sub->add_option("--max-concurrency", o.max_concurrency,
                  "at most this many requests in flight (as vllm bench serve's): a request due while every slot is "
                  "taken waits for one, and that wait counts as scheduling lag, not client lag (0: no limit)")
      ->capture_default_str();
  sub->add_option("--workers", o.workers,
                  "send the load from this many worker processes on this machine, each with its share of the "
                  "requests (a user's rounds stay on one); the results are merged as one run (README \"Workers\")")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
}

std::unique_ptr<text::Tokenizer> load_tokenizer(const CommonOptions& o) {
  if (!o.tokenizer.empty()) return std::make_unique<text::Tokenizer>(text::Tokenizer::from_file(o.tokenizer));
  if (auto path = core::default_tokenizer_path()) return std::make_unique<text::Tokenizer>(text::Tokenizer::from_file(*path));
  return nullptr;
}

std::function<core::Duration()> make_next_gap(const CommonOptions& o) {
  return load::gap_function(o.arrival, o.qps, o.burstiness, o.seed);
}

// ---- Random -------------------------------------------------------------------------------

struct RandomCli {
  int num_users = 1;
  int num_rounds = 0;
  int prompt_len = 128;
  int answer_len = 128;
  bool ignore_eos = false;
  std::unique_ptr<text::PromptSynth> synth;
};

BenchWorkload add_random(CLI::App* sub) {
  auto o = std::make_shared<RandomCli>();
  sub->add_option("--num-users", o->num_users, "NUM_USERS (x-user-id 0..N-1, requests go round-robin)")
      ->capture_default_str();
  sub->add_option("--num-rounds", o->num_rounds, "NUM_ROUNDS per user (0: no limit, needs --duration)")
      ->capture_default_str();
  sub->add_option("--prompt-len", o->prompt_len, "PROMPT_LEN, exact tokens of each prompt")->capture_default_str();
  sub->add_option("--answer-len", o->answer_len, "ANSWER_LEN, max_tokens of each request")->capture_default_str();
  sub->add_flag("--ignore-eos", o->ignore_eos, "ask for exactly ANSWER_LEN tokens (vLLM ignore_eos)");
  BenchWorkload w;
  w.validate = [o](const CommonOptions& common) {
    if (o->num_rounds == 0 && common.duration_s <= 0) {
      throw core::ConfigError("bench random: give --num-rounds or --duration, or the run never ends");
    }
  };
  w.make = [o](const BenchContext& ctx) -> std::unique_ptr<workloads::Workload> {
    if (!ctx.tokenizer) {
      throw core::ConfigError(
          "bench random: prompts of exact token lengths need a tokenizer: pass --tokenizer PATH/tokenizer.json");
    }
    o->synth = std::make_unique<text::PromptSynth>(*ctx.tokenizer);
    return std::make_unique<workloads::RandomWorkload>(
        *o->synth, workloads::RandomOptions{.num_users = o->num_users,
                                            .num_rounds = o->num_rounds,
                                            .prompt_len = o->prompt_len,
                                            .answer_len = o->answer_len,
                                            .qps = ctx.common.qps,
                                            .api = ctx.api,
                                            .seed = workloads::salted(ctx.common.seed, ctx.salt),
                                            .ignore_eos = o->ignore_eos,
                                            .next_gap = ctx.next_gap});
  };
  w.job = [o](const BenchContext& ctx) {
    return nlohmann::json{{"kind", "random"},          {"num_users", o->num_users},
                          {"num_rounds", o->num_rounds}, {"prompt_len", o->prompt_len},
                          {"answer_len", o->answer_len}, {"qps", ctx.common.qps},
                          {"arrival", ctx.common.arrival}, {"burstiness", ctx.common.burstiness},
                          {"ignore_eos", o->ignore_eos}};
  };
  w.keys = [o](const BenchContext& ctx) {
    nlohmann::ordered_json j;
    j["WORKLOAD"] = "random";
    j["QPS"] = ctx.common.qps;
    j["NUM_USERS"] = o->num_users;
    j["NUM_ROUNDS"] = o->num_rounds;
    j["PROMPT_LEN"] = o->prompt_len;
    j["ANSWER_LEN"] = o->answer_len;
    return j;
  };
  return w;
}

// ---- Every other workload, from its spec keys -----------------------------------------------

// The keys of one Workload.<type> entry, from --config FILE and/or --set KEY=VALUE; its rate is
// the entry's own (QPS, TIME_BETWEEN_REQUESTS_PER_USER, NEW_USER_INTERVALS, REQUEST_RATES), the
// --rate-index-th value of that list; --qps and --arrival do not apply.
struct SpecCli {
  std::string type;
  std::string config;
  std::vector<std::string> sets;
  std::size_t rate_index = 0;
  std::unique_ptr<text::PromptSynth> synth;
  std::optional<config::WorkloadConfig> loaded;
  fs::path root;  // where its data files are looked up
};

const config::WorkloadConfig& load_spec_workload(SpecCli& o) {
  if (!o.loaded) {
    std::optional<fs::path> file;
    if (!o.config.empty()) file = o.config;
    std::vector<config::Warning> warnings;
    o.root = file ? fs::absolute(*file).parent_path() : fs::current_path();
    o.loaded = config::load_workload_config(o.type, file, o.sets, o.root, &warnings);
    for (const auto& w : warnings) fmt::print(stderr, "lmbench bench: warning: {}\n", config::format_warning(w));
  }
  return *o.loaded;
}

BenchWorkload add_from_spec(CLI::App* sub, const std::string& type, const std::string& file_name) {
  auto o = std::make_shared<SpecCli>();
  o->type = type;
  sub->add_option("--config", o->config, "YAML file with the workload's keys, as under Workload." + type + " in a spec");
  sub->add_option("--set", o->sets, "KEY=VALUE (VALUE as YAML, e.g. QPS=[2]); repeatable; applied after --config");
  sub->add_option("--rate-index", o->rate_index, "which value of the workload's rate list to run (default 0)");
  BenchWorkload w;
  w.uses_qps = false;
  w.validate = [o](const CommonOptions&) {
    const auto& cfg = load_spec_workload(*o);
    if (o->rate_index >= workloads::run_count(cfg)) {
      throw core::ConfigError(fmt::format("--rate-index: {} has {} rate value(s), found index {}", cfg.path,
                                          workloads::run_count(cfg), o->rate_index));
    }
  };
  w.make = [o, type](const BenchContext& ctx) -> std::unique_ptr<workloads::Workload> {
    if (!ctx.tokenizer) {
      throw core::ConfigError("bench " + type + ": prompts of exact token lengths need a tokenizer: pass --tokenizer");
    }
    o->synth = std::make_unique<text::PromptSynth>(*ctx.tokenizer);
    workloads::WorkloadContext wc;
    wc.tokenizer = ctx.tokenizer;
    wc.synth = o->synth.get();
    wc.api = ctx.api;
    wc.model = ctx.common.model;
    wc.seed = ctx.common.seed;
    wc.salt = ctx.salt;
    if (ctx.common.duration_s > 0) wc.duration = core::from_seconds(ctx.common.duration_s);
    return workloads::make_workload(load_spec_workload(*o), o->rate_index, wc);
  };
  w.job = [o](const BenchContext&) {
    const auto& cfg = load_spec_workload(*o);
    return nlohmann::json{{"kind", "spec"}, {"type", cfg.type}, {"keys", cfg.raw}, {"root", o->root.string()},
                          {"rate_index", o->rate_index}};
  };
  w.keys = [o, file_name](const BenchContext&) {
    nlohmann::ordered_json j;
    j["WORKLOAD"] = file_name;
    for (const auto& [k, v] : load_spec_workload(*o).raw.items()) j[k] = v;
    return j;
  };
  return w;
}

// ---- running --------------------------------------------------------------------------------

struct TimeScale {
  double scale = 1;
  std::string source;  // how it was chosen, for the message and the run JSON
  bool simulator = false;  // the server answered GET /lmbench/info: an lmbench sim (or router)
};

// --time-scale when given; otherwise a simulator (or lmbench router in front of one) says its
// own scale at GET /lmbench/info, and any other server is measured on the wall clock. Either way
// the answer says whether the server is a simulator (whose /metrics says how well it kept pace).
TimeScale time_scale_of(const http::Url& base, const CommonOptions& o) {
  http::Request req;
  req.url = base;
  req.url.target = "/lmbench/info";  // at the server's root, whatever path the base URL has
  http::ClientOptions client;
  client.connect_timeout = std::chrono::milliseconds(2000);
  client.verify_tls = !o.insecure;
  core::SteadyClock clock;
  auto r = http::fetch(req, clock, client, std::chrono::milliseconds(3000));
  if (r.ok() && r->status == 200) {
    const auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_object() && j.contains("time_scale") && j["time_scale"].is_number() && j["time_scale"].get<double>() > 0) {
      if (o.time_scale > 0) return {o.time_scale, "--time-scale", true};
      return {j["time_scale"].get<double>(), "reported by the server at GET /lmbench/info", true};
    }
  }
  if (o.time_scale > 0) return {o.time_scale, "--time-scale"};
  return {1.0, "wall clock"};
}

int run_bench(const std::string& name, const CommonOptions& o, const BenchWorkload& w) {
  // Thresholds first: a mistyped one is an error before anything is sent.
  metrics::ValidityThresholds thresholds;
  thresholds.lag_budget_ms = o.lag_budget_ms;
  for (const auto& v : o.validity) thresholds.set(v);
  if (w.uses_qps && !(o.qps > 0)) {
    throw core::ConfigError(fmt::format("--qps: expected a positive number, found {}", o.qps));
  }
  if (o.max_concurrency > 0 && o.workers > 1) {
    throw core::ConfigError("--max-concurrency: limits one process's requests in flight; use it without --workers");
  }
  if (o.duration_s < 0) throw core::ConfigError(fmt::format("--duration: expected seconds >= 0, found {}", o.duration_s));
  if (!(o.burstiness > 0)) {
    throw core::ConfigError(fmt::format("--burstiness: expected a positive number, found {}", o.burstiness));
  }
  if (o.drain_timeout_s < 0) {
    throw core::ConfigError(fmt::format("--drain-timeout: expected seconds >= 0, found {}", o.drain_timeout_s));
  }
  if (!(o.request_deadline_s >= 0)) {
    throw core::ConfigError(fmt::format("--request-deadline: expected seconds >= 0, found {}", o.request_deadline_s));
  }
  if (!(o.request_timeout_s > 0)) {
    throw core::ConfigError(fmt::format("--request-timeout: expected seconds > 0, found {}", o.request_timeout_s));
  }
  const auto url = http::Url::parse(o.base_url);
  if (!url) throw core::ConfigError("--base-url: " + url.error().message);
  const metrics::Slo slo = metrics::parse_slo(o.slo, "--slo");
  if (w.validate) w.validate(o);
  std::string bearer;
  if (!o.api_key_env.empty()) {
    bearer = http::bearer_from_env(o.api_key_env.c_str());
    if (bearer.empty()) throw core::ConfigError("--api-key-env: environment variable " + o.api_key_env + " is not set");
  }

  if (o.time_scale < 0 || !std::isfinite(o.time_scale)) {
    throw core::ConfigError(fmt::format("--time-scale: expected a positive number, found {}", o.time_scale));
  }
  const TimeScale scale = time_scale_of(*url, o);

  const std::unique_ptr<text::Tokenizer> tokenizer = load_tokenizer(o);
  const std::uint32_t salt = o.prompt_salt != 0 ? o.prompt_salt : (core::random_u32() | 1u);
  const BenchContext ctx{o, o.api == "chat" ? workloads::Api::kChat : workloads::Api::kCompletions, tokenizer.get(),
                         make_next_gap(o), salt};
  // With workers, each worker builds its own shard (a workload here would only cost time).
  const std::unique_ptr<workloads::Workload> workload = o.workers > 1 ? nullptr : w.make(ctx);

  load::RunnerOptions ro;
  ro.base_url = *url;
  ro.model = o.model;
  ro.client.verify_tls = !o.insecure;
  const auto request_timeout = std::chrono::milliseconds(static_cast<long long>(o.request_timeout_s * 1000));
  ro.client.first_byte_timeout = request_timeout;
  ro.client.idle_timeout = request_timeout;
  ro.client.total_timeout = std::chrono::milliseconds(static_cast<long long>(o.request_deadline_s * 1000));
  ro.client.bearer_token = bearer;
  if (o.duration_s > 0) ro.time_limit = core::from_seconds(o.duration_s);
  ro.drain_timeout = core::from_seconds(o.drain_timeout_s);
  ro.tokenizer = tokenizer.get();
  ro.include_usage = !o.no_usage;
  ro.max_concurrency = o.max_concurrency;
  const bool tty = isatty(fileno(stderr)) != 0;
  const double progress_s = o.progress_s > 0 ? o.progress_s : (tty ? 1.0 : 10.0);
  ro.progress_interval = std::chrono::milliseconds(static_cast<long long>(progress_s * 1000));
  ro.on_progress = [tty](const load::Progress& p) {
    const std::string line = load::format_progress(p);
    if (tty) {
      fmt::print(stderr, "\r\033[K{}{}", line, p.final ? "\n" : "");
    } else {
      fmt::print(stderr, "{}\n", line);
    }
    std::fflush(stderr);
  };

  fmt::print(stderr, "lmbench bench {}: {} model {} {}{}\n", name, url->origin(), o.model,
             w.uses_qps ? fmt::format("at {} req/s ({})", o.qps, o.arrival) : std::string("at the workload's own rate"),
             o.duration_s > 0 ? fmt::format(" for {} s", o.duration_s) : "");
  if (scale.scale != 1.0) {
    fmt::print(stderr,
               "lmbench bench {}: time scale {} ({}): every latency, rate and duration here is in the server's modelled "
               "time, {} times the wall clock\n",
               name, scale.scale, scale.source, scale.scale);
  }
  core::install_interrupt_handlers();
  core::SteadyClock steady;
  const core::ScaledClock clock(steady, scale.scale);
  // A simulator's own lateness over the run (its /metrics; none behind a router), for validity.
  const suite::EmissionLagWindow engine_lag(scale.simulator ? std::vector<std::string>{url->origin()} : std::vector<std::string>{},
                                            steady);
  load::RunResult run;
  std::optional<fleet::FleetRun> fleet_run;
  if (o.workers > 1) {
    fmt::print(stderr, "lmbench bench {}: sending from {} worker processes\n", name, o.workers);
    fleet::Job job;
    job.workload = w.job(ctx);
    job.api = o.api;
    job.model = o.model;
    job.seed = o.seed;
    job.salt = salt;
    if (o.duration_s > 0) job.duration_s = job.time_limit_s = o.duration_s;
    job.tokenizer = o.tokenizer.empty() ? "" : fs::absolute(o.tokenizer).string();
    job.base_url = o.base_url;
    job.drain_timeout_s = o.drain_timeout_s;
    job.first_byte_timeout_s = job.idle_timeout_s = o.request_timeout_s;
    job.total_timeout_s = o.request_deadline_s;
    job.verify_tls = !o.insecure;
    job.include_usage = !o.no_usage;
    job.time_scale = scale.scale;
    fleet::FleetOptions fo;
    fo.workers = o.workers;
    fo.executable = core::executable_path();
    fo.api_key = bearer;
    fleet_run = fleet::run_fleet_local(job, fo);
    run = std::move(fleet_run->run);
    if (!fleet_run->partial.empty()) fmt::print(stderr, "lmbench bench {}: {}\n", name, fleet_run->partial);
  } else {
    http::EventLoop loop;
    load::Runner runner(loop, clock, ro);
    run = runner.run(*workload);
  }
  const auto engine_lag_ms = engine_lag.p99_ms();
  const bool interrupted = run.reason == load::StopReason::kInterrupted;

  metrics::SummaryOptions so;
  so.window_start = run.start;
  so.window_end = run.end;
  so.slo = slo;
  const metrics::Summary summary = metrics::summarize(run.records, so);
  const std::size_t unsuccessful = summary.failed_requests + summary.cancelled_requests;
  // A shard lost with its worker makes the run partial even when every record it has is ok.
  const bool shard_lost = fleet_run && !fleet_run->partial.empty();
  const std::string status = interrupted                           ? "interrupted"
                             : summary.successful_requests == 0    ? "failed"
                             : unsuccessful > 0 || shard_lost      ? "partial"
                                                                   : "ok";
  fmt::print("\nlmbench bench {} ({}): {}: {}\n", name, load::to_string(run.reason), o.base_url, status);
  if (unsuccessful > 0) {
    fmt::print("{} of {} requests failed; most frequent ({} times): {}\n", unsuccessful, summary.total_requests,
               summary.top_error_count, summary.top_error);
  }
  fmt::print("{}", load::format_summary_table(summary));
  if (fleet_run) fmt::print("{}", fleet::format_workers(*fleet_run));
  const auto validity =
      metrics::judge_validity(run.records, summary, load::client_health(run, scale.scale, engine_lag_ms), thresholds);
  fmt::print("validity: {}\n", metrics::verdict_name(validity.verdict));
  for (const auto& reason : validity.reasons()) fmt::print("  {}\n", reason);

  if (!o.csv.empty()) {
    metrics::write_csv(o.csv, run.records);
    fmt::print("wrote {}\n", o.csv);
  }
  if (!o.json.empty()) {
    const auto wall = std::chrono::system_clock::now();
    metrics::RunFile rf;
    rf.name = "bench";
    rf.session_id = core::make_session_id(wall, core::random_u32());
    rf.timestamp = core::artifact_timestamp(wall);
    rf.key = "bench";
    rf.results = metrics::results_json(summary);
    rf.infra["Location"] = "NoBench";
    rf.serving["baseline_type"] = "Endpoint";
    rf.serving["config"] = {{"base_url", o.base_url}, {"model", o.model}, {"apiType", o.api}};
    rf.workload = w.keys(ctx);
    rf.extra["status"] = status;
    if (interrupted) rf.extra["interrupted"] = true;
    rf.extra["prompt_salt"] = salt;
    rf.extra["time_scale"] = {{"scale", scale.scale}, {"source", scale.source}};
    rf.extra["validity"] = metrics::validity_json(validity);
    if (fleet_run) rf.extra["workers"] = fleet::workers_json(*fleet_run);
    metrics::write_run_file(o.json, rf);
    fmt::print("wrote {}\n", o.json);
  }
  if (interrupted) return 130;
  if (summary.successful_requests == 0 || shard_lost) return 1;
  if (o.strict && validity.verdict == metrics::Verdict::kInvalid) return 1;
  const double failure_rate = static_cast<double>(unsuccessful) / static_cast<double>(summary.total_requests);
  return failure_rate > o.max_failure_rate ? 1 : 0;
}

}  // namespace

Command add_bench(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Run one workload against an OpenAI-compatible URL, without a suite");
  bench->require_subcommand(1);
  auto common = std::make_shared<CommonOptions>();
  struct Entry {
    CLI::App* sub;
    std::string name;
    BenchWorkload workload;
  };
  auto entries = std::make_shared<std::vector<Entry>>();
  auto add = [&](const char* name, const char* description, BenchWorkload (*add_workload)(CLI::App*)) {
    CLI::App* sub = bench->add_subcommand(name, description);
    add_common_options(sub, *common);
    entries->push_back(Entry{sub, name, add_workload(sub)});
  };
  add("random", "independent requests of random words, no shared prefix (Random)", add_random);
  // The other six take their keys as in a spec (--config FILE, --set KEY=VALUE).
  const std::vector<std::array<const char*, 3>> from_spec = {
      {"synthetic", "LMCacheSynthetic", "multi-round chat QA with a shared system prompt (LMCacheSynthetic)"},
      {"strict_synthetic", "StrictSynthetic", "users sending on a fixed period (StrictSynthetic)"},
      {"agentic", "Agentic", "conversations cycling through agents (Agentic)"},
      {"sharegpt", "ShareGPT", "replayed ShareGPT conversations (ShareGPT)"},
      {"trace_replayer", "TraceReplayer", "a JSONL request trace (TraceReplayer)"},
      {"vllm", "VLLMBenchmark", "vLLM benchmark_serving datasets and arrivals (VLLMBenchmark)"}};
  for (const auto& [name, type, description] : from_spec) {
    CLI::App* sub = bench->add_subcommand(name, description);
    sub->alias(type);
    add_common_options(sub, *common);
    entries->push_back(Entry{sub, name, add_from_spec(sub, type, name)});
  }

  bench->footer(
      "Open loop: every request is sent at its scheduled time whether or not earlier ones finished; a late send\n"
      "is recorded as scheduling lag. Exit code 1 when no request succeeded or more than --max-failure-rate of\n"
      "them failed, 130 after Ctrl-C.");
  return {bench, [common, entries] {
            for (const auto& e : *entries) {
              if (!e.sub->parsed()) continue;
              if (!e.workload.uses_qps) {
                // These set the rate of `bench random` only; the others have their own rate keys.
                for (const char* flag : {"--qps", "--arrival", "--burstiness"}) {
                  if (e.sub->count(flag) > 0) {
                    throw core::ConfigError(fmt::format(
                        "bench {}: {} does not apply: this workload's rate is its own spec key (QPS, "
                        "TIME_BETWEEN_REQUESTS_PER_USER, NEW_USER_INTERVALS or REQUEST_RATES; VLLMBenchmark's arrivals "
                        "by BURSTINESS): set it with --set, e.g. --set 'QPS=[2]', and pick a value with --rate-index",
                        e.name, flag));
                  }
                }
              }
              return run_bench(e.name, *common, e.workload);
            }
            return 2;
          }};
}

}  // namespace lmbench::cli
