#include "suite/plan.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "core/overloaded.h"
#include "suite/keys.h"

namespace lmbench::suite {

using core::Overloaded;

namespace {

std::vector<RatePoint> qps_points(const std::vector<config::Number>& values, const std::string& sweep_key,
                                  const std::string& single_key) {
  std::vector<RatePoint> out;
  for (const auto& v : values) out.push_back({sweep_key, single_key, v, v.value, v.text});
  return out;
}

}  // namespace

std::size_t Plan::run_count(const std::optional<std::string>& only_key) const {
  std::size_t n = 0;
  for (const auto& s : suites) {
    for (const auto& b : s.baselines) {
      if (!only_key || *only_key == b.key) n += b.runs.size();
    }
  }
  return n;
}

std::size_t Plan::search_count(const std::optional<std::string>& only_key) const {
  std::size_t n = 0;
  for (const auto& s : suites) {
    for (const auto& b : s.baselines) {
      if (!only_key || *only_key == b.key) n += b.searches.size();
    }
  }
  return n;
}

std::vector<RatePoint> rate_points(const config::WorkloadConfig& workload) {
  return std::visit(
      Overloaded{
          [](const config::LMCacheSynthetic& w) { return qps_points(w.qps, "QPS", "QPS"); },
          [](const config::Random& w) { return qps_points(w.qps, "QPS", "QPS"); },
          [](const config::ShareGpt& w) { return qps_points(w.qps, "QPS", "QPS"); },
          [](const config::VllmBenchmark& w) { return qps_points(w.request_rates, "REQUEST_RATES", "REQUEST_RATE"); },
          [](const config::StrictSynthetic& w) {
            std::vector<RatePoint> out;
            for (const auto& t : w.time_between_requests_per_user) {
              const double qps = w.num_concurrent_users / t.value;
              out.push_back({"TIME_BETWEEN_REQUESTS_PER_USER", "TIME_BETWEEN_REQUESTS_PER_USER", t, qps,
                             fmt::format("{:.2f}", qps)});
            }
            return out;
          },
          [](const config::Agentic& w) {
            std::vector<RatePoint> out;
            for (const auto& t : w.new_user_intervals) {
              out.push_back({"NEW_USER_INTERVALS", "NEW_USER_INTERVAL", t, std::nullopt, std::nullopt});
            }
            return out;
          },
          [](const config::TraceReplayer& w) {
            if (w.preserve_timing) {
              return std::vector<RatePoint>{{"", "", config::Number{}, std::nullopt, std::string("timed")}};
            }
            return qps_points(w.qps, "QPS", "QPS");
          },
      },
      workload.kind);
}

Plan make_plan(config::Infrastructure infrastructure, std::vector<config::Spec> specs) {
  Plan plan{std::move(infrastructure), std::move(specs), {}};
  // Under Location Simulated, A100_VRAM picks the profile a values file is simulated on: a suite
  // written for a cluster of 40 GB A100s keeps their (smaller) KV cache on the simulator.
  if (plan.infrastructure.location == config::Location::kSimulated && plan.infrastructure.a100_vram_gb) {
    const std::string profile = fmt::format("llama-3.1-8b-a100-{}gb", *plan.infrastructure.a100_vram_gb);
    for (auto& spec : plan.specs) {
      for (auto& b : spec.serving) {
        if (auto* h = std::get_if<config::HelmProductionStack>(&b.kind); h && h->values) h->values->engine.profile = profile;
      }
    }
  }
  // leastloaded is lmbench's own policy: production-stack's router (whose chart refuses it) has none.
  const auto location = plan.infrastructure.location;
  if (location != config::Location::kSimulated && location != config::Location::kNoBench) {
    for (const auto& spec : plan.specs) {
      for (std::size_t i = 0; i < spec.serving.size(); ++i) {
        const auto* h = std::get_if<config::HelmProductionStack>(&spec.serving[i].kind);
        if (h && h->values && h->values->engine.routing_logic == "leastloaded") {
          throw core::ConfigError(spec.serving[i].where,
                                  fmt::format("Serving[{}].Helm-ProductionStack: {} sets routerSpec.routingLogic leastloaded, "
                                              "which only lmbench's simulated router has (production-stack's chart refuses "
                                              "it); it runs under Location: Simulated only",
                                              i, h->values_path.string()));
        }
      }
    }
  }
  for (std::size_t s = 0; s < plan.specs.size(); ++s) {
    const config::Spec& spec = plan.specs[s];
    const std::vector<std::string> keys = assign_keys(spec.serving);
    SuitePlan suite{s, {}};
    for (std::size_t b = 0; b < spec.serving.size(); ++b) {
      BaselinePlan bp{b, keys[b], {}, {}};
      std::set<std::pair<std::string, std::string>> taken;  // (workload name, rate) with a file name
      std::map<std::string, int> configs;                   // workload name -> its configs
      for (const auto& w : spec.workloads) ++configs[workload_file_name(w)];
      for (std::size_t w = 0; w < spec.workloads.size(); ++w) {
        const std::string name = workload_file_name(spec.workloads[w]);
        if (spec.workloads[w].capacity) {
          // A search's probes never share file names or comparison series with another config of
          // the same workload name (searched or swept).
          const std::string label =
              configs[name] > 1 ? fmt::format("{}-{}", name, spec.workloads[w].index) : name;
          bp.searches.push_back({s, b, w, keys[b], name, label});
          continue;
        }
        for (auto& point : rate_points(spec.workloads[w])) {
          const std::string rate = point.qps_label.value_or("") + "|" + point.value.text;
          const bool unique = taken.insert({name, rate}).second;
          const std::string label = unique ? name : fmt::format("{}-{}", name, spec.workloads[w].index);
          bp.runs.push_back({s, b, w, keys[b], name, std::move(point), label});
        }
      }
      suite.baselines.push_back(std::move(bp));
    }
    plan.suites.push_back(std::move(suite));
  }
  return plan;
}

Plan make_plan(config::Suite suite) {
  return make_plan(std::move(suite.run_bench.infrastructure), std::move(suite.specs));
}

void search_every_workload(std::vector<config::Spec>& specs, const config::CapacitySpec& defaults) {
  for (auto& spec : specs) {
    for (auto& w : spec.workloads) {
      if (!w.capacity) {
        w.capacity = defaults;
        w.capacity->where = w.where;
      }
    }
  }
}

std::string measured_qps_label(double measured_qps) {
  const double rounded = std::round(measured_qps * 100.0) / 100.0;
  std::string s = fmt::format("{}", rounded);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

}  // namespace lmbench::suite
