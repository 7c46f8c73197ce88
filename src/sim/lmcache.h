#pragma once
// The LMCache CPU tier (SIMULATOR.md §1.5): an LRU set of 256-token chunk keys with a capacity
// from the buffer size in GB.
//
// Keys. A chunk key must identify the chunk's tokens *and everything before them* (LMCache's
// prefix-chained keys). The block hash of the chunk's last block already does exactly that, so the
// key of chunk j is block_hashes[(j+1)*chunk_size/block_size - 1]: no second hash pass.
//
// Timing. A store is asynchronous (no cost on the step's critical path, as in vLLM's connector)
// but a chunk becomes visible only once its device-to-host copy is done: `insert` takes that
// time. Loads are charged by the step model from the loaded token count.
//
// Sharing. One LmCacheStore may be shared by several engines (pass the same shared_ptr), which
// models LMCache's shared/remote backend (an lm:// server or Redis/Mooncake store): one capacity,
// one LRU over every engine's chunks, and any engine's stores visible to all once copied. Engines
// running on their own threads must stamp times on a common timeline (the wall pacer's epoch).
// Every method is thread-safe for that reason.

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <span>
#include <unordered_map>

#include "core/clock.h"
#include "sim/block_hash.h"
#include "sim/profile.h"

namespace lmbench::sim {

class LmCacheStore {
 public:
  explicit LmCacheStore(std::size_t capacity_chunks);

  // Chunks that fit in `config.cpu_size_gb` (decimal GB) at `kv_bytes_per_token`.
  static std::size_t capacity_for(const LmCacheConfig& config, double kv_bytes_per_token);

  // Leading chunks of a prompt present and visible at `now`, stopping at the first miss, at most
  // `max_chunks`. Hits become most recently used.
  std::size_t lookup(std::span<const BlockHash> block_hashes, int blocks_per_chunk, std::size_t max_chunks,
                     core::Duration now);
  // Same count without touching the LRU order (for routers' queries).
  std::size_t peek(std::span<const BlockHash> block_hashes, int blocks_per_chunk, core::Duration now) const;

  // Adds a chunk that becomes visible at `visible_at`, evicting the least recently used chunk when
  // full. A key already present is only touched (LMCache skips storing it) and false is returned.
  bool insert(BlockHash key, core::Duration visible_at);
  bool contains(BlockHash key, core::Duration now) const;

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  std::uint64_t num_evictions() const;
  void clear();

 private:
  struct Entry {
    BlockHash key;
    core::Duration visible_at;
  };

  std::size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recently used
  std::unordered_map<BlockHash, std::list<Entry>::iterator> index_;
  std::uint64_t evictions_ = 0;
};

}  // namespace lmbench::sim
