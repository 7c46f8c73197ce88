#pragma once
// Hash chain over full KV blocks, the identity of a cached prefix (SIMULATOR.md §1.3).
//
// h_i = H(h_{i-1} or none_hash(seed), tokens[16i:16i+16], extra_i) where extra_i is the LoRA key
// for every block and, on block 0 only, also the cache salt. H is our own 64-bit mix (the
// splitmix64 finalizer applied word by word), not vLLM's sha256-cbor: hashes are compared only
// inside this simulator, so only the chain structure matters. Two prompts share a hash for block i
// exactly when their first 16(i+1) tokens (and extra keys) are equal, up to 64-bit collisions.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace lmbench::sim {

using BlockHash = std::uint64_t;
using TokenId = std::int32_t;

// Keys that are not token ids but still separate caches (vLLM `extra_keys`). 0 means "none".
struct ExtraKeys {
  std::uint64_t lora = 0;        // adapter identity, mixed into every block
  std::uint64_t cache_salt = 0;  // mixed into block 0 only
};

// The parent of block 0, seeded like vLLM's NONE_HASH from PYTHONHASHSEED.
BlockHash none_hash(std::uint64_t seed);

// Hash of one full block given its parent's hash.
BlockHash hash_block(BlockHash parent, std::span<const TokenId> block_tokens, std::uint64_t extra);

// Stable 64-bit hash of bytes (LoRA names and cache salts given as text, prompts for output seeds).
std::uint64_t hash_string(std::string_view s);

// Extends `hashes` with the hashes of every full block of `tokens` not hashed yet, so calling it
// after each appended token costs O(1) amortised. `hashes` must be the chain of a prefix of
// `tokens` computed with the same seed, block size and keys.
void extend_block_hashes(std::vector<BlockHash>& hashes, std::span<const TokenId> tokens, int block_size,
                         std::uint64_t seed, const ExtraKeys& keys);

}  // namespace lmbench::sim
