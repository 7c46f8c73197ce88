#pragma once
// prefixaware: longest 128-character-chunk prefix match in a PrefixTrie among the live
// backends. A match shorter than the minimum goes to the QPS fallback; otherwise a seeded random
// choice among the matched set (with no match at all the set is every live backend, so a new
// prefix lands on a random one). The prompt is then inserted under the chosen backend.

#include <random>

#include "router/policy.h"
#include "router/prefix_trie.h"

namespace lmbench::router {

class RequestStats;

class PrefixAwarePolicy final : public RoutingPolicy {
 public:
  PrefixAwarePolicy(const RequestStats& stats, std::size_t min_match_chars, std::uint64_t seed)
      : stats_(stats), min_match_(min_match_chars), rng_(seed) {}
  std::string_view name() const override { return "prefixaware"; }
  bool needs_prompt() const override { return true; }
  Decision route(const RouteInput& input, std::span<const Candidate> live) override;

 private:
  const RequestStats& stats_;
  std::size_t min_match_;
  std::mt19937_64 rng_;
  PrefixTrie trie_;
};

}  // namespace lmbench::router
