#include "deploy/cluster.h"

#include <unistd.h>

#include "core/ids.h"
#include "deploy/tool_runner.h"

namespace lmbench::deploy {

std::filesystem::path temporary_log_path(const std::string& what) {
  return std::filesystem::temp_directory_path() /
         ("lmbench-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(core::random_u32()) + ".log");
}

std::optional<core::Error> join_errors(const std::vector<core::Error>& errors) {
  if (errors.empty()) return std::nullopt;
  core::Error joined = errors.front();
  for (std::size_t i = 1; i < errors.size(); ++i) joined.message += "\n" + errors[i].message;
  return joined;
}

std::optional<core::Error> create_token_secret(const KubeTarget& t, const TokenSecret& s, const Secret& token,
                                               core::Duration timeout, const core::Clock& clock) {
  auto env_file = secret_env_file(s, token.reveal());
  if (!env_file) return env_file.error();
  auto deleted = run_tool_checked({.argv = kubectl_delete_secret_args(t, s), .env = t.env, .timeout = timeout}, clock,
                                  "kubectl", &token);
  if (!deleted) return deleted.error();
  auto created = run_tool_checked(
      {.argv = kubectl_create_secret_args(t, s), .env = t.env, .stdin_data = *env_file, .timeout = timeout}, clock,
      "kubectl", &token);
  if (!created) return created.error();
  return std::nullopt;
}

}  // namespace lmbench::deploy
