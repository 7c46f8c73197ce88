#pragma once
// Result KEYs and WORKLOAD names: the first two parts of every artifact name
// ({KEY}_{WORKLOAD}_{QPS}_{YYYYMMDD-HHMM}.json, LMBENCH-FORMAT.md).

#include <string>
#include <vector>

#include "config/baselines.h"
#include "config/workloads.h"

namespace lmbench::suite {

// The KEY of one baseline by the rules of LMBENCH-FORMAT.md's table, e.g.
// Helm-ProductionStack routing/1-kvaware.yaml -> "helm_routing_1-kvaware".
std::string base_key(const config::Baseline& baseline);

// KEYs of a spec's baselines, in order. Two baselines never share one: the second and later
// holders of a KEY get "_2", "_3", ... appended (the original silently overwrote their results).
std::vector<std::string> assign_keys(const std::vector<config::Baseline>& serving);

// The WORKLOAD part of file names: "synthetic", "strict_synthetic", "agentic", "random",
// "sharegpt", "trace_replayer", "vllm_<DATASET_NAME>" ("vllm_hf_<path>" for hf datasets).
std::string workload_file_name(const config::WorkloadConfig& workload);

}  // namespace lmbench::suite
