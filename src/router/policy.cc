#include "router/policy.h"

#include "core/error.h"
#include "router/kvaware.h"
#include "router/leastloaded.h"
#include "router/prefixaware.h"
#include "router/roundrobin.h"
#include "router/session.h"

namespace lmbench::router {

const std::vector<std::string>& policy_names() {
  static const std::vector<std::string> kNames = {"roundrobin", "session", "prefixaware", "kvaware", "leastloaded"};
  return kNames;
}

std::unique_ptr<RoutingPolicy> make_policy(std::string_view name, const PolicyOptions& o, const RequestStats& stats) {
  if (name == "roundrobin") return std::make_unique<RoundRobinPolicy>();
  if (name == "session") return std::make_unique<SessionPolicy>(stats);
  if (name == "prefixaware") return std::make_unique<PrefixAwarePolicy>(stats, o.prefix_min_match, o.seed);
  if (name == "kvaware") return std::make_unique<KvAwarePolicy>(stats, o.kv_threshold);
  if (name == "leastloaded") return std::make_unique<LeastLoadedPolicy>();
  std::string known;
  for (const auto& n : policy_names()) known += (known.empty() ? "" : ", ") + n;
  throw core::ConfigError("--routing-logic: expected one of " + known + ", found '" + std::string(name) + "'");
}

}  // namespace lmbench::router
