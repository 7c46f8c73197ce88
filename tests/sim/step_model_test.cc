// The step-time model of SIMULATOR.md §1.4 against hand-computed values.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/profile.h"
#include "sim/step_model.h"

namespace lmbench::sim {
namespace {

TEST(StepModel, LinearTableIsExactAtItsPointsAndLogLogBetween) {
  const StepModel m(builtin_profile("llama-3.1-8b-a100-80gb"));
  EXPECT_DOUBLE_EQ(m.linear_ms(1), 9.70);
  EXPECT_NEAR(m.linear_ms(2048), 145.6, 1e-9);
  EXPECT_NEAR(m.linear_ms(16384), 1082.8, 1e-9);
  // Geometric midpoint in N maps to the geometric mean in ms.
  EXPECT_NEAR(m.linear_ms(1448), std::sqrt(75.14 * 145.6), 0.05);
  // Above the table: + 67 us per token.
  EXPECT_NEAR(m.linear_ms(16384 + 1000), 1082.8 + 67.0, 1e-9);
}

TEST(StepModel, DecodeStepIsOverheadLinearLmHeadAndKvReads) {
  const StepModel m(builtin_profile("llama-3.1-8b-a100-80gb"));
  std::vector<StepItem> batch(64, StepItem{1, 1024, 0, true});
  // 2 + T_lin(64) + max(1.05e9/1.6e12, 2*4096*128256*64/180e12) + 64*1024*131072/1.5e12 (in ms).
  const double expected = 2.0 + 11.23 + 1e3 * 1.05e9 / 1.6e12 + 1e3 * 64 * 1024 * 131072.0 / 1.5e12;
  EXPECT_NEAR(m.compute_ms(batch), expected, 1e-9);
  EXPECT_NEAR(core::to_ms(m.step_time(batch)), expected, 1e-6);
}

TEST(StepModel, LmHeadTurnsComputeBoundWithManySampledRows) {
  const StepModel m(builtin_profile("llama-3.1-8b-a100-80gb"));
  std::vector<StepItem> batch(128, StepItem{1, 0, 0, true});
  const double head = 1e3 * 2.0 * 4096 * 128256.0 * 128 / 180e12;
  EXPECT_GT(head, 1e3 * 1.05e9 / 1.6e12);
  EXPECT_NEAR(m.compute_ms(batch), 2.0 + 13.18 + head, 1e-9);
}

TEST(StepModel, PrefillChunkPaysCausalAttentionOverItsContext) {
  const StepModel m(builtin_profile("llama-3.1-8b-a100-80gb"));
  const std::vector<StepItem> chunk{{2048, 4096, 0, false}};
  const double attn = 1e3 * 4.0 * 32 * 4096 * 2048.0 * (4096 + 1024) / 180e12;
  const double kv = 1e3 * 4096 * 131072.0 / 1.5e12;
  EXPECT_NEAR(m.compute_ms(chunk), 2.0 + 145.6 + attn + kv, 1e-9);  // no LM head: nothing sampled
}

TEST(StepModel, MixedStepMatchesTheCalibratedTable) {
  // SIMULATOR.md: 2048-token chunk at 8k ctx + 64 decodes at 4k = 231 ms (A100), 86 ms (H100 with
  // the calibration before issue 24, now llama-3.1-8b-h100-vllm0.6), 74 ms (H100, docs/SIMULATOR.md).
  std::vector<StepItem> batch{{2048, 8192, 0, false}};
  for (int i = 0; i < 64; ++i) batch.push_back({1, 4096, 0, true});
  EXPECT_NEAR(StepModel(builtin_profile("llama-3.1-8b-a100-80gb")).compute_ms(batch), 231.0, 231.0 * 0.1);
  EXPECT_NEAR(StepModel(builtin_profile("llama-3.1-8b-h100-vllm0.6")).compute_ms(batch), 86.0, 86.0 * 0.1);
  EXPECT_NEAR(StepModel(builtin_profile("llama-3.1-8b-h100")).compute_ms(batch), 74.0, 74.0 * 0.1);
}

TEST(StepModel, LmCacheLoadIsSerialUnlessLayerwise) {
  Profile p = builtin_profile("llama-3.1-8b-a100-80gb");
  const std::vector<StepItem> item{{288, 19712, 19712, true}};
  const double load = 1.0 + 1e3 * 19712 * 131072.0 / 25e9;
  const StepModel serial(p);
  EXPECT_NEAR(serial.load_ms(item), load, 1e-9);
  EXPECT_NEAR(core::to_ms(serial.step_time(item)), serial.compute_ms(item) + load, 1e-6);
  p.lmcache.layerwise = true;
  const StepModel overlapped(p);
  EXPECT_NEAR(core::to_ms(overlapped.step_time(item)), std::max(overlapped.compute_ms(item), load), 1e-6);
}

TEST(StepModel, FrontendDelayIsBasePlusPerToken) {
  const StepModel m(builtin_profile("llama-3.1-8b-a100-80gb"));
  EXPECT_NEAR(core::to_ms(m.frontend_delay(20000)), 3.0 + 10.0, 1e-6);
}

}  // namespace
}  // namespace lmbench::sim
