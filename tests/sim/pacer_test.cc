#include <gtest/gtest.h>

#include "core/clock.h"
#include "sim/pacer.h"

namespace lmbench::sim {
namespace {

using namespace std::chrono_literals;

TEST(Pacer, MapsVirtualTimeToWallTimeByTheTimeScale) {
  core::ManualClock clock(core::TimePoint{5s});
  const Pacer pacer(clock, 10.0);
  EXPECT_EQ(pacer.wall_time(0s), core::TimePoint{5s});
  EXPECT_EQ(pacer.wall_time(1s), core::TimePoint{5s} + 100ms);
  clock.advance(50ms);
  EXPECT_EQ(pacer.virtual_now(), 500ms);
  EXPECT_EQ(pacer.lag(1s), -50ms);  // 50 ms early for a step ending at virtual 1 s
  clock.advance(60ms);
  EXPECT_EQ(pacer.lag(1s), 10ms);
}

TEST(Pacer, HonoursAVirtualOriginAndRejectsNonPositiveScales) {
  core::ManualClock clock;
  const Pacer pacer(clock, 1.0, 2s);
  EXPECT_EQ(pacer.wall_time(3s), core::TimePoint{1s});
  EXPECT_THROW(Pacer(clock, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace lmbench::sim

// A paced engine loop as a server will run it, on a manual clock: while idle the engine catches
// up with wall time; each step's tokens are delivered at the wall time its end maps to. Every
// duration a client sees is the model's divided by the time scale.
#include "sim/engine.h"
#include "sim_test_util.h"

namespace lmbench::sim {
namespace {

TEST(Pacer, PacedEngineDeliversTokensAtScaledModelTimes) {
  core::ManualClock clock(core::TimePoint{std::chrono::seconds(100)});
  const Pacer pacer(clock, 10.0);
  Profile p = builtin_profile("llama-3.1-8b-a100-80gb");
  Engine engine(p);
  clock.advance(std::chrono::milliseconds(20));  // a client sends 20 ms (wall) after start
  const core::TimePoint sent = clock.now();
  engine.advance_to(pacer.virtual_now());
  const RequestId id = testing::submit_ok(engine, testing::spec(testing::prompt_tokens(1024, 1), 3));
  std::vector<core::TimePoint> delivered;
  while (auto t = engine.next_event_time()) {
    if (*t > engine.now()) {  // idle until the frontend releases the request: sleep, then catch up
      clock.set(pacer.wall_time(*t));
      engine.advance_to(pacer.virtual_now());
    }
    const StepResult& r = engine.step();
    clock.set(pacer.wall_time(r.end()));  // the driver sleeps until the step's end
    for (const auto& e : r.emissions) {
      if (e.id == id) delivered.push_back(clock.now());
    }
  }
  ASSERT_EQ(delivered.size(), 3u);
  // Cold 1k TTFT is 82.8 ms of model time: 8.28 ms of wall time at scale 10.
  EXPECT_NEAR(core::to_ms(delivered[0] - sent), 8.28, 0.05);
  // Decode steps (~12.4 ms model) arrive ~1.24 ms apart.
  EXPECT_NEAR(core::to_ms(delivered[1] - delivered[0]), 1.24, 0.02);
}

}  // namespace
}  // namespace lmbench::sim
