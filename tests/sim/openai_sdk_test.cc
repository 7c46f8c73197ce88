// The "Done when" check: the official openai npm package, run through node, completes,
// chat-completes and streams against the simulator without errors.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/process.h"
#include "sim/server_fixture.h"

namespace lmbench::sim::testing {
namespace {

TEST(OpenAiSdk, CompletesChatsAndStreams) {
  SimHarness sim;
  core::ProcessSpec spec;
  spec.argv = {"node", std::string(LMBENCH_SOURCE_DIR) + "/tests/sim/openai_sdk_check.mjs", sim.url(),
               LMBENCH_NPM_DIR, "sim-model"};
  const auto out = core::run_command(spec);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->exit_code, 0) << out->output;
  const auto j = nlohmann::json::parse(out->output.substr(out->output.find('{')), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out->output;
  EXPECT_EQ(j["ok"], true);
  EXPECT_FALSE(j["stream"].get<std::string>().empty());
}

}  // namespace
}  // namespace lmbench::sim::testing
