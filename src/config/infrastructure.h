#pragma once
// 1-infrastructure of run-bench.yaml (LMBENCH-FORMAT.md).

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace lmbench::config {

enum class Location {
  kNoBench,        // validate and exit
  kLocalFlat,      // baselines are local processes (scripts) on this machine
  kLocalMinikube,  // the original's local minikube cluster
  kLMCacheGKE,     // the original's GKE cluster; numClusterGPUs, A100_VRAM
  kSimulated,      // new: every baseline runs on the built-in simulator
  kKubernetes,     // new: an existing cluster reached through the current kubectl context
};

std::string_view location_name(Location location);
std::optional<Location> parse_location(std::string_view name);

struct Infrastructure {
  Location location = Location::kSimulated;
  std::optional<int> num_cluster_gpus;  // LMCacheGKE only (required there)
  // A100_VRAM as written (40 or 80). LMCacheGKE: the cluster's GPUs (the original's default, 40,
  // when not written). Simulated: the A100 profile Helm-ProductionStack baselines are simulated
  // on (llama-3.1-8b-a100-40gb / -80gb; not written: the simulator's default, 80 GB).
  std::optional<int> a100_vram_gb;
  core::SourceLocation where;           // the 1-infrastructure map
  nlohmann::ordered_json raw;           // the map as written: "infra" of every result JSON
};

}  // namespace lmbench::config
