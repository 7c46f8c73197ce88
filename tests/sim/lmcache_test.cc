// The LMCache CPU tier: the store on its own, then through engines (hits, counters, async store
// visibility, sharing between engines).

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "sim/engine.h"
#include "sim/lmcache.h"
#include "sim_test_util.h"

namespace lmbench::sim {
namespace {

using namespace std::chrono_literals;
using testing::prompt_tokens;
using testing::run_until_idle;
using testing::scheduled_of;
using testing::spec;
using testing::submit_ok;

TEST(LmCacheStore, CapacityComesFromGigabytesAndChunkBytes) {
  LmCacheConfig c;
  c.cpu_size_gb = 5.0;  // LMCache's default: 149 chunks of 32 MiB = ~38k tokens
  EXPECT_EQ(LmCacheStore::capacity_for(c, 131072.0), 149u);
  c.cpu_size_gb = 120.0;  // the production-stack benchmark's buffer: ~915k tokens
  EXPECT_EQ(LmCacheStore::capacity_for(c, 131072.0) * 256, 915456u);
}

TEST(LmCacheStore, EvictsTheLeastRecentlyUsedChunk) {
  LmCacheStore store(2);
  EXPECT_TRUE(store.insert(1, 0s));
  EXPECT_TRUE(store.insert(2, 0s));
  EXPECT_FALSE(store.insert(1, 0s));  // present: touched, not stored again
  EXPECT_TRUE(store.insert(3, 0s));   // evicts 2, the least recently used
  EXPECT_TRUE(store.contains(1, 0s));
  EXPECT_FALSE(store.contains(2, 0s));
  EXPECT_TRUE(store.contains(3, 0s));
  EXPECT_EQ(store.num_evictions(), 1u);
}

TEST(LmCacheStore, LookupWalksChunkKeysInPrefixOrderAndHonoursVisibility) {
  // 4 blocks per chunk: chunk j's key is block hash 4j+3.
  std::vector<BlockHash> h{10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33};
  LmCacheStore store(10);
  store.insert(13, 0s);
  store.insert(23, 5s);  // its copy finishes at t = 5 s
  store.insert(33, 0s);
  EXPECT_EQ(store.lookup(h, 4, 3, 1s), 1u);   // chunk 1 not visible yet: stop there
  EXPECT_EQ(store.lookup(h, 4, 3, 5s), 3u);
  EXPECT_EQ(store.lookup(h, 4, 2, 5s), 2u);   // capped
  EXPECT_EQ(store.peek(h, 4, 5s), 3u);
  h[7] = 99;
  EXPECT_EQ(store.lookup(h, 4, 3, 5s), 1u);   // first miss ends the hit
}

Profile lmcache_profile() {
  Profile p = builtin_profile("llama-3.1-8b-a100-80gb");
  p.lmcache.enabled = true;
  p.lmcache.cpu_size_gb = 1.0;  // 29 chunks
  p.frontend.base_ms = 0;
  p.frontend.per_token_us = 0;
  return p;
}

TEST(LmCacheTier, LoadsChunksTheGpuCacheLostAndCountsExternalHits) {
  Engine engine(lmcache_profile());
  const auto prompt = prompt_tokens(1100, 1);  // 4 full chunks (1024 tokens)
  submit_ok(engine, spec(prompt, 1));
  run_until_idle(engine);
  engine.advance_to(engine.now() + 1s);
  EXPECT_EQ(engine.lmcache()->size(), 4u);
  ASSERT_TRUE(engine.reset_prefix_cache());
  auto next = prompt;
  next.push_back(42);
  const RequestId id = submit_ok(engine, spec(next, 1));
  const StepResult& s = engine.step();
  const auto* e = scheduled_of(s, id);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->loaded_tokens, 1024);
  EXPECT_EQ(e->context_tokens, 1024);
  EXPECT_EQ(e->new_tokens, 1101 - 1024);
  EXPECT_EQ(s.loaded_tokens, 1024);
  const auto& m = engine.metrics();
  EXPECT_EQ(m.external_prefix_cache_queries, 1100u + 1101u);
  EXPECT_EQ(m.external_prefix_cache_hits, 1024u);
  EXPECT_EQ(m.prefix_cache_hits, 0u);
  // The step paid the load: 1024 tokens x 128 KiB at 25 GB/s + 1 ms.
  const double load_ms = 1.0 + 1e3 * 1024 * 131072.0 / 25e9;
  EXPECT_GT(core::to_ms(s.duration), load_ms);
}

TEST(LmCacheTier, GpuHitBeyondTheCpuHitLoadsNothing) {
  Engine engine(lmcache_profile());
  const auto prompt = prompt_tokens(600, 2);
  submit_ok(engine, spec(prompt, 1));
  run_until_idle(engine);
  engine.advance_to(engine.now() + 1s);
  auto next = prompt;
  next.push_back(7);
  const RequestId id = submit_ok(engine, spec(next, 1));
  const StepResult& s = engine.step();
  EXPECT_EQ(scheduled_of(s, id)->context_tokens, 592);  // GPU: 37 blocks; LMCache: 2 chunks = 512
  EXPECT_EQ(scheduled_of(s, id)->loaded_tokens, 0);
  EXPECT_EQ(engine.metrics().external_prefix_cache_hits, 0u);
}

TEST(LmCacheTier, AStoreIsVisibleOnlyAfterItsCopy) {
  Engine engine(lmcache_profile());
  const auto prompt = prompt_tokens(2048, 3);  // 8 chunks = 256 MiB: ~10.7 ms at 25 GB/s
  submit_ok(engine, spec(prompt, 1));
  run_until_idle(engine);
  ASSERT_TRUE(engine.reset_prefix_cache());
  // Right after the prefill, no chunk has finished copying... (the first chunk needs 1.3 ms)
  EXPECT_EQ(engine.longest_cached_prefix(prompt).cpu_tokens, 0);
  engine.advance_to(engine.now() + 6ms);
  const int partial = engine.longest_cached_prefix(prompt).cpu_tokens;
  EXPECT_GT(partial, 0);
  EXPECT_LT(partial, 2048);
  engine.advance_to(engine.now() + 10ms);
  EXPECT_EQ(engine.longest_cached_prefix(prompt).cpu_tokens, 2048);
}

TEST(LmCacheTier, ASharedBufferServesOtherEngines) {
  const Profile p = lmcache_profile();
  auto shared = std::make_shared<LmCacheStore>(LmCacheStore::capacity_for(p.lmcache, p.step.kv_bytes_per_token));
  Engine a(p, shared);
  Engine b(p, shared);
  const auto prompt = prompt_tokens(800, 4);
  submit_ok(a, spec(prompt, 1));
  run_until_idle(a);
  b.advance_to(a.now() + 1s);
  const RequestId id = submit_ok(b, spec(prompt, 1));
  const StepResult& s = b.step();
  EXPECT_EQ(scheduled_of(s, id)->loaded_tokens, 768);
  EXPECT_EQ(b.metrics().external_prefix_cache_hits, 768u);
}

TEST(LmCacheTier, WithoutLmCacheNothingIsExternal) {
  Profile p = lmcache_profile();
  p.lmcache.enabled = false;
  Engine engine(p);
  EXPECT_EQ(engine.lmcache(), nullptr);
  submit_ok(engine, spec(prompt_tokens(600, 5), 1));
  run_until_idle(engine);
  EXPECT_EQ(engine.metrics().external_prefix_cache_queries, 0u);
}

}  // namespace
}  // namespace lmbench::sim
