// The wall-clock driver of an engine, with a real thread and the steady clock.
#include "sim/engine_loop.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "sim/profile.h"

namespace lmbench::sim {
namespace {

using namespace std::chrono_literals;

// Keeps the request's FinishedRequest; the test waits for it.
class Capture final : public TokenSink {
 public:
  FinishReason on_token(const Emission&) override { return FinishReason::kNone; }
  void on_finished(const FinishedRequest& f) override {
    std::lock_guard lock(mu_);
    finished_ = f;
    cv_.notify_all();
  }
  bool deliver(core::TimePoint) override { return true; }
  void on_rejected(const core::Error&) override {}
  std::optional<FinishedRequest> wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return finished_.has_value(); });
    return finished_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<FinishedRequest> finished_;
};

RequestSpec spec(int prompt, int max_tokens, std::int32_t first_id) {
  RequestSpec s;
  for (int i = 0; i < prompt; ++i) s.prompt.push_back(first_id + i);
  s.params.max_tokens = max_tokens;
  s.params.ignore_eos = true;
  return s;
}

// A request the server read while the engine was busy, but parsed for longer than a few steps,
// joins the first step after its modelled frontend delay (the engine waits for it), not a step
// after its parsing ended: the real time parsing takes must not show in the modelled TTFT.
TEST(EngineLoop, ARequestStillBeingParsedJoinsTheStepItArrivedFor) {
  core::SteadyClock clock;
  constexpr double kScale = 10;
  EngineLoop loop(builtin_profile(kDefaultProfile), clock, kScale, clock.now());
  loop.start();
  auto busy = std::make_shared<Capture>();
  loop.submit(spec(16, 400, 1000), busy);  // keeps the engine stepping for ~3 modelled seconds
  std::this_thread::sleep_for(20ms);
  const EngineLoop::Arrival arrival = loop.announce();
  std::this_thread::sleep_for(4ms);  // "parsing": 40 modelled ms, several decode steps
  auto late = std::make_shared<Capture>();
  loop.submit(spec(16, 2, 5000), late, arrival);
  const auto f = late->wait(5s);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->arrival, arrival.at);
  const double ttft_ms = std::chrono::duration<double, std::milli>(f->first_token - f->arrival).count();
  // 3 ms of frontend delay, the rest of a decode step (~8 ms on this profile) and the step with
  // its prefill: well under the 40 ms it spent "parsing".
  EXPECT_LT(ttft_ms, 30) << "it waited for steps that began after it arrived";
  EXPECT_GT(ttft_ms, 3);

  // A withdrawn request (refused while parsing) holds nothing up.
  const EngineLoop::Arrival refused = loop.announce();
  loop.withdraw(refused);
  auto after = std::make_shared<Capture>();
  const auto t0 = clock.now();
  loop.submit(spec(16, 2, 9000), after);
  ASSERT_TRUE(after->wait(5s).has_value());
  EXPECT_LT(clock.now() - t0, 200ms);
  loop.stop();
}

}  // namespace
}  // namespace lmbench::sim
