#include "sim/block_hash.h"

#include <xxhash.h>

namespace lmbench::sim {
namespace {

// splitmix64's finalizer: a bijective 64-bit mix with full avalanche.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

}  // namespace

BlockHash none_hash(std::uint64_t seed) { return mix64(seed ^ 0x6e6f6e655f686173ULL); }

BlockHash hash_block(BlockHash parent, std::span<const TokenId> block_tokens, std::uint64_t extra) {
  std::uint64_t h = mix64(parent + kGolden);
  std::size_t i = 0;
  for (; i + 1 < block_tokens.size(); i += 2) {
    const std::uint64_t word = static_cast<std::uint32_t>(block_tokens[i]) |
                               (static_cast<std::uint64_t>(static_cast<std::uint32_t>(block_tokens[i + 1])) << 32);
    h = mix64(h ^ word) + kGolden;
  }
  if (i < block_tokens.size()) h = mix64(h ^ static_cast<std::uint32_t>(block_tokens[i])) + kGolden;
  // The length is mixed in so that blocks of different sizes never alias.
  h = mix64(h ^ (static_cast<std::uint64_t>(block_tokens.size()) << 48));
  if (extra != 0) h = mix64(h ^ mix64(extra));
  return h;
}

std::uint64_t hash_string(std::string_view s) {
  // xxHash64: a 17k-token prompt is 68 KB, hashed for its output seed on every request (FNV-1a
  // byte by byte took 70 us of the request path).
  return mix64(XXH64(s.data(), s.size(), 0));
}

void extend_block_hashes(std::vector<BlockHash>& hashes, std::span<const TokenId> tokens, int block_size,
                         std::uint64_t seed, const ExtraKeys& keys) {
  const std::size_t bs = static_cast<std::size_t>(block_size);
  const std::size_t full = tokens.size() / bs;
  for (std::size_t i = hashes.size(); i < full; ++i) {
    const BlockHash parent = i == 0 ? none_hash(seed) : hashes[i - 1];
    std::uint64_t extra = keys.lora;
    if (i == 0 && keys.cache_salt != 0) extra = extra * 31 + keys.cache_salt + 1;
    hashes.push_back(hash_block(parent, tokens.subspan(i * bs, bs), extra));
  }
}

}  // namespace lmbench::sim
