#pragma once
// The baseline KEY of a run that does not carry a "key" field: from its artifact file name, or
// from its serving section by the original's naming rules (LMBENCH-FORMAT.md, "Serving
// baselines and their result KEY").

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace lmbench::store {

// "{KEY}_{WORKLOAD}_{QPS}_{YYYYMMDD-HHMM}.json" (any folders before it are ignored). The workload
// must be known because both KEY and WORKLOAD may contain underscores ("trace_replayer"); QPS
// never does. nullopt when the name does not have that shape for this workload.
std::optional<std::string> key_from_file_name(std::string_view file_name, std::string_view workload);

// From {"baseline_type": ..., "config": {...}} for the original's baseline types (Helm-ProductionStack,
// Direct-ProductionStack, SGLang, RayServe, Dynamo, LLM-D, Flat). nullopt for other types or
// when the config lacks the field the KEY is made of.
std::optional<std::string> key_from_serving(const nlohmann::json& serving);

}  // namespace lmbench::store
