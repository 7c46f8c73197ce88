#pragma once
// config::Baseline (what the user wrote) -> deploy::Baseline (what runs), under a Location.
// Under Location Simulated, Helm-ProductionStack baselines are simulated from their values
// file, so a suite written for a GPU cluster runs unchanged on a laptop; kinds with nothing to
// simulate from are a clear error. `Simulated` and `Endpoint` baselines run under any Location.

#include <filesystem>
#include <memory>
#include <string>

#include "config/baselines.h"
#include "config/infrastructure.h"
#include "core/clock.h"
#include "core/error.h"
#include "deploy/baseline.h"
#include "deploy/preflight.h"

namespace lmbench::suite {

struct DeployContext {
  std::filesystem::path project_root;   // where 2-serving-engines/ lives
  std::filesystem::path log_dir;        // children's own logs (simulator, router, scripts)
  std::filesystem::path lmbench_exe;    // for the simulator and router children; empty: ourselves
  std::filesystem::path tokenizer;      // passed to the simulator; empty: its default
  std::string kube_context;             // --context for kubectl/helm; "" = current
  std::string kube_namespace;           // --namespace; "" = the context's
  std::string kubectl = "kubectl";      // program names or paths (tests put stand-ins here)
  std::string helm = "helm";
  int local_port = 30080;               // where port-forwards and scripts listen (the original's)
  std::optional<double> time_scale;     // overrides every simulated baseline's timeScale
  std::optional<core::Duration> helm_timeout;  // helm --wait --timeout per release (default 20 min)
  std::uint64_t seed = 0;
};

// Throws core::ConfigError (with the baseline's file and line) when this baseline cannot run
// under `location` (e.g. an SGLang script under Location Simulated).
std::unique_ptr<deploy::Baseline> make_baseline(const config::Baseline& baseline, config::Location location,
                                                const DeployContext& context, const core::Clock& clock);

// What a cluster baseline (Helm-ProductionStack, Direct-ProductionStack, LLM-D outside Location
// Simulated) needs from the cluster, for the preflight; nullopt for every other kind. Errors: its
// values file or manifest cannot be read.
core::Result<std::optional<deploy::ClusterNeeds>> cluster_needs(const config::Baseline& baseline, config::Location location,
                                                                const std::string& key);
// The preflight's view of the deploy context (kubectl, helm, context, namespace).
deploy::PreflightOptions preflight_options(const DeployContext& context);

// How many times faster than real time `baseline` runs: its simulator's timeScale (as
// make_baseline would start it), 1 for anything real. The load engine measures such a baseline
// on a core::ScaledClock of this factor, so results are in the modelled hardware's time.
double baseline_time_scale(const config::Baseline& baseline, config::Location location, const DeployContext& context);

}  // namespace lmbench::suite
