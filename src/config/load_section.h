#pragma once
// run-bench.yaml's optional `Load:` section (config/run_bench.h LoadSection):
//
//   Load:
//     workers: 4                  # worker processes, merged as one run (default 1)
//     placement: kubernetes       # local (default) | kubernetes: pods in the baseline's cluster
//     image: ghcr.io/lmbench/lmbench:0.1.0      # kubernetes only, like every key below
//     resources: {requests: {cpu: "2", memory: 2Gi}, limits: {memory: 4Gi}}
//     nodeSelector: {pool: load}
//     tolerations: [{key: dedicated, operator: Equal, value: load, effect: NoSchedule}]
//     spread: hostname            # hostname | zone | one-per-node | none

#include <yaml-cpp/yaml.h>

#include "config/run_bench.h"
#include "config/yaml_read.h"

namespace lmbench::config {

// Throws core::ConfigError naming file, line, column and key: an unknown key, a wrong type, a
// quantity Kubernetes would refuse, a kubernetes-only key under placement local.
LoadSection parse_load_section(const YamlFile& file, const YAML::Node& load);

}  // namespace lmbench::config
