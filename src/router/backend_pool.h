#pragma once
// The backends behind the proxy and what the proxy knows about each: health, requests in
// flight, totals and upstream errors. Owned and used by the proxy's one thread.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "http/url.h"
#include "router/policy.h"

namespace lmbench::router {

struct Backend {
  std::string url;  // as given, without trailing '/': the x-lmbench-backend value
  http::Url base;
  bool healthy = true;  // trusted until a health check or a connect fails
  std::size_t in_flight = 0;
  std::uint64_t requests = 0;                  // requests sent to it
  std::map<std::string, std::uint64_t> errors;  // upstream error kind -> count
  std::string last_health_error;
};

class BackendPool {
 public:
  // Parses and de-duplicates the urls, keeping the order given (the engines' order: a backend's
  // position is its identity for the policies, whatever port it got). Errors: kind
  // "invalid_url", or "config" when empty.
  static core::Result<BackendPool> create(const std::vector<std::string>& urls);

  // The healthy backends not in `exclude`, in the order given.
  std::vector<Candidate> live(const std::set<std::string>& exclude = {}) const;
  // nullptr when unknown.
  Backend* find(const std::string& url);
  std::vector<Backend>& all() { return backends_; }
  const std::vector<Backend>& all() const { return backends_; }

 private:
  std::vector<Backend> backends_;
};

}  // namespace lmbench::router
