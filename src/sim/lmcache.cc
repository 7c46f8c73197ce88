#include "sim/lmcache.h"

#include <cmath>

namespace lmbench::sim {

LmCacheStore::LmCacheStore(std::size_t capacity_chunks) : capacity_(capacity_chunks) {
  index_.reserve(capacity_chunks + 1);
}

std::size_t LmCacheStore::capacity_for(const LmCacheConfig& config, double kv_bytes_per_token) {
  const double chunk_bytes = kv_bytes_per_token * config.chunk_size;
  return static_cast<std::size_t>(std::floor(config.cpu_size_gb * 1e9 / chunk_bytes));
}

std::size_t LmCacheStore::lookup(std::span<const BlockHash> block_hashes, int blocks_per_chunk,
                                 std::size_t max_chunks, core::Duration now) {
  const std::lock_guard lock(mu_);
  const std::size_t bpc = static_cast<std::size_t>(blocks_per_chunk);
  std::size_t n = 0;
  for (; n < max_chunks && (n + 1) * bpc <= block_hashes.size(); ++n) {
    const auto it = index_.find(block_hashes[(n + 1) * bpc - 1]);
    if (it == index_.end() || it->second->visible_at > now) break;
    lru_.splice(lru_.begin(), lru_, it->second);
  }
  return n;
}

std::size_t LmCacheStore::peek(std::span<const BlockHash> block_hashes, int blocks_per_chunk,
                               core::Duration now) const {
  const std::lock_guard lock(mu_);
  const std::size_t bpc = static_cast<std::size_t>(blocks_per_chunk);
  std::size_t n = 0;
  for (; (n + 1) * bpc <= block_hashes.size(); ++n) {
    const auto it = index_.find(block_hashes[(n + 1) * bpc - 1]);
    if (it == index_.end() || it->second->visible_at > now) break;
  }
  return n;
}

bool LmCacheStore::insert(BlockHash key, core::Duration visible_at) {
  const std::lock_guard lock(mu_);
  if (capacity_ == 0) return false;
  if (const auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return false;
  }
  if (index_.size() >= capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
    ++evictions_;
  }
  lru_.push_front({key, visible_at});
  index_.emplace(key, lru_.begin());
  return true;
}

bool LmCacheStore::contains(BlockHash key, core::Duration now) const {
  const std::lock_guard lock(mu_);
  const auto it = index_.find(key);
  return it != index_.end() && it->second->visible_at <= now;
}

std::size_t LmCacheStore::size() const {
  const std::lock_guard lock(mu_);
  return index_.size();
}

std::uint64_t LmCacheStore::num_evictions() const {
  const std::lock_guard lock(mu_);
  return evictions_;
}

void LmCacheStore::clear() {
  const std::lock_guard lock(mu_);
  lru_.clear();
  index_.clear();
}

}  // namespace lmbench::sim
