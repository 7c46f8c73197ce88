#pragma once
// The router's own counters and their Prometheus text (GET /metrics on the router).
//   lmbench_router_requests_total{backend}            requests proxied to each backend
//   lmbench_router_in_flight{backend}                 proxied requests not finished
//   lmbench_router_backend_healthy{backend}           1 live, 0 taken out
//   lmbench_router_upstream_errors_total{backend,kind}  connect, timeout, reset, protocol, ...
//   lmbench_router_routing_decisions_total{policy,outcome}
//   lmbench_router_rejected_total{reason}             answered by the router itself (no backend, bad request)

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "router/backend_pool.h"

namespace lmbench::router {

class RouterMetrics {
 public:
  void on_decision(const std::string& policy, const std::string& outcome) { ++decisions_[{policy, outcome}]; }
  void on_rejected(const std::string& reason) { ++rejected_[reason]; }
  std::uint64_t decisions(const std::string& policy, const std::string& outcome) const;

  std::string render(const BackendPool& pool) const;

 private:
  std::map<std::pair<std::string, std::string>, std::uint64_t> decisions_;
  std::map<std::string, std::uint64_t> rejected_;
};

}  // namespace lmbench::router
