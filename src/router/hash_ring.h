#pragma once
// A consistent-hash ring (the role of uhashring in production-stack): each node gets
// kPointsPerNode points on a 64-bit ring; a key goes to the first point at or after its hash.
// Removing one node moves only the keys that node owned.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lmbench::router {

class HashRing {
 public:
  static constexpr int kPointsPerNode = 160;

  HashRing() = default;
  explicit HashRing(const std::vector<std::string>& nodes);

  // The node owning `key`; "" when the ring is empty.
  const std::string& node_for(std::string_view key) const;
  const std::vector<std::string>& nodes() const { return nodes_; }

 private:
  std::vector<std::string> nodes_;
  std::vector<std::pair<std::uint64_t, std::size_t>> points_;  // (hash, index into nodes_), sorted
};

}  // namespace lmbench::router
