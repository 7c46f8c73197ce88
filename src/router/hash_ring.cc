#include "router/hash_ring.h"

#include <algorithm>

#include "router/xxh64.h"

namespace lmbench::router {

HashRing::HashRing(const std::vector<std::string>& nodes) : nodes_(nodes) {
  points_.reserve(nodes_.size() * kPointsPerNode);
  for (std::size_t n = 0; n < nodes_.size(); ++n) {
    for (int i = 0; i < kPointsPerNode; ++i) {
      points_.emplace_back(xxh64(nodes_[n] + "#" + std::to_string(i)), n);
    }
  }
  std::sort(points_.begin(), points_.end());
}

const std::string& HashRing::node_for(std::string_view key) const {
  static const std::string kNone;
  if (points_.empty()) return kNone;
  const std::uint64_t h = xxh64(key);
  auto it = std::lower_bound(points_.begin(), points_.end(), std::make_pair(h, std::size_t{0}));
  if (it == points_.end()) it = points_.begin();
  return nodes_[it->second];
}

}  // namespace lmbench::router
