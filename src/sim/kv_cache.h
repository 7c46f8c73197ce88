#pragma once
// The KV cache manager: per-request block tables on top of the BlockPool, with vLLM V1's
// get_computed_blocks / allocate_slots / free (vllm/v1/core/kv_cache_manager.py).

#include <span>
#include <vector>

#include "sim/block_pool.h"

namespace lmbench::sim {

// A request's blocks. blocks[i] holds tokens [16i, 16i+16); the first num_cached_blocks of them
// are registered in the prefix cache.
struct RequestKv {
  std::vector<BlockId> blocks;
  int num_cached_blocks = 0;
};

class KvCacheManager {
 public:
  KvCacheManager(int num_blocks, int block_size, bool enable_caching);

  int block_size() const { return block_size_; }
  BlockPool& pool() { return pool_; }
  const BlockPool& pool() const { return pool_; }

  // Longest cached prefix of a request about to be admitted, counted from block 0 up to the first
  // miss and capped at (num_tokens - 1) / block_size blocks, so at least the last token is always
  // recomputed. Returns the hit in tokens; the blocks are in computed_blocks() until the next call.
  // Nothing is referenced yet: allocate_slots does that.
  int find_computed_blocks(std::span<const BlockHash> hashes, int num_tokens);
  std::span<const BlockId> computed_blocks() const { return computed_; }

  // Uncapped longest cached prefix in tokens, without side effects (for the kvaware router).
  int longest_cached_prefix(std::span<const BlockHash> hashes) const;

  // Makes room for `num_new_tokens` more tokens after `num_computed` computed ones, first adopting
  // `new_computed` (prefix hits found by find_computed_blocks; empty for running requests). Blocks
  // that become full are registered in the prefix cache right away, as vLLM does, up to
  // min(total, num_tokens) tokens, `hashes` being the request's chain over its num_tokens tokens.
  // Returns false, changing nothing, when the free queue (minus hit blocks it would consume) is too
  // short.
  bool allocate_slots(RequestKv& kv, std::span<const BlockHash> hashes, int num_computed, int num_new_tokens,
                      std::span<const BlockId> new_computed, int num_tokens);

  // Releases every block of `kv` in reverse order, so the request's tail is evicted first.
  void free(RequestKv& kv);

 private:
  int block_size_;
  BlockPool pool_;
  std::vector<BlockId> computed_;
};

}  // namespace lmbench::sim
