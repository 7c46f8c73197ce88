#include "router/kvaware.h"

#include <algorithm>

namespace lmbench::router {

Decision KvAwarePolicy::route(const RouteInput& input, std::span<const Candidate> live) {
  const CacheHit* best = nullptr;
  for (const auto& c : live) {  // live order (sorted urls) makes ties deterministic
    const auto it = std::find_if(input.cache_hits.begin(), input.cache_hits.end(),
                                 [&](const CacheHit& h) { return h.url == c.url; });
    if (it == input.cache_hits.end()) continue;
    if (!best || it->cached_tokens > best->cached_tokens) best = &*it;
  }
  if (best && best->cached_tokens > 0 && best->cached_tokens >= best->prompt_tokens - threshold_) {
    return {best->url, "kv_hit"};
  }
  Decision d = session_.route(input, live);
  d.outcome = "kv_miss_" + d.outcome;
  return d;
}

}  // namespace lmbench::router
