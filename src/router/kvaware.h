#pragma once
// kvaware: every engine is asked (by the proxy, before route()) for the longest cached token
// prefix of this prompt, the way LMCache's controller answers a LookupMsg. The best answer wins
// (ties: the first url, as the controller reports the first instance holding a chunk) unless
// nothing is cached or best < prompt_tokens - threshold; then session routing, and with no
// session id the QPS fallback.
//
// Unlike production-stack, chat requests are looked up too (the simulator applies its chat
// template to `messages`), so kvaware does not silently degrade to session routing for chat.

#include "router/policy.h"
#include "router/session.h"

namespace lmbench::router {

class KvAwarePolicy final : public RoutingPolicy {
 public:
  KvAwarePolicy(const RequestStats& stats, std::int64_t threshold_tokens)
      : session_(stats), threshold_(threshold_tokens) {}
  std::string_view name() const override { return "kvaware"; }
  bool needs_cache_lookup() const override { return true; }
  Decision route(const RouteInput& input, std::span<const Candidate> live) override;

 private:
  SessionRouter session_;
  std::int64_t threshold_;
};

}  // namespace lmbench::router
