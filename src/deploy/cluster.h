#pragma once
// Steps shared by the Kubernetes and Helm kinds.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "deploy/kubectl.h"
#include "deploy/secret.h"

namespace lmbench::deploy {

// Replaces the Secret `s` with one holding `token`: `kubectl delete secret --ignore-not-found`,
// then `kubectl create secret generic --from-env-file=/dev/stdin` with the token on stdin.
std::optional<core::Error> create_token_secret(const KubeTarget& t, const TokenSecret& s, const Secret& token,
                                               core::Duration timeout, const core::Clock& clock);

// A fresh temporary log path: "<tmp>/lmbench-<what>-<pid>-<random>.log".
std::filesystem::path temporary_log_path(const std::string& what);

// Teardown errors joined into one, messages one per line (nullopt when there are none).
std::optional<core::Error> join_errors(const std::vector<core::Error>& errors);

}  // namespace lmbench::deploy
