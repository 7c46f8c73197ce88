// BlockPool and KvCacheManager on their own: free-queue order, eviction, hit caps, usage.

#include <gtest/gtest.h>

#include <vector>

#include "sim/block_hash.h"
#include "sim/kv_cache.h"

namespace lmbench::sim {
namespace {

std::vector<TokenId> tokens(int n, int salt) {
  std::vector<TokenId> t;
  for (int i = 0; i < n; ++i) t.push_back(salt * 1000 + i);
  return t;
}

std::vector<BlockHash> hashes_of(const std::vector<TokenId>& t) {
  std::vector<BlockHash> h;
  extend_block_hashes(h, t, 16, 0, {});
  return h;
}

TEST(BlockPool, StartsWithEveryBlockButTheNullOneFreeInIdOrder) {
  BlockPool pool(6, true);
  EXPECT_EQ(pool.num_free(), 5);
  EXPECT_EQ(pool.free_queue_order(), (std::vector<BlockId>{1, 2, 3, 4, 5}));
  EXPECT_DOUBLE_EQ(pool.usage(), 0.0);
}

TEST(BlockPool, AllocatesFromTheHeadAndReleasesToTheTail) {
  BlockPool pool(6, true);
  std::vector<BlockId> got;
  pool.allocate(2, got);
  EXPECT_EQ(got, (std::vector<BlockId>{1, 2}));
  EXPECT_DOUBLE_EQ(pool.usage(), 2.0 / 5.0);
  pool.release(1);
  EXPECT_EQ(pool.free_queue_order(), (std::vector<BlockId>{3, 4, 5, 1}));
  pool.release(2);
  EXPECT_EQ(pool.free_queue_order(), (std::vector<BlockId>{3, 4, 5, 1, 2}));
  EXPECT_THROW(pool.release(2), std::logic_error);
}

TEST(BlockPool, AllocatingACachedFreeBlockEvictsItsHash) {
  BlockPool pool(3, true);
  std::vector<BlockId> got;
  pool.allocate(2, got);
  pool.cache_block(1, 111);
  pool.cache_block(2, 222);
  pool.release(2);
  pool.release(1);
  EXPECT_EQ(pool.cached_block(111), 1);
  EXPECT_EQ(pool.cached_block(222), 2);
  std::vector<BlockId> next;
  pool.allocate(1, next);
  EXPECT_EQ(next[0], 2);  // released first, evicted first
  EXPECT_EQ(pool.cached_block(222), -1);
  EXPECT_EQ(pool.cached_block(111), 1);
  EXPECT_EQ(pool.num_evictions(), 1u);
}

TEST(BlockPool, TouchingAFreeCachedBlockRemovesItFromTheQueue) {
  BlockPool pool(4, true);
  std::vector<BlockId> got;
  pool.allocate(1, got);
  pool.cache_block(1, 7);
  pool.release(1);
  EXPECT_EQ(pool.free_queue_order(), (std::vector<BlockId>{2, 3, 1}));
  pool.touch(1);
  EXPECT_EQ(pool.free_queue_order(), (std::vector<BlockId>{2, 3}));
  EXPECT_EQ(pool.ref_count(1), 1);
  pool.touch(1);
  EXPECT_EQ(pool.ref_count(1), 2);
  pool.release(1);
  EXPECT_EQ(pool.num_free(), 2);
  pool.release(1);
  EXPECT_EQ(pool.free_queue_order(), (std::vector<BlockId>{2, 3, 1}));
}

TEST(BlockPool, ResetPrefixCacheOnlyWhenNothingIsInUse) {
  BlockPool pool(4, true);
  std::vector<BlockId> got;
  pool.allocate(1, got);
  pool.cache_block(1, 9);
  EXPECT_FALSE(pool.reset_prefix_cache());
  pool.release(1);
  EXPECT_TRUE(pool.reset_prefix_cache());
  EXPECT_EQ(pool.cached_block(9), -1);
}

TEST(BlockPool, CachingDisabledNeverHits) {
  BlockPool pool(4, false);
  std::vector<BlockId> got;
  pool.allocate(1, got);
  pool.cache_block(1, 9);
  EXPECT_EQ(pool.cached_block(9), -1);
}

TEST(KvCacheManager, HitIsCappedSoTheLastTokenIsRecomputed) {
  KvCacheManager kv(20, 16, true);
  const auto t = tokens(48, 1);
  const auto h = hashes_of(t);
  RequestKv a;
  ASSERT_TRUE(kv.allocate_slots(a, h, 0, 48, {}, 48));
  EXPECT_EQ(a.num_cached_blocks, 3);
  EXPECT_EQ(kv.find_computed_blocks(h, 48), 32);
  EXPECT_EQ(kv.computed_blocks().size(), 2u);
  EXPECT_EQ(kv.find_computed_blocks(h, 49), 48);
  EXPECT_EQ(kv.find_computed_blocks(h, 17), 16);
  EXPECT_EQ(kv.find_computed_blocks(h, 16), 0);
  EXPECT_EQ(kv.longest_cached_prefix(h), 48);
}

TEST(KvCacheManager, AllocationCountsHitBlocksInTheFreeQueueAsConsumed) {
  // 4 usable blocks. A caches 3 blocks then finishes: all 4 free, 3 of them A's cached blocks.
  KvCacheManager kv(5, 16, true);
  const auto t = tokens(48, 1);
  const auto h = hashes_of(t);
  RequestKv a;
  ASSERT_TRUE(kv.allocate_slots(a, h, 0, 48, {}, 48));
  kv.free(a);
  EXPECT_EQ(kv.pool().num_free(), 4);
  // B = A's 48 tokens + 33 more: 3 hit blocks + 3 new blocks needed, but only 1 free block is not a
  // hit block, so the allocation fails and nothing changes.
  auto tb = t;
  const auto extra = tokens(33, 2);
  tb.insert(tb.end(), extra.begin(), extra.end());
  const auto hb = hashes_of(tb);
  ASSERT_EQ(kv.find_computed_blocks(hb, 81), 48);
  const std::vector<BlockId> hits(kv.computed_blocks().begin(), kv.computed_blocks().end());
  RequestKv b;
  EXPECT_FALSE(kv.allocate_slots(b, hb, 0, 33, hits, 81));
  EXPECT_TRUE(b.blocks.empty());
  EXPECT_EQ(kv.pool().num_free(), 4);
  // With 16 more tokens only, 1 new block is needed: fits.
  EXPECT_TRUE(kv.allocate_slots(b, hb, 0, 16, hits, 81));
  EXPECT_EQ(b.blocks.size(), 4u);
  EXPECT_EQ(b.num_cached_blocks, 4);
  EXPECT_EQ(kv.pool().num_free(), 0);
}

TEST(KvCacheManager, FreeReleasesInReverseOrder) {
  KvCacheManager kv(6, 16, true);
  const auto t = tokens(64, 3);
  RequestKv a;
  ASSERT_TRUE(kv.allocate_slots(a, hashes_of(t), 0, 64, {}, 64));
  EXPECT_EQ(a.blocks, (std::vector<BlockId>{1, 2, 3, 4}));
  kv.free(a);
  EXPECT_EQ(kv.pool().free_queue_order(), (std::vector<BlockId>{5, 4, 3, 2, 1}));
}

TEST(BlockHash, ChainsPrefixesAndOnlyHashesFullBlocks) {
  const auto a = tokens(40, 1);
  auto b = a;
  b[20] = 999999;
  const auto ha = hashes_of(a);
  const auto hb = hashes_of(b);
  ASSERT_EQ(ha.size(), 2u);
  EXPECT_EQ(ha[0], hb[0]);
  EXPECT_NE(ha[1], hb[1]);
  // Same block content after a different prefix hashes differently.
  auto c = a;
  c[0] = 5;
  EXPECT_NE(hashes_of(c)[1], ha[1]);
  // Incremental extension equals hashing at once.
  std::vector<BlockHash> inc;
  std::vector<TokenId> grow;
  for (const TokenId x : a) {
    grow.push_back(x);
    extend_block_hashes(inc, grow, 16, 0, {});
  }
  EXPECT_EQ(inc, ha);
}

TEST(BlockHash, SeedLoraAndSaltSeparateCaches) {
  const auto a = tokens(32, 1);
  std::vector<BlockHash> plain, seeded, lora, salted;
  extend_block_hashes(plain, a, 16, 0, {});
  extend_block_hashes(seeded, a, 16, 1, {});
  extend_block_hashes(lora, a, 16, 0, {hash_string("adapter"), 0});
  extend_block_hashes(salted, a, 16, 0, {0, hash_string("salt")});
  EXPECT_NE(plain[0], seeded[0]);
  EXPECT_NE(plain[0], lora[0]);
  EXPECT_NE(plain[0], salted[0]);
  EXPECT_NE(plain[1], salted[1]);  // the salt reaches later blocks through the chain
}

}  // namespace
}  // namespace lmbench::sim
