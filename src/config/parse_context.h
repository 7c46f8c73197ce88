#pragma once
// Internal to src/config: what the per-section parsers share while reading one spec file.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/baselines.h"
#include "config/map_reader.h"
#include "config/workloads.h"

namespace lmbench::config {

struct ParseContext {
  YamlFile file;
  std::filesystem::path root;              // project folder: 2-serving-engines/, 3-workloads/ live here
  std::optional<std::string> hf_token;     // HF_TOKEN, for <YOUR_HF_TOKEN>
  std::vector<Warning>* warnings = nullptr;
};

// `node` is Workload.<type> itself or one item of its list; `path` e.g. "Workload.Random[0]".
WorkloadConfig parse_workload(const ParseContext& ctx, const std::string& type, int index, const YAML::Node& node,
                              const std::string& path);

// `item` is one entry of Serving (a map with exactly one key, the baseline type).
Baseline parse_baseline(const ParseContext& ctx, const YAML::Node& item, int index);

}  // namespace lmbench::config
