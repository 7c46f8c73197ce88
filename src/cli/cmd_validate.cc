// lmbench validate FILE...: checks run-bench files and spec files and prints the suite plan.
// Exit 0 when every file is valid (warnings go to stderr), 1 with the one-line error otherwise.

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/command.h"
#include "config/run_bench.h"
#include "config/spec.h"
#include "core/error.h"
#include "core/clock.h"
#include "core/ids.h"
#include "sim/profile.h"
#include "suite/orchestrator.h"
#include "suite/plan.h"
#include "suite/plan_text.h"

namespace lmbench::cli {

namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  std::string results = "results";
  bool cluster = false;  // also run the cluster preflight of every cluster baseline
  std::string kube_context, kube_namespace, kubectl = "kubectl", helm = "helm";
};

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

// Names of the Endpoint apiKeyEnv variables that are set; their values stay in the environment.
std::vector<std::string> set_key_envs(const suite::Plan& plan) {
  std::vector<std::string> names;
  for (const auto& spec : plan.specs) {
    for (const auto& b : spec.serving) {
      if (const auto* e = std::get_if<config::Endpoint>(&b.kind); e && !e->api_key_env.empty() && env(e->api_key_env.c_str())) {
        names.push_back(e->api_key_env);
      }
    }
  }
  return names;
}

// Simulated baselines name a simulator profile; an unknown one is a configuration error here
// rather than a failed deployment later.
void check_profiles(const suite::Plan& plan) {
  for (const auto& spec : plan.specs) {
    for (std::size_t i = 0; i < spec.serving.size(); ++i) {
      const auto* s = std::get_if<config::Simulated>(&spec.serving[i].kind);
      if (!s) continue;
      try {
        sim::resolve_profile(s->engine.profile);
      } catch (const std::exception& e) {
        throw core::ConfigError(spec.serving[i].where, fmt::format("Serving[{}].Simulated.profile: {}", i, e.what()));
      }
    }
  }
}

int validate(const ValidateOptions& o) {
  const std::optional<std::string> hf_token = env("HF_TOKEN");
  std::size_t runs = 0;
  std::size_t warnings = 0;
  bool preflight_failed = false;
  for (const auto& file : o.files) {
    suite::PlanTextOptions text;
    text.source = file;
    text.results_root = o.results;
    text.example_timestamp = core::artifact_timestamp(std::chrono::system_clock::now());
    text.hf_token_set = hf_token.has_value();
    suite::Plan plan;
    if (config::detect_file_kind(file) == config::FileKind::kRunBench) {
      plan = suite::make_plan(config::load_suite(file, hf_token));
    } else {
      text.has_infrastructure = false;
      const config::LoadOptions load{config::project_root_for_spec(file), hf_token};
      std::vector<config::Spec> specs;
      specs.push_back(config::load_spec(file, file, load));
      plan = suite::make_plan(config::Infrastructure{}, std::move(specs));
    }
    check_profiles(plan);
    text.set_env_names = set_key_envs(plan);
    fmt::print("{}", suite::plan_text(plan, text));
    for (const auto& w : suite::plan_warnings(plan, text)) {
      fmt::print(stderr, "lmbench: warning: {}\n", config::format_warning(w));
      ++warnings;
    }
    runs += plan.run_count();
    if (o.cluster) {
      suite::DeployContext ctx;
      ctx.kube_context = o.kube_context;
      ctx.kube_namespace = o.kube_namespace;
      ctx.kubectl = o.kubectl;
      ctx.helm = o.helm;
      const core::SteadyClock clock;
      const auto checks = suite::cluster_preflight(plan, std::nullopt, ctx, clock);
      if (checks.empty()) {
        fmt::print("{}: no cluster baseline (Location {}): nothing to check on a cluster\n", file,
                   config::location_name(plan.infrastructure.location));
      } else {
        fmt::print("{}", deploy::format_preflight(checks, suite::preflight_options(ctx)));
        if (!deploy::preflight_passed(checks)) preflight_failed = true;
      }
    }
  }
  fmt::print("valid: {} file{}, {} run{}, {} warning{}\n", o.files.size(), o.files.size() == 1 ? "" : "s", runs,
             runs == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  std::fflush(stdout);
  return preflight_failed ? 1 : 0;
}

}  // namespace

Command add_validate(CLI::App& app) {
  auto* sub = app.add_subcommand("validate", "Check run-bench.yaml and spec files and print the suite plan");
  auto opts = std::make_shared<ValidateOptions>();
  sub->add_option("files", opts->files, "run-bench files and/or spec files")->required();
  sub->add_option("--results", opts->results, "results folder shown in the artifact pattern")->capture_default_str();
  sub->add_flag("--cluster", opts->cluster,
                "Also check the cluster the cluster baselines would deploy on (context, namespace, GPU nodes, "
                "StorageClass, CRDs, charts, leftover releases); exit 1 when a check fails");
  sub->add_option("--context", opts->kube_context, "Kubernetes context for --cluster (default: the current one)");
  sub->add_option("--namespace", opts->kube_namespace, "Kubernetes namespace for --cluster");
  sub->add_option("--kubectl", opts->kubectl, "kubectl program (default: kubectl on PATH)");
  sub->add_option("--helm", opts->helm, "helm program (default: helm on PATH)");
  sub->footer(
      "A run-bench file lists spec files under 0-bench-specs/ (relative to its own folder) and sets 1-infrastructure.\n"
      "A spec file given alone is checked with its project folder (the parent of 0-bench-specs/).\n"
      "Tokens are never printed: hf_token shows as <set> or <missing>. Missing data or config files are warnings.");
  return {sub, [opts] { return validate(*opts); }};
}

}  // namespace lmbench::cli
