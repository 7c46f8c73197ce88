// Fault injection through real HTTP: rate + kinds (429, 503, reset mid-stream, stall), and the
// parsing of --fault-kinds.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "sim/faults.h"
#include "sim/server_fixture.h"

namespace lmbench::sim::testing {
namespace {

using json = nlohmann::json;

SimOptions with_faults(double rate, std::string_view kinds) {
  SimOptions o = fast_options();
  o.faults.rate = rate;
  o.faults.kinds = parse_fault_kinds(kinds);
  o.faults.seed = 7;
  return o;
}

const json kStream = {{"prompt", "Tell me"}, {"max_tokens", 8}, {"stream", true}};

TEST(ServerFaults, ParseKinds) {
  EXPECT_EQ(parse_fault_kinds("429, 503,reset,stall").size(), 4u);
  EXPECT_EQ(parse_fault_kinds("rate_limit")[0], FaultKind::kRateLimit);
  EXPECT_THROW(parse_fault_kinds("429,boom"), core::ConfigError);
  FaultConfig bad;
  bad.rate = 1.5;
  EXPECT_THROW(FaultInjector::validate(bad), core::ConfigError);
}

TEST(ServerFaults, RateLimitAndUnavailable) {
  SimHarness s429(with_faults(1.0, "429"));
  Reply r = s429.post("/v1/completions", kStream);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.json()["error"]["code"], 429);
  SimHarness s503(with_faults(1.0, "503"));
  r = s503.post("/v1/chat/completions", {{"messages", json::array({{{"role", "user"}, {"content", "x"}}})}});
  EXPECT_EQ(r.status, 503);
  // Utility endpoints are not affected.
  EXPECT_EQ(s503.get("/health").status, 200);
}

TEST(ServerFaults, ResetClosesTheStreamBeforeItsEnd) {
  SimHarness sim(with_faults(1.0, "reset"));
  const Reply r = sim.post("/v1/completions", kStream);
  // The connection closes inside the chunked body: the client sees a transport error.
  EXPECT_FALSE(r.error.empty()) << r.status << " " << r.body;
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
  // Non-streamed: closed without any response.
  const Reply whole = sim.post("/v1/completions", {{"prompt", "Tell me"}, {"max_tokens", 8}});
  EXPECT_FALSE(whole.error.empty()) << whole.status;
}

TEST(ServerFaults, StallKeepsTheConnectionOpenAndSilent) {
  SimHarness sim(with_faults(1.0, "stall"));
  const auto t0 = std::chrono::steady_clock::now();
  const Reply r = sim.call("POST", "/v1/completions", kStream.dump(), {}, 0, std::chrono::milliseconds(600));
  EXPECT_NE(r.error.find("timeout"), std::string::npos) << r.error << r.body;
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(550));
}

TEST(ServerFaults, PartialRateFailsSomeRequests) {
  SimHarness sim(with_faults(0.5, "429,503"));
  int ok = 0, failed = 0;
  for (int i = 0; i < 40; ++i) {
    const Reply r = sim.post("/v1/completions", {{"prompt", "x"}, {"max_tokens", 1}});
    if (r.status == 200) {
      ++ok;
    } else {
      EXPECT_TRUE(r.status == 429 || r.status == 503) << r.status;
      ++failed;
    }
  }
  EXPECT_GT(ok, 5);
  EXPECT_GT(failed, 5);
}

// Wall-clock TTFT shrinks with --time-scale. The same 4,000-token cold prefill at scale 2 and 20;
// each is at least its model time divided by the scale (the loop never runs ahead of the model).
TEST(ServerTimeScale, ShrinksTtft) {
  std::string prompt;
  for (int i = 0; i < 4000; ++i) prompt += " sun";
  const json body = {{"prompt", prompt}, {"max_tokens", 1}};
  const auto ttft = [&](double scale) {
    SimHarness sim(fast_options(scale));
    const auto t0 = std::chrono::steady_clock::now();
    const Reply r = sim.post("/v1/completions", body);
    EXPECT_EQ(r.status, 200) << r.error;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const double slow = ttft(2.0);
  const double fast = ttft(20.0);
  // Model time: 3 ms + 2 ms frontend, then two prefill steps of ~150 ms (A100, 2048-token budget).
  EXPECT_GE(slow, 0.300 / 2);
  EXPECT_GE(fast, 0.300 / 20);
  // 10x in theory; loopback HTTP and a loaded machine add a few ms to both.
  EXPECT_GT(slow / fast, 3.0) << slow << " vs " << fast;
}

}  // namespace
}  // namespace lmbench::sim::testing
