#include "suite/baseline_factory.h"

#include <fmt/format.h>

#include "deploy/endpoint.h"
#include "deploy/helm.h"
#include "deploy/kubernetes.h"
#include "deploy/script.h"
#include "deploy/simulated.h"

namespace lmbench::suite {

namespace {

std::optional<deploy::Secret> token_of(const config::Baseline& b) {
  if (b.hf_token && !b.hf_token->empty()) return deploy::Secret(*b.hf_token);
  return std::nullopt;
}

std::unique_ptr<deploy::Baseline> simulated(const config::SimulatedEngine& e, const std::string& model,
                                            const DeployContext& ctx, const core::Clock& clock) {
  deploy::SimulatedOptions o;
  o.lmbench = ctx.lmbench_exe;
  o.model = model;
  o.engines = e.engines;
  o.profile = e.profile;
  // A profile given as a relative file path is relative to the project folder.
  if (e.profile.find('/') != std::string::npos || e.profile.ends_with(".yaml")) {
    const std::filesystem::path p(e.profile);
    o.profile = (p.is_relative() ? ctx.project_root / p : p).string();
  }
  o.enable_prefix_caching = e.enable_prefix_caching;
  o.max_model_len = e.max_model_len;
  o.lmcache = e.lmcache;
  if (e.lmcache) o.cpu_offloading_buffer_gb = e.cpu_offloading_buffer_gb;
  // One engine needs no router unless the values file asks for a routing logic explicitly other
  // than the default; several engines always get one.
  o.routing_logic = e.engines > 1 ? e.routing_logic : "";
  o.session_key = e.session_key;
  o.time_scale = ctx.time_scale.value_or(e.time_scale);
  o.seed = ctx.seed;
  o.tokenizer = ctx.tokenizer;
  o.log_dir = ctx.log_dir;
  return std::make_unique<deploy::SimulatedBaseline>(std::move(o), clock);
}

deploy::KubeTarget kube_target(const DeployContext& ctx) {
  deploy::KubeTarget t;
  t.kubectl = ctx.kubectl;
  t.context = ctx.kube_context;
  t.namespace_name = ctx.kube_namespace;
  return t;
}

std::unique_ptr<deploy::Baseline> script(const std::filesystem::path& path, std::vector<std::string> args,
                                         std::vector<std::pair<std::string, std::string>> env,
                                         const config::Baseline& b, const DeployContext& ctx,
                                         const core::Clock& clock) {
  deploy::ScriptOptions o;
  // Absolute: the script runs in its own folder, and a relative project root would not resolve.
  o.script = std::filesystem::absolute(path);
  o.args = std::move(args);
  o.model = b.model_url;
  o.port = ctx.local_port;
  o.hf_token = token_of(b);
  o.env = std::move(env);
  if (!ctx.log_dir.empty()) o.log_file = ctx.log_dir / (path.stem().string() + ".log");
  return std::make_unique<deploy::ScriptBaseline>(std::move(o), clock);
}

[[noreturn]] void cannot(const config::Baseline& b, config::Location location, const std::string& why) {
  throw core::ConfigError(b.where, fmt::format("Serving.{}: cannot run under Location {}: {}", b.type,
                                               config::location_name(location), why));
}

}  // namespace

std::unique_ptr<deploy::Baseline> make_baseline(const config::Baseline& b, config::Location location,
                                                const DeployContext& ctx, const core::Clock& clock) {
  using config::Location;
  if (const auto* s = std::get_if<config::Simulated>(&b.kind)) return simulated(s->engine, b.model_url, ctx, clock);
  if (const auto* e = std::get_if<config::Endpoint>(&b.kind)) {
    return std::make_unique<deploy::EndpointBaseline>(
        deploy::EndpointOptions{.base_url = e->base_url, .model = b.model_url, .api_key_env = e->api_key_env});
  }
  if (location == Location::kSimulated) {
    if (const auto* h = std::get_if<config::HelmProductionStack>(&b.kind)) {
      if (!h->values) {
        cannot(b, location, fmt::format("its values file {} is missing, so there is nothing to simulate from",
                                        h->values_path.string()));
      }
      return simulated(h->values->engine, b.model_url, ctx, clock);
    }
    cannot(b, location,
           "only Simulated, Endpoint and Helm-ProductionStack baselines (from their values file) can be simulated");
  }
  if (location == Location::kNoBench) cannot(b, location, "NoBench only validates");

  if (const auto* h = std::get_if<config::HelmProductionStack>(&b.kind)) {
    auto o = deploy::production_stack_helm_options(h->values_path);
    o.helm = ctx.helm;
    o.model = b.model_url;
    o.target = kube_target(ctx);
    o.hf_token = token_of(b);
    o.local_port = ctx.local_port;
    if (ctx.helm_timeout) o.install_timeout = *ctx.helm_timeout;
    return std::make_unique<deploy::HelmBaseline>(std::move(o), clock);
  }
  if (const auto* l = std::get_if<config::LLMD>(&b.kind)) {
    auto o = deploy::llmd_helm_options(l->config_path);
    o.helm = ctx.helm;
    o.model = b.model_url;
    o.target = kube_target(ctx);
    o.hf_token = token_of(b);
    o.local_port = ctx.local_port;
    if (!l->gateway_service.empty()) o.service = l->gateway_service;
    if (ctx.helm_timeout) o.install_timeout = *ctx.helm_timeout;
    return std::make_unique<deploy::HelmBaseline>(std::move(o), clock);
  }
  if (const auto* d = std::get_if<config::DirectProductionStack>(&b.kind)) {
    deploy::KubernetesOptions o;
    o.manifest = d->manifest_path;
    o.model = b.model_url;
    o.target = kube_target(ctx);
    o.hf_token = token_of(b);
    o.local_port = ctx.local_port;
    return std::make_unique<deploy::KubernetesBaseline>(std::move(o), clock);
  }
  if (const auto* s = std::get_if<config::SGLang>(&b.kind)) return script(s->script_path, {}, {}, b, ctx, clock);
  if (const auto* r = std::get_if<config::RayServe>(&b.kind)) {
    // The accelerator type is the script's one argument (the original's contract), and in the
    // environment too for scripts that read it there.
    return script(r->script_path, {r->accelerator_type}, {{"ACCELERATOR_TYPE", r->accelerator_type}}, b, ctx, clock);
  }
  if (const auto* f = std::get_if<config::Flat>(&b.kind)) return script(f->script_path, {}, {}, b, ctx, clock);
  if (const auto* d = std::get_if<config::Dynamo>(&b.kind)) {
    // Dynamo's launch script takes its configuration file as its one argument, absolute: the
    // script runs in its own folder, where a path relative to lmbench's would not resolve.
    const auto launcher = ctx.project_root / "2-serving-engines" / "dynamo" / "run-dynamo.sh";
    return script(launcher, {std::filesystem::absolute(d->config_path).string()}, {}, b, ctx, clock);
  }
  cannot(b, location, "unknown baseline kind");
}

core::Result<std::optional<deploy::ClusterNeeds>> cluster_needs(const config::Baseline& b, config::Location location,
                                                                const std::string& key) {
  using R = core::Result<std::optional<deploy::ClusterNeeds>>;
  if (location == config::Location::kSimulated || location == config::Location::kNoBench) return R(std::nullopt);
  core::Result<deploy::ClusterNeeds> needs = core::Error{"", ""};
  if (const auto* h = std::get_if<config::HelmProductionStack>(&b.kind)) {
    needs = deploy::production_stack_needs(deploy::production_stack_helm_options(h->values_path));
  } else if (const auto* l = std::get_if<config::LLMD>(&b.kind)) {
    needs = deploy::llmd_needs(deploy::llmd_helm_options(l->config_path));
  } else if (const auto* d = std::get_if<config::DirectProductionStack>(&b.kind)) {
    needs = deploy::manifest_needs(d->manifest_path);
  } else {
    return R(std::nullopt);
  }
  if (!needs) return needs.error();
  needs->key = key;
  return R(std::optional<deploy::ClusterNeeds>(std::move(*needs)));
}

deploy::PreflightOptions preflight_options(const DeployContext& ctx) {
  return {.target = kube_target(ctx), .helm = ctx.helm};
}

double baseline_time_scale(const config::Baseline& b, config::Location location, const DeployContext& ctx) {
  if (const auto* s = std::get_if<config::Simulated>(&b.kind)) return ctx.time_scale.value_or(s->engine.time_scale);
  if (location == config::Location::kSimulated) {
    if (const auto* h = std::get_if<config::HelmProductionStack>(&b.kind); h && h->values) {
      return ctx.time_scale.value_or(h->values->engine.time_scale);
    }
  }
  return 1.0;
}

}  // namespace lmbench::suite
