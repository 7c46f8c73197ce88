#include "router/backend_pool.h"

#include <algorithm>

namespace lmbench::router {

core::Result<BackendPool> BackendPool::create(const std::vector<std::string>& urls) {
  if (urls.empty()) return core::Error{"config", "no backend given (--backend URL, repeatable)"};
  BackendPool pool;
  for (std::string u : urls) {
    while (!u.empty() && u.back() == '/') u.pop_back();
    auto parsed = http::Url::parse(u);
    if (!parsed) return parsed.error();
    if (pool.find(u)) continue;
    Backend b;
    b.url = u;
    b.base = *parsed;
    pool.backends_.push_back(std::move(b));
  }
  return pool;
}

std::vector<Candidate> BackendPool::live(const std::set<std::string>& exclude) const {
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < backends_.size(); ++i) {
    const auto& b = backends_[i];
    if (b.healthy && !exclude.count(b.url)) out.push_back({b.url, b.in_flight, i});
  }
  return out;
}

Backend* BackendPool::find(const std::string& url) {
  for (auto& b : backends_) {
    if (b.url == url) return &b;
  }
  return nullptr;
}

}  // namespace lmbench::router
