#pragma once
// The GPU KV block pool: ref counts, the LRU free queue and the hash -> block map of the prefix
// cache, with vLLM V1's semantics (SIMULATOR.md §1.3, vllm/v1/core/block_pool.py and
// FreeKVCacheBlockQueue):
//   - free blocks (ref count 0) sit in a doubly linked queue; allocation pops the head and, if the
//     popped block still holds a cached hash, evicts it (the map entry goes);
//   - freed blocks are appended at the tail, so the least recently freed are evicted first;
//   - a cache hit on a free block takes it out of the queue (touch).
// Block 0 is vLLM's null block: never allocated, never free, hence usage = 1 - free/(n-1).
// All operations are O(1) per block, with no allocation after construction except in the hash map.
// Not thread-safe: owned by one engine.

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "sim/block_hash.h"

namespace lmbench::sim {

using BlockId = std::int32_t;

class BlockPool {
 public:
  // `num_blocks` includes the null block, so num_blocks - 1 are usable; must be >= 2.
  BlockPool(int num_blocks, bool enable_caching);

  int num_blocks() const { return static_cast<int>(blocks_.size()); }
  int num_free() const { return num_free_; }
  // Fraction of usable blocks referenced by a request; cached-but-unreferenced blocks count as free.
  double usage() const;
  bool caching_enabled() const { return enable_caching_; }

  // The block holding `hash`, or -1.
  BlockId cached_block(BlockHash hash) const;
  int ref_count(BlockId id) const { return blocks_[static_cast<std::size_t>(id)].ref; }
  // True when `id` currently carries a hash registered in the map (i.e. it can be hit).
  bool is_cached(BlockId id) const;

  // Takes a reference on a (cached) block; a block at ref 0 leaves the free queue.
  void touch(BlockId id);
  // Pops `n` blocks from the head of the free queue, evicting their hashes, and appends them with
  // ref 1 to `out`. Precondition: n <= num_free().
  void allocate(int n, std::vector<BlockId>& out);
  // Drops one reference; at ref 0 the block goes to the tail of the free queue. Callers free a
  // request's blocks in reverse order so its tail blocks are evicted first.
  void release(BlockId id);
  // Registers `id` as holding the content `hash`. When another block already holds that hash the
  // map keeps the first one (as vLLM's lookup returns any one) and `id` stays unregistered.
  void cache_block(BlockId id, BlockHash hash);
  // vLLM's reset_prefix_cache: drops every hash, only when no block is referenced. Returns whether
  // it did.
  bool reset_prefix_cache();

  // Free queue from head (next to be evicted) to tail. For tests and debugging.
  std::vector<BlockId> free_queue_order() const;
  std::uint64_t num_evictions() const { return num_evictions_; }

 private:
  struct Block {
    BlockHash hash = 0;
    bool registered = false;  // `hash` is the map's entry for this block
    std::int32_t ref = 0;
    std::int32_t prev = -1;   // free-queue links; -1 when not in the queue
    std::int32_t next = -1;
  };

  void push_tail(BlockId id);
  void unlink(BlockId id);

  std::vector<Block> blocks_;
  std::int32_t head_ = -1;  // next block to allocate (least recently freed)
  std::int32_t tail_ = -1;  // most recently freed
  int num_free_ = 0;
  bool enable_caching_;
  std::unordered_map<BlockHash, BlockId> cached_;
  std::uint64_t num_evictions_ = 0;
};

}  // namespace lmbench::sim
