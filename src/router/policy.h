#pragma once
// Routing policies (SIMULATOR.md §3, after vllm-project/production-stack `routing_logic.py`).
// A policy is pure: given what the proxy learnt about one request and the live backends, it
// names a backend. It never touches a socket; the proxy does the cache lookups kvaware needs
// before calling it. All calls come from the proxy's one thread.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace lmbench::router {

class RequestStats;

// One live backend as the policy sees it.
struct Candidate {
  std::string url;             // as given on the command line, without a trailing '/'
  std::size_t in_flight = 0;   // proxied requests not finished yet
  // Its place in the backend list as given (0, 1, ...): a stable identity. The session ring is
  // keyed on it, not on the url, so which user lands on which engine does not depend on the
  // ports a simulated run's engines happened to get.
  std::size_t position = 0;
};

// One engine's answer to a cache lookup for this request's prompt.
struct CacheHit {
  std::string url;
  std::int64_t cached_tokens = 0;  // longest cached prefix, GPU or CPU tier
  std::int64_t prompt_tokens = 0;  // the prompt's length in the engine's tokens
};

struct RouteInput {
  std::string session_id;  // from the session-key header or body field; "" when none
  std::string prompt;      // completion prompt, or chat message contents joined with '\n'
  std::vector<CacheHit> cache_hits;  // kvaware only: one per engine that answered
  core::TimePoint now{};
};

struct Decision {
  std::string url;
  // Why this backend, for the routing-decision metric, e.g. "hash", "qps_fallback", "prefix_match".
  std::string outcome;
};

class RoutingPolicy {
 public:
  virtual ~RoutingPolicy() = default;
  virtual std::string_view name() const = 0;
  // True when the proxy must fill RouteInput::cache_hits first.
  virtual bool needs_cache_lookup() const { return false; }
  // True when the policy reads RouteInput::prompt (the proxy builds it only then).
  virtual bool needs_prompt() const { return false; }
  // `live` is non-empty and in the order the backends were given.
  virtual Decision route(const RouteInput& input, std::span<const Candidate> live) = 0;
};

struct PolicyOptions {
  std::string session_key;           // session, and kvaware's fallback
  std::size_t prefix_min_match = 0;  // prefixaware, characters
  std::int64_t kv_threshold = 2000;  // kvaware, tokens
  std::uint64_t seed = 0;            // prefixaware's random choice among matches
};

// The names `--routing-logic` accepts, in the order --help lists them.
const std::vector<std::string>& policy_names();

// Throws core::ConfigError for an unknown name. `stats` must outlive the policy.
std::unique_ptr<RoutingPolicy> make_policy(std::string_view name, const PolicyOptions& options,
                                           const RequestStats& stats);

}  // namespace lmbench::router
