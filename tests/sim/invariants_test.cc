// Randomised scripted loads on a tight KV pool (preemptions, prefix sharing, aborts), checking
// the block accounting after every step: each block's ref count equals the number of live
// requests holding it, and the free queue holds exactly the unreferenced blocks.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "sim/engine.h"
#include "sim_test_util.h"

namespace lmbench::sim {
namespace {

void check_blocks(const Engine& engine, const BlockPool& pool) {
  std::map<BlockId, int> holders;
  auto count = [&](const Request* r) {
    for (const BlockId b : r->kv.blocks) ++holders[b];
  };
  for (const Request* r : engine.scheduler().running()) {
    if (r->status != RequestStatus::kFinished) count(r);
  }
  for (const Request* r : engine.scheduler().waiting()) count(r);
  const auto free = pool.free_queue_order();
  const std::set<BlockId> free_set(free.begin(), free.end());
  ASSERT_EQ(free_set.size(), free.size()) << "a block is queued twice";
  for (BlockId id = 1; id < pool.num_blocks(); ++id) {
    const int held = holders.count(id) ? holders[id] : 0;
    ASSERT_EQ(pool.ref_count(id), held) << "block " << id;
    ASSERT_EQ(free_set.count(id) == 1, held == 0) << "block " << id;
  }
  ASSERT_EQ(pool.num_free(), static_cast<int>(free.size()));
}

class RandomLoad : public ::testing::TestWithParam<int> {};

TEST_P(RandomLoad, BlockAccountingHoldsAndEveryRequestFinishes) {
  const int seed = GetParam();
  std::mt19937 rng(static_cast<unsigned>(seed));
  Profile p = testing::tiny_profile(48, 96, 6);  // 47 usable blocks: constant pressure
  p.output.eos_probability = 0.02;
  p.lmcache.enabled = seed % 2 == 0;
  p.lmcache.cpu_size_gb = 0.2;
  Engine engine(p);
  // A few shared prefixes so requests hit each other's blocks.
  std::vector<std::vector<TokenId>> prefixes;
  for (int i = 0; i < 3; ++i) prefixes.push_back(testing::prompt_tokens(32 + 48 * i, 500 + i));
  std::set<RequestId> live;
  int submitted = 0;
  int finished = 0;
  for (int step = 0; step < 3000 && (submitted < 120 || !live.empty()); ++step) {
    if (submitted < 120 && rng() % 3 == 0) {
      auto prompt = prefixes[rng() % prefixes.size()];
      const auto tail = testing::prompt_tokens(static_cast<int>(1 + rng() % 120), 1000 + submitted);
      prompt.insert(prompt.end(), tail.begin(), tail.end());
      auto s = testing::spec(prompt, static_cast<int>(1 + rng() % 60));
      const auto id = engine.submit(s);
      ASSERT_TRUE(id.ok()) << id.error().message;
      live.insert(*id);
      ++submitted;
    }
    if (!live.empty() && rng() % 25 == 0) {
      auto it = live.begin();
      std::advance(it, static_cast<long>(rng() % live.size()));
      ASSERT_TRUE(engine.abort(*it).has_value());
      live.erase(it);
      ++finished;
    }
    const auto t = engine.next_event_time();
    if (!t) continue;
    engine.advance_to(*t);
    const StepResult& r = engine.step();
    ASSERT_LE(r.num_tokens, 96);
    ASSERT_LE(engine.num_running(), 6u);
    for (const auto& f : r.finished) {
      ASSERT_EQ(live.erase(f.id), 1u);
      ++finished;
    }
    check_blocks(engine, engine.block_pool());
    const double usage = engine.kv_cache_usage();
    ASSERT_GE(usage, 0.0);
    ASSERT_LE(usage, 1.0);
  }
  EXPECT_EQ(submitted, 120);
  EXPECT_TRUE(live.empty());
  EXPECT_EQ(finished, 120);
  EXPECT_EQ(engine.kv_cache_usage(), 0.0);
  EXPECT_GT(engine.metrics().num_preemptions, 0u) << "the load was meant to preempt";
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomLoad, ::testing::Range(1, 9));

}  // namespace
}  // namespace lmbench::sim
