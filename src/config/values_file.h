#pragma once
// vLLM production-stack Helm values files (2-serving-engines/helm-production-stack/
// helm_configurations/): the fields the simulator honours (LMBENCH-FORMAT.md). Every other key of
// the chart is allowed and ignored, since these are real values files for real clusters.

#include <filesystem>
#include <string>

#include "config/baselines.h"

namespace lmbench::config {

// Reads servingEngineSpec.modelSpec[*] (replicaCount summed = engines; the first entry's
// vllmConfig.enablePrefixCaching, vllmConfig.maxModelLen, lmcacheConfig.enabled,
// lmcacheConfig.cpuOffloadingBufferSize) and routerSpec.routingLogic / sessionKey.
// Throws core::ConfigError naming `display`, line and column on a missing or mistyped field.
ProductionStackValues load_production_stack_values(const std::filesystem::path& path, const std::string& display);

// Routing policies lmbench's router implements (a superset of production-stack's).
const std::vector<std::string>& routing_logic_names();

}  // namespace lmbench::config
