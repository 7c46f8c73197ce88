#pragma once
// How long a workload's requests can get: an upper bound on prompt tokens plus max_tokens, for
// `validate` to warn before a run fails requests against a baseline's context length. Bounds
// count the chat/completions template generously (a few tokens per message), so a warning means
// "can exceed", not "will".

#include <optional>
#include <string>

#include "config/workloads.h"

namespace lmbench::workloads {

struct RequestBound {
  int tokens = 0;            // prompt + max_tokens of the longest request
  std::string where;         // what that request is, e.g. "round 20 of a user" or "trace line 9"
  int exceeding = 0;         // for a trace file: lines whose own length exceeds `limit` (else 0)
  int total = 0;             // for a trace file: lines read
};

// The bound, or nullopt when it depends on data lmbench does not look into here (ShareGPT, vLLM
// sharegpt/custom datasets) or on a file that cannot be read. `limit` only fills `exceeding`.
std::optional<RequestBound> longest_request(const config::WorkloadConfig& workload, int limit);

}  // namespace lmbench::workloads
