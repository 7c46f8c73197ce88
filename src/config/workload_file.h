#pragma once
// One workload config outside a spec: what `lmbench bench <workload> --config FILE --set KEY=VALUE`
// runs. The file holds the keys of one entry of Workload.<type> in a spec (a map), so a config
// can be copied between the two; --set overrides apply on top, each VALUE read as YAML
// (`QPS=[1,2]`, `NUM_USERS=10`).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/map_reader.h"
#include "config/workloads.h"

namespace lmbench::config {

// `type` is a Workload type as specs name it ("LMCacheSynthetic", ...). `root` is where data
// files are looked up (TRACE_FILE, DATASET_PATH). Throws core::ConfigError naming the file (or
// "--set") on bad input, with the same messages as in a spec.
WorkloadConfig load_workload_config(const std::string& type, const std::optional<std::filesystem::path>& file,
                                    const std::vector<std::string>& overrides, const std::filesystem::path& root,
                                    std::vector<Warning>* warnings);

}  // namespace lmbench::config
