#pragma once
// session: a consistent-hash ring over the live backends, keyed by the session id (the
// `--session-key` header, or the body field of that name). No id: the QPS fallback.

#include "router/hash_ring.h"
#include "router/policy.h"

namespace lmbench::router {

class RequestStats;

// The ring shared by session and kvaware's fallback; rebuilt only when the live set changes.
class SessionRouter {
 public:
  explicit SessionRouter(const RequestStats& stats) : stats_(stats) {}
  Decision route(const RouteInput& input, std::span<const Candidate> live);

 private:
  const RequestStats& stats_;
  HashRing ring_;
};

class SessionPolicy final : public RoutingPolicy {
 public:
  explicit SessionPolicy(const RequestStats& stats) : session_(stats) {}
  std::string_view name() const override { return "session"; }
  Decision route(const RouteInput& input, std::span<const Candidate> live) override {
    return session_.route(input, live);
  }

 private:
  SessionRouter session_;
};

}  // namespace lmbench::router
