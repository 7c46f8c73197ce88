#include "suite/keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/overloaded.h"

namespace lmbench::suite {

using core::Overloaded;

namespace {

// Python's str.replace: every occurrence, as the original's KEY code did.
std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

std::string selection_key(const std::string& selection) {
  return replace_all(replace_all(selection, "/", "_"), ".yaml", "");
}

}  // namespace

std::string base_key(const config::Baseline& baseline) {
  return std::visit(
      Overloaded{
          [](const config::HelmProductionStack& h) { return "helm_" + selection_key(h.helm_config_selection); },
          [](const config::DirectProductionStack& d) { return selection_key(d.kubernetes_config_selection); },
          [](const config::SGLang& s) { return "sglang_" + replace_all(replace_all(s.script_name, ".sh", ""), "-", "_"); },
          [](const config::RayServe& r) {
            std::string accel = r.accelerator_type;
            std::transform(accel.begin(), accel.end(), accel.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            return "rayserve_" + replace_all(replace_all(r.script_name, ".py", ""), "-", "_") + "_" + accel;
          },
          [](const config::Dynamo& d) { return "dynamo_" + selection_key(d.config_selection); },
          [](const config::LLMD& d) { return "llmd_" + selection_key(d.config_selection); },
          [](const config::Flat& f) {
            return "flat_" + replace_all(replace_all(replace_all(f.config_selection, "/", "_"), "-", "_"), ".sh", "");
          },
          [](const config::Endpoint& e) { return e.name.empty() ? std::string("endpoint") : e.name; },
          [](const config::Simulated& s) {
            if (!s.name.empty()) return s.name;
            if (!s.helm_config_selection.empty()) return "sim_" + selection_key(s.helm_config_selection);
            return std::string("sim");
          },
      },
      baseline.kind);
}

std::vector<std::string> assign_keys(const std::vector<config::Baseline>& serving) {
  std::vector<std::string> keys;
  std::set<std::string> taken;
  for (const auto& b : serving) {
    const std::string base = base_key(b);
    std::string key = base;
    for (int n = 2; taken.count(key) != 0; ++n) key = fmt::format("{}_{}", base, n);
    taken.insert(key);
    keys.push_back(key);
  }
  return keys;
}

std::string workload_file_name(const config::WorkloadConfig& workload) {
  return std::visit(
      Overloaded{
          [](const config::LMCacheSynthetic&) { return std::string("synthetic"); },
          [](const config::StrictSynthetic&) { return std::string("strict_synthetic"); },
          [](const config::Agentic&) { return std::string("agentic"); },
          [](const config::Random&) { return std::string("random"); },
          [](const config::ShareGpt&) { return std::string("sharegpt"); },
          [](const config::TraceReplayer&) { return std::string("trace_replayer"); },
          [](const config::VllmBenchmark& v) {
            // As run_vllm_benchmark_serving.sh named it: only hf datasets carry their path.
            if (v.dataset_name == "hf" && !v.dataset_path.empty()) {
              std::string p = v.dataset_path;
              const std::string prefix = "3-workloads/vllm-benchmark-serving/";
              if (p.rfind(prefix, 0) == 0) p = p.substr(prefix.size());
              return "vllm_hf_" + replace_all(p, "/", "_");
            }
            return "vllm_" + v.dataset_name;
          },
      },
      workload.kind);
}

}  // namespace lmbench::suite
