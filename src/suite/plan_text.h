#pragma once
// The human-readable plan that `lmbench validate` prints (and `run` may print before starting).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/map_reader.h"
#include "suite/plan.h"

namespace lmbench::suite {

struct PlanTextOptions {
  std::string source;                  // the file validated, shown in the heading
  bool has_infrastructure = true;      // false for a spec validated on its own
  std::filesystem::path results_root = "results";
  std::string example_timestamp;       // YYYYMMDD-HHMM used in the example file name
  bool hf_token_set = false;           // only whether it is set: a token is never printed
  // Which environment variables are set, for Endpoint apiKeyEnv (name -> set?). Values never
  // reach this module.
  std::vector<std::string> set_env_names;
};

// The plan: per spec its Name, each baseline's KEY and type, each workload config with its QPS
// values, the run count and the artifact file-name pattern with an example.
std::string plan_text(const Plan& plan, const PlanTextOptions& options);

// Findings that do not stop a run but will fail or change part of it: each spec's warnings
// (missing data files, ignored keys), baselines the Location cannot run, baselines that need
// HF_TOKEN while it is unset, Endpoint keys whose variable is unset.
std::vector<config::Warning> plan_warnings(const Plan& plan, const PlanTextOptions& options);

}  // namespace lmbench::suite
