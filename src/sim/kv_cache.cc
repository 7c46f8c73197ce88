#include "sim/kv_cache.h"

#include <algorithm>

namespace lmbench::sim {

KvCacheManager::KvCacheManager(int num_blocks, int block_size, bool enable_caching)
    : block_size_(block_size), pool_(num_blocks, enable_caching) {}

int KvCacheManager::find_computed_blocks(std::span<const BlockHash> hashes, int num_tokens) {
  computed_.clear();
  if (!pool_.caching_enabled() || num_tokens <= 0) return 0;
  const std::size_t cap = std::min(hashes.size(), static_cast<std::size_t>((num_tokens - 1) / block_size_));
  for (std::size_t i = 0; i < cap; ++i) {
    const BlockId id = pool_.cached_block(hashes[i]);
    if (id < 0) break;
    computed_.push_back(id);
  }
  return static_cast<int>(computed_.size()) * block_size_;
}

int KvCacheManager::longest_cached_prefix(std::span<const BlockHash> hashes) const {
  int n = 0;
  for (const BlockHash h : hashes) {
    if (pool_.cached_block(h) < 0) break;
    ++n;
  }
  return n * block_size_;
}

bool KvCacheManager::allocate_slots(RequestKv& kv, std::span<const BlockHash> hashes, int num_computed,
                                    int num_new_tokens, std::span<const BlockId> new_computed, int num_tokens) {
  const int hit_tokens = static_cast<int>(new_computed.size()) * block_size_;
  const int total = num_computed + hit_tokens + num_new_tokens;
  const int blocks_needed = (total + block_size_ - 1) / block_size_;
  const int have = static_cast<int>(kv.blocks.size() + new_computed.size());
  const int to_allocate = std::max(0, blocks_needed - have);
  int evictable_hits = 0;
  for (const BlockId id : new_computed) evictable_hits += pool_.ref_count(id) == 0 ? 1 : 0;
  if (to_allocate > pool_.num_free() - evictable_hits) return false;

  for (const BlockId id : new_computed) {
    pool_.touch(id);
    kv.blocks.push_back(id);
  }
  if (kv.num_cached_blocks == static_cast<int>(kv.blocks.size() - new_computed.size())) {
    kv.num_cached_blocks += static_cast<int>(new_computed.size());
  }
  pool_.allocate(to_allocate, kv.blocks);

  if (pool_.caching_enabled()) {
    const int full = std::min(total, num_tokens) / block_size_;
    const int limit = std::min<int>(full, static_cast<int>(hashes.size()));
    for (int i = kv.num_cached_blocks; i < limit; ++i) {
      pool_.cache_block(kv.blocks[static_cast<std::size_t>(i)], hashes[static_cast<std::size_t>(i)]);
    }
    kv.num_cached_blocks = std::max(kv.num_cached_blocks, limit);
  }
  return true;
}

void KvCacheManager::free(RequestKv& kv) {
  for (auto it = kv.blocks.rbegin(); it != kv.blocks.rend(); ++it) pool_.release(*it);
  kv.blocks.clear();
  kv.num_cached_blocks = 0;
}

}  // namespace lmbench::sim
