#include "router/router_metrics.h"

#include <fmt/format.h>

namespace lmbench::router {
namespace {

// Prometheus label values escape backslash, double quote and newline.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::uint64_t RouterMetrics::decisions(const std::string& policy, const std::string& outcome) const {
  const auto it = decisions_.find({policy, outcome});
  return it == decisions_.end() ? 0 : it->second;
}

std::string RouterMetrics::render(const BackendPool& pool) const {
  std::string out;
  out += "# HELP lmbench_router_requests_total Requests proxied to each backend.\n"
         "# TYPE lmbench_router_requests_total counter\n";
  for (const auto& b : pool.all()) out += fmt::format("lmbench_router_requests_total{{backend=\"{}\"}} {}\n", label(b.url), b.requests);
  out += "# HELP lmbench_router_in_flight Proxied requests not finished yet.\n# TYPE lmbench_router_in_flight gauge\n";
  for (const auto& b : pool.all()) out += fmt::format("lmbench_router_in_flight{{backend=\"{}\"}} {}\n", label(b.url), b.in_flight);
  out += "# HELP lmbench_router_backend_healthy 1 when the backend receives traffic.\n"
         "# TYPE lmbench_router_backend_healthy gauge\n";
  for (const auto& b : pool.all()) {
    out += fmt::format("lmbench_router_backend_healthy{{backend=\"{}\"}} {}\n", label(b.url), b.healthy ? 1 : 0);
  }
  out += "# HELP lmbench_router_upstream_errors_total Proxied requests that failed upstream, by kind.\n"
         "# TYPE lmbench_router_upstream_errors_total counter\n";
  for (const auto& b : pool.all()) {
    for (const auto& [kind, n] : b.errors) {
      out += fmt::format("lmbench_router_upstream_errors_total{{backend=\"{}\",kind=\"{}\"}} {}\n", label(b.url), label(kind), n);
    }
  }
  out += "# HELP lmbench_router_routing_decisions_total Routing decisions by policy and outcome.\n"
         "# TYPE lmbench_router_routing_decisions_total counter\n";
  for (const auto& [key, n] : decisions_) {
    out += fmt::format("lmbench_router_routing_decisions_total{{policy=\"{}\",outcome=\"{}\"}} {}\n", label(key.first),
                       label(key.second), n);
  }
  out += "# HELP lmbench_router_rejected_total Requests the router answered itself with an error.\n"
         "# TYPE lmbench_router_rejected_total counter\n";
  for (const auto& [reason, n] : rejected_) {
    out += fmt::format("lmbench_router_rejected_total{{reason=\"{}\"}} {}\n", label(reason), n);
  }
  return out;
}

}  // namespace lmbench::router
