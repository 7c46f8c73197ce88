// Scripted request sequences through the real engine (virtual time), asserting what each step
// schedules: SIMULATOR.md §1.2.

#include <gtest/gtest.h>

#include "sim/engine.h"
#include "sim_test_util.h"

namespace lmbench::sim {
namespace {

using testing::prompt_tokens;
using testing::run_until_idle;
using testing::scheduled_of;
using testing::spec;
using testing::submit_ok;
using testing::tiny_profile;

TEST(Scheduler, ChunksAPrefillByTheTokenBudgetAndEmitsAfterTheLastChunk) {
  Engine engine(tiny_profile(64, 64));
  const RequestId a = submit_ok(engine, spec(prompt_tokens(150, 1), 3));
  const StepResult& s1 = engine.step();
  ASSERT_EQ(s1.scheduled.size(), 1u);
  EXPECT_EQ(s1.scheduled[0].new_tokens, 64);
  EXPECT_EQ(s1.scheduled[0].context_tokens, 0);
  EXPECT_TRUE(s1.scheduled[0].admitted);
  EXPECT_TRUE(s1.emissions.empty());
  const StepResult& s2 = engine.step();
  EXPECT_EQ(s2.scheduled[0].new_tokens, 64);
  EXPECT_EQ(s2.scheduled[0].context_tokens, 64);
  EXPECT_FALSE(s2.scheduled[0].admitted);
  EXPECT_TRUE(s2.emissions.empty());
  const StepResult& s3 = engine.step();
  EXPECT_EQ(s3.scheduled[0].new_tokens, 22);
  ASSERT_EQ(s3.emissions.size(), 1u);
  EXPECT_EQ(s3.emissions[0].id, a);
  EXPECT_TRUE(s3.emissions[0].first);
  const StepResult& s4 = engine.step();  // decode
  EXPECT_EQ(s4.scheduled[0].new_tokens, 1);
  EXPECT_EQ(s4.scheduled[0].context_tokens, 150);
  const StepResult& s5 = engine.step();
  ASSERT_EQ(s5.emissions.size(), 1u);
  EXPECT_EQ(s5.emissions[0].finish, FinishReason::kLength);
  ASSERT_EQ(s5.finished.size(), 1u);
  EXPECT_EQ(s5.finished[0].output_tokens, 3);
  EXPECT_FALSE(engine.next_event_time().has_value());
}

TEST(Scheduler, DecodesGoFirstAndPrefillFillsTheRemainingBudget) {
  Engine engine(tiny_profile(64, 64));
  const RequestId a = submit_ok(engine, spec(prompt_tokens(20, 1), 10));
  engine.step();  // A prefills and emits
  const RequestId b = submit_ok(engine, spec(prompt_tokens(100, 2), 10));
  const StepResult& s = engine.step();
  ASSERT_EQ(s.scheduled.size(), 2u);
  EXPECT_EQ(s.scheduled[0].id, a);
  EXPECT_EQ(s.scheduled[0].new_tokens, 1);
  EXPECT_EQ(s.scheduled[1].id, b);
  EXPECT_EQ(s.scheduled[1].new_tokens, 63);
  EXPECT_EQ(s.num_tokens, 64);
  // A running prefill continues before new admissions, in FIFO order.
  const RequestId c = submit_ok(engine, spec(prompt_tokens(30, 3), 10));
  const StepResult& s2 = engine.step();
  ASSERT_EQ(s2.scheduled.size(), 3u);
  EXPECT_EQ(s2.scheduled[0].id, a);
  EXPECT_EQ(s2.scheduled[1].id, b);
  EXPECT_EQ(s2.scheduled[1].new_tokens, 37);
  EXPECT_EQ(s2.scheduled[2].id, c);
  EXPECT_EQ(s2.scheduled[2].new_tokens, 26);
}

TEST(Scheduler, StopsAdmittingAtMaxNumSeqs) {
  Engine engine(tiny_profile(64, 64, 2));
  submit_ok(engine, spec(prompt_tokens(8, 1), 5));
  submit_ok(engine, spec(prompt_tokens(8, 2), 5));
  const RequestId c = submit_ok(engine, spec(prompt_tokens(8, 3), 5));
  const StepResult& s = engine.step();
  EXPECT_EQ(s.scheduled.size(), 2u);
  EXPECT_EQ(scheduled_of(s, c), nullptr);
  EXPECT_EQ(engine.num_running(), 2u);
  EXPECT_EQ(engine.num_waiting(), 1u);
  // C is admitted in the step after a slot frees.
  bool c_admitted = false;
  run_until_idle(engine, [&](const StepResult& r) {
    if (const auto* e = scheduled_of(r, c); e && e->admitted) c_admitted = true;
    EXPECT_LE(r.scheduled.size(), 2u);
  });
  EXPECT_TRUE(c_admitted);
}

TEST(Scheduler, PreemptsTheLastRunningRequestAndRecomputesIt) {
  // 7 usable blocks (112 tokens). A and B each take 3 blocks for 48-token prompts; their decodes
  // need a 4th block each at token 49, and only one is left.
  Engine engine(tiny_profile(8, 256, 8));
  const RequestId a = submit_ok(engine, spec(prompt_tokens(48, 1), 8));
  const RequestId b = submit_ok(engine, spec(prompt_tokens(48, 2), 8));
  const StepResult& s1 = engine.step();
  ASSERT_EQ(s1.scheduled.size(), 2u);
  ASSERT_EQ(s1.emissions.size(), 2u);
  EXPECT_DOUBLE_EQ(engine.kv_cache_usage(), 6.0 / 7.0);
  // Step 2: A's decode takes the last free block; B's decode cannot allocate, B is the tail of the
  // running list, so B preempts itself.
  const StepResult& s2 = engine.step();
  ASSERT_EQ(s2.preempted.size(), 1u);
  EXPECT_EQ(s2.preempted[0], b);
  ASSERT_EQ(s2.scheduled.size(), 1u);
  EXPECT_EQ(s2.scheduled[0].id, a);
  EXPECT_EQ(engine.metrics().num_preemptions, 1u);
  const Request* rb = engine.find(b);
  ASSERT_NE(rb, nullptr);
  EXPECT_EQ(rb->status, RequestStatus::kPreempted);
  EXPECT_EQ(rb->num_computed, 0);
  EXPECT_TRUE(rb->kv.blocks.empty());
  EXPECT_EQ(rb->num_output_tokens(), 1);  // its output so far is kept and recomputed
  EXPECT_EQ(engine.num_waiting(), 1u);
  // Nothing is admitted in a step that preempted; later B comes back, recomputing 49 tokens of
  // which its 3 cached prompt blocks (freed but still cached) are hits.
  bool resumed = false;
  run_until_idle(engine, [&](const StepResult& r) {
    if (const auto* e = scheduled_of(r, b); e && e->admitted) {
      resumed = true;
      EXPECT_EQ(e->context_tokens, 48);
      EXPECT_EQ(e->new_tokens, 1);
    }
  });
  EXPECT_TRUE(resumed);
  // Hit-rate counters count first admissions only; the resumption is counted apart.
  EXPECT_EQ(engine.metrics().prefix_cache_queries, 96u);
  EXPECT_EQ(engine.scheduler().counters().preempted_queries, 49u);
  EXPECT_EQ(engine.scheduler().counters().preempted_hits, 48u);
  EXPECT_EQ(engine.metrics().request_success[static_cast<int>(FinishReason::kLength)], 2u);
  EXPECT_EQ(engine.metrics().generation_tokens, 16u);
  (void)a;
}

TEST(Scheduler, PreemptionTakesTheTailNotTheRequestThatNeedsTheBlock) {
  // Three requests of 32 tokens (2 blocks each) in 7 usable blocks; at token 33 each needs a 3rd
  // block and one is free. A (head) gets it; B needs one: the victim is C (tail), whose 2 freed
  // blocks let B allocate.
  Engine engine(tiny_profile(8, 256, 8));
  const RequestId a = submit_ok(engine, spec(prompt_tokens(32, 1), 4));
  const RequestId b = submit_ok(engine, spec(prompt_tokens(32, 2), 4));
  const RequestId c = submit_ok(engine, spec(prompt_tokens(32, 3), 4));
  engine.step();
  const StepResult& s = engine.step();
  ASSERT_EQ(s.preempted.size(), 1u);
  EXPECT_EQ(s.preempted[0], c);
  ASSERT_EQ(s.scheduled.size(), 2u);
  EXPECT_EQ(s.scheduled[0].id, a);
  EXPECT_EQ(s.scheduled[1].id, b);
  EXPECT_EQ(engine.find(c)->status, RequestStatus::kPreempted);
}

TEST(Scheduler, WaitingRequestsNeverPreemptAndStopAtTheFirstFailure) {
  // A holds 5 of 7 blocks; B needs 4 and must wait; C (needs 1) must not jump ahead of B (FCFS).
  Engine engine(tiny_profile(8, 256, 8));
  const RequestId a = submit_ok(engine, spec(prompt_tokens(80, 1), 3));
  engine.step();
  const RequestId b = submit_ok(engine, spec(prompt_tokens(60, 2), 3));
  const RequestId c = submit_ok(engine, spec(prompt_tokens(10, 3), 3));
  const StepResult& s = engine.step();
  ASSERT_EQ(s.scheduled.size(), 1u);
  EXPECT_EQ(s.scheduled[0].id, a);
  EXPECT_TRUE(s.preempted.empty());
  EXPECT_EQ(engine.num_waiting(), 2u);
  EXPECT_EQ(engine.scheduler().waiting().front()->id, b);
  (void)c;
}

TEST(Scheduler, PrefixHitIsCappedAtPromptLengthMinusOne) {
  Engine engine(tiny_profile(64, 256, 8));
  const auto p48 = prompt_tokens(48, 7);
  submit_ok(engine, spec(p48, 1));
  run_until_idle(engine);
  // The same 48 tokens: three blocks cached, but the hit stops at (48-1)/16 = 2 blocks.
  const RequestId again = submit_ok(engine, spec(p48, 1));
  const StepResult& s = engine.step();
  const auto* e = scheduled_of(s, again);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->context_tokens, 32);
  EXPECT_EQ(e->new_tokens, 16);
  run_until_idle(engine);
  // 49 tokens sharing those 48: the whole 3 blocks hit, 1 token computed.
  auto p49 = p48;
  p49.push_back(5);
  const RequestId longer = submit_ok(engine, spec(p49, 1));
  const StepResult& s2 = engine.step();
  EXPECT_EQ(scheduled_of(s2, longer)->context_tokens, 48);
  EXPECT_EQ(scheduled_of(s2, longer)->new_tokens, 1);
  run_until_idle(engine);
  // A prompt differing in block 1 hits block 0 only.
  auto diverged = p48;
  diverged[20] += 1;
  diverged.push_back(9);
  const RequestId d = submit_ok(engine, spec(diverged, 1));
  const StepResult& s3 = engine.step();
  EXPECT_EQ(scheduled_of(s3, d)->context_tokens, 16);
  const auto& m = engine.metrics();
  EXPECT_EQ(m.prefix_cache_queries, 48u + 48u + 49u + 49u);
  EXPECT_EQ(m.prefix_cache_hits, 0u + 32u + 48u + 16u);
}

TEST(Scheduler, GeneratedTokensAreCachedForTheNextTurn) {
  Engine engine(tiny_profile(64, 256, 8));
  const auto p = prompt_tokens(40, 11);
  std::vector<TokenId> answer;
  const RequestId first = submit_ok(engine, spec(p, 30));
  run_until_idle(engine, [&](const StepResult& r) {
    for (const auto& e : r.emissions) {
      if (e.id == first) answer.push_back(e.token);
    }
  });
  ASSERT_EQ(answer.size(), 30u);
  // 70 tokens; the KV of the first 69 exists (the last sampled token was never fed back), so 4
  // full blocks (64 tokens) are cached, two of them filled by generated tokens.
  std::vector<TokenId> next = p;
  next.insert(next.end(), answer.begin(), answer.end());
  const auto question = prompt_tokens(10, 12);
  next.insert(next.end(), question.begin(), question.end());
  EXPECT_EQ(engine.longest_cached_prefix(next).gpu_tokens, 64);
  const RequestId second = submit_ok(engine, spec(next, 1));
  const StepResult& s = engine.step();
  EXPECT_EQ(scheduled_of(s, second)->context_tokens, 64);
  EXPECT_EQ(scheduled_of(s, second)->new_tokens, 80 - 64);
}

TEST(Scheduler, FinishedBlocksAreFreedInReverseOrderSoTailsAreEvictedFirst) {
  // 9 usable blocks. A's 3 prompt blocks (ids 1,2,3) are cached; when A finishes they go to the
  // free queue tail as 3, 2, 1. Filling the pool then evicts 3 before 2 before 1.
  Engine engine(tiny_profile(10, 256, 8));
  const auto pa = prompt_tokens(48, 1);
  submit_ok(engine, spec(pa, 1));
  run_until_idle(engine);
  EXPECT_EQ(engine.longest_cached_prefix(pa).gpu_tokens, 48);
  // The free queue head holds never-used blocks 4..9, then A's blocks in reverse.
  // B takes 7 blocks (112 tokens): 4..9 and then block 3, A's tail.
  submit_ok(engine, spec(prompt_tokens(112, 2), 1));
  engine.step();
  EXPECT_EQ(engine.longest_cached_prefix(pa).gpu_tokens, 32);  // block 3 (tokens 32..47) evicted
  run_until_idle(engine);
  // B's 7 blocks are appended reversed; the queue is now 2, 1, then B's. One more block evicts
  // block id 2, A's second block, leaving only A's first.
  submit_ok(engine, spec(prompt_tokens(16, 3), 1));
  engine.step();
  EXPECT_EQ(engine.longest_cached_prefix(pa).gpu_tokens, 16);
}

TEST(Scheduler, AHitOnAFreeCachedBlockTakesItOutOfTheFreeQueue) {
  Engine engine(tiny_profile(10, 256, 8));
  const auto pa = prompt_tokens(48, 1);
  submit_ok(engine, spec(pa, 1));
  run_until_idle(engine);
  EXPECT_EQ(engine.kv_cache_usage(), 0.0);  // cached but unreferenced blocks count as free
  auto pa2 = pa;
  pa2.push_back(1);
  submit_ok(engine, spec(pa2, 5));
  engine.step();
  // 3 hit blocks + 1 new block referenced.
  EXPECT_DOUBLE_EQ(engine.kv_cache_usage(), 4.0 / 9.0);
}

}  // namespace
}  // namespace lmbench::sim
