#pragma once
// What lmbench reads from a Kubernetes manifest before applying it: which workloads to wait for,
// and whether the file inlines the HF token placeholder (it must reference the Secret instead).

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace lmbench::deploy {

// The placeholder of the original LMBench configs; replaced by the HF token only on stdin.
inline constexpr std::string_view kTokenPlaceholder = "<YOUR_HF_TOKEN>";

// "deployment/<name>", "statefulset/<name>" and "daemonset/<name>" for every such object of the
// (multi-document) manifest, in file order: what `kubectl rollout status` waits for. Errors:
// "manifest" (unreadable file, YAML syntax error with file:line:column).
core::Result<std::vector<std::string>> rollout_targets(const std::filesystem::path& manifest);

}  // namespace lmbench::deploy
