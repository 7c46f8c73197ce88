// Engine behaviour a server relies on: submission errors, outputs, finish reasons, abort, the
// frontend delay, idle time, metrics.

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "sim/engine.h"
#include "sim_test_util.h"

namespace lmbench::sim {
namespace {

using namespace std::chrono_literals;
using testing::prompt_tokens;
using testing::run_until_idle;
using testing::spec;
using testing::submit_ok;
using testing::tiny_profile;

std::map<RequestId, std::vector<TokenId>> outputs_of(Engine& engine) {
  std::map<RequestId, std::vector<TokenId>> out;
  run_until_idle(engine, [&](const StepResult& r) {
    for (const auto& e : r.emissions) out[e.id].push_back(e.token);
  });
  return out;
}

TEST(Engine, RejectsBadRequestsAsValues) {
  Engine engine(tiny_profile(64, 64));
  auto empty = engine.submit(spec({}, 4));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, "invalid_request");
  auto too_long = engine.submit(spec(prompt_tokens(4000, 1), 100));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().kind, "context_length");
  EXPECT_EQ(too_long.error().message,
            "This model's maximum context length is 4096 tokens. However, you requested 4100 tokens (4000 in the "
            "messages, 100 in the completion). Please reduce the length of the messages or completion.");
  auto too_big = engine.submit(spec(prompt_tokens(2000, 1), 100));  // 132 blocks > 63
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().kind, "capacity");
  auto bad_token = engine.submit(spec({1, 2, 200000}, 4));
  ASSERT_FALSE(bad_token.ok());
  EXPECT_EQ(bad_token.error().kind, "invalid_request");
  auto zero = engine.submit(spec({1, 2, 3}, 0));
  EXPECT_FALSE(zero.ok());
  EXPECT_FALSE(engine.next_event_time().has_value());
}

TEST(Engine, OutputsAreDeterministicPerSeedAndPrompt) {
  auto run = [](std::uint64_t seed) {
    Profile p = tiny_profile(64, 64);
    p.output.seed = seed;
    Engine engine(p);
    submit_ok(engine, spec(prompt_tokens(30, 1), 12));
    submit_ok(engine, spec(prompt_tokens(30, 1), 12));  // same prompt
    submit_ok(engine, spec(prompt_tokens(30, 2), 12));
    return outputs_of(engine);
  };
  const auto a = run(7);
  const auto b = run(7);
  const auto c = run(8);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.at(1), a.at(2));  // equal prompts, equal answers
  EXPECT_NE(a.at(1), a.at(3));
  EXPECT_NE(a.at(1), c.at(1));
  for (const TokenId t : a.at(1)) {
    EXPECT_GE(t, 1000);
    EXPECT_LT(t, 30000);
  }
  // An explicit request seed overrides the prompt-derived one.
  Engine engine(tiny_profile(64, 64));
  auto s1 = spec(prompt_tokens(30, 1), 12);
  s1.params.seed = 99;
  auto s2 = spec(prompt_tokens(30, 2), 12);
  s2.params.seed = 99;
  submit_ok(engine, s1);
  submit_ok(engine, s2);
  const auto seeded = outputs_of(engine);
  EXPECT_EQ(seeded.at(1), seeded.at(2));
}

TEST(Engine, EosProbabilityEndsRequestsEarlyUnlessIgnoredOrBeforeMinTokens) {
  Profile p = tiny_profile(4000, 2048, 256);
  p.output.eos_probability = 0.2;
  Engine engine(p);
  std::vector<RequestId> normal, ignore, min_tokens;
  for (int i = 0; i < 40; ++i) {
    normal.push_back(submit_ok(engine, spec(prompt_tokens(20, i), 50)));
    auto s = spec(prompt_tokens(20, 100 + i), 50);
    s.params.ignore_eos = true;
    ignore.push_back(submit_ok(engine, s));
    min_tokens.push_back(submit_ok(engine, spec(prompt_tokens(20, 200 + i), 50, 10)));
  }
  std::map<RequestId, FinishedRequest> done;
  std::map<RequestId, TokenId> last;
  run_until_idle(engine, [&](const StepResult& r) {
    for (const auto& e : r.emissions) last[e.id] = e.token;
    for (const auto& f : r.finished) done[f.id] = f;
  });
  int stopped = 0;
  for (const RequestId id : normal) {
    if (done.at(id).reason == FinishReason::kStop) {
      ++stopped;
      EXPECT_EQ(last.at(id), 128009);
      EXPECT_LT(done.at(id).output_tokens, 50);
    }
  }
  EXPECT_GT(stopped, 30);  // P(no EOS in 50 tokens) = 0.8^50
  for (const RequestId id : ignore) {
    EXPECT_EQ(done.at(id).reason, FinishReason::kLength);
    EXPECT_EQ(done.at(id).output_tokens, 50);
  }
  for (const RequestId id : min_tokens) EXPECT_GE(done.at(id).output_tokens, 10);
}

TEST(Engine, StopTokenIdsFinishWithStop) {
  Engine engine(tiny_profile(64, 64));
  // Learn the answer, then ask again with its 3rd token as a stop token id.
  auto s = spec(prompt_tokens(20, 1), 8);
  submit_ok(engine, s);
  const auto first = outputs_of(engine);
  const auto& answer = first.begin()->second;
  s.params.stop_token_ids = {answer[2]};
  submit_ok(engine, s);
  FinishedRequest f;
  run_until_idle(engine, [&](const StepResult& r) {
    if (!r.finished.empty()) f = r.finished[0];
  });
  EXPECT_EQ(f.reason, FinishReason::kStop);
  EXPECT_EQ(f.output_tokens, 3);
}

TEST(Engine, AbortFreesBlocksAndCountsTheReason) {
  Engine engine(tiny_profile(64, 64));
  const RequestId a = submit_ok(engine, spec(prompt_tokens(40, 1), 100));
  const RequestId b = submit_ok(engine, spec(prompt_tokens(40, 2), 100));
  engine.step();
  EXPECT_GT(engine.kv_cache_usage(), 0.0);
  const auto fa = engine.abort(a);
  ASSERT_TRUE(fa.has_value());
  EXPECT_EQ(fa->reason, FinishReason::kAbort);
  EXPECT_FALSE(engine.abort(a).has_value());
  EXPECT_FALSE(engine.abort(12345).has_value());
  const auto fb = engine.abort(b, FinishReason::kStop);  // b is still waiting
  ASSERT_TRUE(fb.has_value());
  EXPECT_EQ(engine.num_waiting(), 0u);
  EXPECT_EQ(engine.kv_cache_usage(), 0.0);
  const auto& m = engine.metrics();
  EXPECT_EQ(m.request_success[static_cast<int>(FinishReason::kAbort)], 1u);
  EXPECT_EQ(m.request_success[static_cast<int>(FinishReason::kStop)], 1u);
  EXPECT_FALSE(engine.next_event_time().has_value());
  engine.step();  // an empty step is harmless
}

TEST(Engine, FrontendDelaysQueueingAndIdleTimeIsSkipped) {
  Profile p = tiny_profile(64, 64);
  p.frontend.base_ms = 3;
  p.frontend.per_token_us = 500;  // 20 tokens: +10 ms
  Engine engine(p);
  const RequestId id = submit_ok(engine, spec(prompt_tokens(20, 1), 2), 100ms);
  EXPECT_EQ(engine.num_in_frontend(), 1u);
  ASSERT_TRUE(engine.next_event_time().has_value());
  EXPECT_EQ(*engine.next_event_time(), 113ms);
  EXPECT_TRUE(engine.step().scheduled.empty());  // at t=0 nothing is ready
  engine.advance_to(*engine.next_event_time());
  const StepResult& r = engine.step();
  EXPECT_EQ(r.start, 113ms);
  ASSERT_EQ(r.emissions.size(), 1u);
  EXPECT_EQ(r.emissions[0].id, id);
  EXPECT_EQ(engine.metrics().time_to_first_token.count(), 1u);
  EXPECT_NEAR(engine.metrics().time_to_first_token.sum(), core::to_seconds(r.end() - 100ms), 1e-9);
  // Aborting in the frontend never reaches the scheduler.
  const RequestId gone = submit_ok(engine, spec(prompt_tokens(20, 2), 2));
  ASSERT_TRUE(engine.abort(gone).has_value());
  run_until_idle(engine);
  EXPECT_EQ(engine.metrics().request_success[static_cast<int>(FinishReason::kAbort)], 1u);
  EXPECT_EQ(engine.find(gone), nullptr);
}

TEST(Engine, MetricsCountTokensRequestsAndLatencies) {
  Engine engine(tiny_profile(64, 64));
  submit_ok(engine, spec(prompt_tokens(100, 1), 5));
  submit_ok(engine, spec(prompt_tokens(30, 2), 3));
  const int steps = run_until_idle(engine);
  const auto& m = engine.metrics();
  EXPECT_EQ(m.prompt_tokens, 130u);
  EXPECT_EQ(m.generation_tokens, 8u);
  EXPECT_EQ(m.request_success[static_cast<int>(FinishReason::kLength)], 2u);
  EXPECT_EQ(m.time_to_first_token.count(), 2u);
  EXPECT_EQ(m.inter_token_latency.count(), 6u);
  EXPECT_EQ(m.e2e_request_latency.count(), 2u);
  EXPECT_EQ(m.request_prefill_time.count(), 2u);
  EXPECT_EQ(m.request_prompt_tokens.sum(), 130.0);
  EXPECT_EQ(m.request_params_max_tokens.sum(), 8.0);
  EXPECT_EQ(m.iteration_tokens.count(), static_cast<std::uint64_t>(steps));
  EXPECT_EQ(m.iteration_tokens.sum(), 130.0 + 6.0);
  EXPECT_EQ(m.prefix_cache_queries, 130u);
  std::uint64_t in_buckets = 0;
  for (const auto c : m.time_to_first_token.counts()) in_buckets += c;
  EXPECT_EQ(in_buckets, 2u);
  EXPECT_EQ(buckets_1_2_5(100), (std::vector<double>{1, 2, 5, 10, 20, 50, 100}));
}

TEST(Engine, JitterIsSeededAndBounded) {
  auto durations = [](double sigma) {
    Profile p = tiny_profile(64, 64);
    p.step.jitter_sigma = sigma;
    Engine engine(p);
    submit_ok(engine, spec(prompt_tokens(20, 1), 30));
    std::vector<core::Duration> d;
    run_until_idle(engine, [&](const StepResult& r) { d.push_back(r.duration); });
    return d;
  };
  const auto plain = durations(0);
  const auto j1 = durations(0.3);
  EXPECT_EQ(j1, durations(0.3));
  EXPECT_NE(j1, plain);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    EXPECT_GE(j1[i], plain[i] * 0.29);
    EXPECT_LE(j1[i], plain[i] * 1.71);
  }
}

}  // namespace
}  // namespace lmbench::sim

namespace lmbench::sim {
namespace {

TEST(Engine, AnInvalidProfileIsAConfigError) {
  Profile p = testing::tiny_profile();
  p.scheduler.num_gpu_blocks = 1;
  try {
    Engine engine(p);
    FAIL() << "expected a ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("scheduler.num_gpu_blocks: expected at least 2, found 1"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace lmbench::sim
