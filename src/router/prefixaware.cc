#include "router/prefixaware.h"

#include <iterator>

#include "router/request_stats.h"

namespace lmbench::router {

Decision PrefixAwarePolicy::route(const RouteInput& input, std::span<const Candidate> live) {
  std::set<std::string> available;
  for (const auto& c : live) available.insert(c.url);
  const PrefixTrie::Match m = trie_.longest_match(input.prompt, available);
  Decision d;
  if (m.length < min_match_) {
    d = {qps_route(live, stats_, input.now), "qps_fallback"};
  } else {
    std::uniform_int_distribution<std::size_t> pick(0, m.backends.size() - 1);
    auto it = m.backends.begin();
    std::advance(it, pick(rng_));
    d = {*it, m.length > 0 ? "prefix_match" : "no_match_random"};
  }
  trie_.insert(input.prompt, d.url);
  return d;
}

}  // namespace lmbench::router
