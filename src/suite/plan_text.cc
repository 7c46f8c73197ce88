#include "suite/plan_text.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/overloaded.h"
#include "metrics/slo.h"
#include "suite/artifacts.h"
#include "suite/capacity.h"
#include "suite/keys.h"
#include "workloads/bounds.h"

namespace lmbench::suite {

using core::Overloaded;

namespace {

bool env_set(const PlanTextOptions& o, const std::string& name) {
  return std::find(o.set_env_names.begin(), o.set_env_names.end(), name) != o.set_env_names.end();
}

std::string engine_text(const config::SimulatedEngine& e) {
  std::string s = fmt::format("{} engine{}", e.engines, e.engines == 1 ? "" : "s");
  if (e.engines > 1) {
    s += ", routing " + e.routing_logic;
    if (e.routing_logic == "session") s += " on " + e.session_key;
  }
  s += e.enable_prefix_caching ? ", prefix caching" : ", no prefix caching";
  s += e.lmcache ? fmt::format(", LMCache {} GB CPU", e.cpu_offloading_buffer_gb) : ", no LMCache";
  s += fmt::format(", maxModelLen {}", e.max_model_len);
  return s;
}

std::string baseline_details(const config::Baseline& b, const PlanTextOptions& o, bool simulated) {
  std::string details = std::visit(
      Overloaded{
          [simulated](const config::HelmProductionStack& h) {
            std::string s = "values " + h.values_path.string();
            if (h.values) {
              s += " (" + engine_text(h.values->engine) +
                   (simulated ? ", simulated on profile " + h.values->engine.profile : std::string()) + ")";
            }
            return s;
          },
          [](const config::DirectProductionStack& d) { return "manifest " + d.manifest_path.string(); },
          [](const config::SGLang& s) { return "script " + s.script_path.string(); },
          [](const config::RayServe& r) { return "script " + r.script_path.string() + ", accelerator " + r.accelerator_type; },
          [](const config::Dynamo& d) { return "config " + d.config_path.string(); },
          [](const config::LLMD& d) { return "config " + d.config_path.string(); },
          [](const config::Flat& f) { return "script " + f.script_path.string(); },
          [&o](const config::Endpoint& e) {
            std::string s = "baseURL " + e.base_url;
            if (!e.api_key_env.empty()) {
              s += fmt::format(", apiKeyEnv {} {}", e.api_key_env, env_set(o, e.api_key_env) ? "<set>" : "<missing>");
            }
            return s;
          },
          [](const config::Simulated& s) {
            std::string t = s.helm_config_selection.empty() ? "" : "values " + s.helm_config_selection + ": ";
            return t + engine_text(s.engine) + fmt::format(", profile {}, timeScale {}", s.engine.profile, s.engine.time_scale);
          },
      },
      b.kind);
  details = fmt::format("model {}, api {}; {}", b.model_url, config::api_type_name(b.api_type), details);
  if (b.hf_token_key_present) details += b.hf_token ? "; hf_token <set>" : "; hf_token <missing>";
  return details;
}

std::string scalar_text(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string workload_line(const config::WorkloadConfig& w, const std::vector<RatePoint>& points,
                          const std::string& file_name) {
  const std::string sweep_key = w.capacity ? capacity_rate_key(w) : points.empty() ? "" : points.front().sweep_key;
  std::string keys;
  if (w.raw.is_object()) {
    for (const auto& [k, v] : w.raw.items()) {
      if (k == sweep_key || k == "CAPACITY") continue;
      keys += fmt::format(" {}={}", k, scalar_text(v));
    }
  }
  std::string sweep;
  if (w.capacity) {
    const auto& c = *w.capacity;
    std::string slo = metrics::to_string(capacity_slo(c));
    if (c.ttft_p99_ms) slo += fmt::format("{}ttft_p99_ms={}", slo.empty() ? "" : ",", *c.ttft_p99_ms);
    if (c.tpot_p99_ms) slo += fmt::format("{}tpot_p99_ms={}", slo.empty() ? "" : ",", *c.tpot_p99_ms);
    sweep = fmt::format("capacity search of {} in {}..{} {} (goodput >= {}% at {}, precision {}%)", sweep_key,
                        c.min_qps, c.max_qps, capacity_unit(w), c.goodput * 100, slo, c.precision * 100);
  } else if (sweep_key.empty()) {
    sweep = "timed replay (one run)";
  } else {
    std::string values;
    for (const auto& p : points) values += (values.empty() ? "" : ", ") + p.value.text;
    sweep = fmt::format("{}: {}", sweep_key, values);
    if (sweep_key == "TIME_BETWEEN_REQUESTS_PER_USER") {
      std::string qps;
      for (const auto& p : points) qps += (qps.empty() ? "" : ", ") + *p.qps_label;
      sweep += " (QPS " + qps + ")";
    } else if (sweep_key == "NEW_USER_INTERVALS") {
      sweep += " (QPS measured)";
    }
  }
  const std::string index = w.path.rfind("Workload.", 0) == 0 ? w.path.substr(9) : w.path;
  return fmt::format("{} ({}): {};{}", index, file_name, sweep, keys);
}

}  // namespace

std::string plan_text(const Plan& plan, const PlanTextOptions& o) {
  std::string out = o.source + "\n";
  if (o.has_infrastructure) {
    out += fmt::format("  Location: {}", config::location_name(plan.infrastructure.location));
    if (plan.infrastructure.num_cluster_gpus) {
      out += fmt::format(" (numClusterGPUs {}, A100_VRAM {})", *plan.infrastructure.num_cluster_gpus,
                         plan.infrastructure.a100_vram_gb.value_or(40));
    }
    if (plan.infrastructure.location == config::Location::kSimulated && plan.infrastructure.a100_vram_gb) {
      out += fmt::format(" (A100_VRAM {}: Helm-ProductionStack baselines on the llama-3.1-8b-a100-{}gb profile)",
                         *plan.infrastructure.a100_vram_gb, *plan.infrastructure.a100_vram_gb);
    }
    if (plan.infrastructure.location == config::Location::kNoBench) out += "  (`run` validates and exits)";
    out += "\n";
  }
  out += fmt::format("  hf_token: {}\n", o.hf_token_set ? "<set>" : "<missing>");
  for (const auto& suite : plan.suites) {
    const config::Spec& spec = plan.specs.at(suite.spec);
    out += fmt::format("  spec {}\n    Name: {}\n", spec.display, spec.name);
    out += fmt::format("    Baselines ({}):\n", suite.baselines.size());
    std::size_t key_width = 0, type_width = 0;
    for (const auto& b : suite.baselines) {
      key_width = std::max(key_width, b.key.size());
      type_width = std::max(type_width, spec.serving.at(b.index).type.size());
    }
    for (const auto& b : suite.baselines) {
      const config::Baseline& baseline = spec.serving.at(b.index);
      out += fmt::format("      {:<{}}  {:<{}}  {}\n", b.key, key_width, baseline.type, type_width,
                         baseline_details(baseline, o, plan.infrastructure.location == config::Location::kSimulated));
    }
    out += fmt::format("    Workloads ({}):\n", spec.workloads.size());
    std::size_t per_baseline = 0;
    for (std::size_t wi = 0; wi < spec.workloads.size(); ++wi) {
      const auto& w = spec.workloads[wi];
      const auto points = rate_points(w);
      if (!w.capacity) per_baseline += points.size();
      out += "      " + workload_line(w, points, workload_file_name(w)) + "\n";
      // Runs whose plain name another config already has: their own names (see PlannedRun::label).
      if (suite.baselines.empty()) continue;
      for (const auto& r : suite.baselines.front().runs) {
        if (r.workload != wi || r.label == r.workload_name) continue;
        out += fmt::format("        {} {} is also in an earlier {} config: its files are {{KEY}}_{}_{}_...\n",
                           r.rate.sweep_key.empty() ? "the timed replay" : r.rate.sweep_key, r.rate.value.text, w.type,
                           r.label, r.rate.qps_label.value_or("{QPS}"));
      }
    }
    out += fmt::format("    Runs: {} ({} baseline{} x {} workload run{})\n", per_baseline * suite.baselines.size(),
                       suite.baselines.size(), suite.baselines.size() == 1 ? "" : "s", per_baseline,
                       per_baseline == 1 ? "" : "s");
    if (const std::size_t searches = suite.baselines.empty() ? 0 : suite.baselines.front().searches.size()) {
      out += fmt::format("    Capacity searches: {} ({} per baseline; each probe is a run, written as the runs are, "
                         "and the search to {{WORKLOAD}}_capacity.json)\n",
                         searches * suite.baselines.size(), searches);
    }
    // The example names the first run whose QPS part is known before running (Agentic's is measured).
    std::string example = "(QPS measured at run time)";
    for (const auto& r : suite.baselines.front().runs) {
      if (!r.rate.qps_label) continue;
      example = artifact_stem(r.key, r.label, *r.rate.qps_label, o.example_timestamp) + ".json";
      break;
    }
    // Without runs, a search's first probe (at min_qps) when its QPS part is known.
    if (suite.baselines.front().runs.empty() && !suite.baselines.front().searches.empty()) {
      const auto& search = suite.baselines.front().searches.front();
      const auto& w = spec.workloads.at(search.workload);
      const auto first = probe_point(w, w.capacity->min_qps);
      if (first.rate.qps_label) {
        example = artifact_stem(search.key, search.label, *first.rate.qps_label, o.example_timestamp) + ".json";
      }
    }
    out += fmt::format("    Artifacts: {}/{{KEY}}_{{WORKLOAD}}_{{QPS}}_{{YYYYMMDD-HHMM}}.json (+ .csv), e.g. {}\n",
                       (o.results_root / spec.name).string(), example);
  }
  return out;
}

namespace {

// The context length a baseline is known to have: the simulator's, or a production-stack values
// file's vllmConfig.maxModelLen. nullopt for everything else (the served model decides).
std::optional<int> context_length(const config::Baseline& b) {
  if (const auto* s = std::get_if<config::Simulated>(&b.kind)) return s->engine.max_model_len;
  if (const auto* h = std::get_if<config::HelmProductionStack>(&b.kind); h && h->values) {
    return h->values->engine.max_model_len;
  }
  return std::nullopt;
}

// A workload whose requests can be longer than a baseline's context: those requests will fail.
void context_length_warnings(const config::Spec& spec, std::vector<config::Warning>& out) {
  const std::vector<std::string> keys = assign_keys(spec.serving);
  for (const auto& w : spec.workloads) {
    std::optional<workloads::RequestBound> bound;
    bool computed = false;
    for (std::size_t i = 0; i < spec.serving.size(); ++i) {
      const auto limit = context_length(spec.serving[i]);
      if (!limit) continue;
      if (!computed) {
        bound = workloads::longest_request(w, *limit);
        computed = true;
      }
      if (!bound || bound->tokens <= *limit) continue;
      std::string msg = fmt::format("{}: requests can reach {} tokens (prompt + max_tokens, {}), above baseline {}'s "
                                    "context length of {}",
                                    w.path, bound->tokens, bound->where, keys[i], *limit);
      if (bound->total > 0) {
        msg += fmt::format(": {} of {} trace lines exceed it and will fail with HTTP 400", bound->exceeding, bound->total);
      } else {
        msg += ": those requests will fail with HTTP 400 (raise maxModelLen or shorten the workload)";
      }
      out.push_back({w.where, msg});
    }
  }
}

}  // namespace

std::vector<config::Warning> plan_warnings(const Plan& plan, const PlanTextOptions& o) {
  std::vector<config::Warning> out;
  for (const auto& spec : plan.specs) {
    out.insert(out.end(), spec.warnings.begin(), spec.warnings.end());
    for (std::size_t i = 0; i < spec.serving.size(); ++i) {
      const config::Baseline& b = spec.serving[i];
      const std::string path = fmt::format("Serving[{}].{}", i, b.type);
      if (o.has_infrastructure && plan.infrastructure.location == config::Location::kSimulated &&
          !std::holds_alternative<config::Simulated>(b.kind) && !std::holds_alternative<config::Endpoint>(b.kind) &&
          !std::holds_alternative<config::HelmProductionStack>(b.kind)) {
        out.push_back({b.where, path + ": Location Simulated runs Simulated, Endpoint and Helm-ProductionStack "
                                       "(simulated from its values file) baselines; `run` will fail this one"});
      }
      if (o.has_infrastructure && config::needs_hf_token(b, plan.infrastructure.location) && !b.hf_token) {
        out.push_back({b.where, path + ": needs a Hugging Face token and HF_TOKEN is not set; `run` will fail this baseline"});
      }
      if (const auto* e = std::get_if<config::Endpoint>(&b.kind); e && !e->api_key_env.empty() && !env_set(o, e->api_key_env)) {
        out.push_back({b.where, fmt::format("{}: apiKeyEnv names {}, which is not set", path, e->api_key_env)});
      }
    }
    context_length_warnings(spec, out);
    // Two baselines with one KEY would share file names: the later ones are renamed, said aloud.
    const std::vector<std::string> keys = assign_keys(spec.serving);
    for (std::size_t i = 0; i < spec.serving.size(); ++i) {
      const std::string base = base_key(spec.serving[i]);
      if (keys[i] == base) continue;
      out.push_back({spec.serving[i].where,
                     fmt::format("Serving[{}].{}: an earlier baseline has the KEY {}; this one's results are named {}",
                                 i, spec.serving[i].type, base, keys[i])});
    }
  }
  return out;
}

}  // namespace lmbench::suite
