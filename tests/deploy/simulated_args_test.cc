#include <gtest/gtest.h>

#include "deploy/simulated.h"

namespace lmbench::deploy {
namespace {

TEST(SimulatedArgs, OneEngineWithLmcache) {
  SimulatedOptions o;
  o.model = "meta-llama/Llama-3.1-8B-Instruct";
  o.lmcache = true;
  o.cpu_offloading_buffer_gb = 60;
  o.time_scale = 10;
  o.max_model_len = 32000;
  const std::vector<std::string> want = {"/x/lmbench", "sim", "--host", "127.0.0.1", "--port", "0", "--engines", "1",
                                         "--model", "meta-llama/Llama-3.1-8B-Instruct", "--time-scale", "10", "--seed",
                                         "0", "--enable-prefix-caching", "--max-model-len", "32000", "--lmcache",
                                         "--cpu-offloading-buffer-size", "60"};
  EXPECT_EQ(sim_argv(o, "/x/lmbench"), want);
  EXPECT_FALSE(needs_router(o));
}

TEST(SimulatedArgs, SeveralEnginesGetARouterWithTheirUrls) {
  SimulatedOptions o;
  o.model = "m";
  o.engines = 2;
  o.routing_logic = "session";
  o.session_key = "x-user-id";
  o.enable_prefix_caching = false;
  EXPECT_TRUE(needs_router(o));
  const auto sim = sim_argv(o, "lmbench");
  EXPECT_NE(std::find(sim.begin(), sim.end(), "--no-enable-prefix-caching"), sim.end());
  const std::vector<std::string> want = {"lmbench", "router", "--host", "127.0.0.1", "--port", "0", "--routing-logic",
                                         "session", "--session-key", "x-user-id", "--backend", "http://127.0.0.1:4001",
                                         "--backend", "http://127.0.0.1:4002"};
  EXPECT_EQ(router_argv(o, "lmbench", {"http://127.0.0.1:4001", "http://127.0.0.1:4002"}), want);
}

TEST(SimulatedArgs, SeveralEnginesDefaultToRoundRobin) {
  SimulatedOptions o;
  o.engines = 3;
  const auto r = router_argv(o, "lmbench", {});
  EXPECT_EQ(r[7], "roundrobin");
}

TEST(ListeningUrls, ReadsCompleteLinesOnly) {
  EXPECT_EQ(listening_urls("starting\nlistening on http://127.0.0.1:4001\nlistening on http://127.0.0.1:4002/\n"),
            (std::vector<std::string>{"http://127.0.0.1:4001", "http://127.0.0.1:4002"}));
  // A line still being written does not count yet.
  EXPECT_TRUE(listening_urls("listening on http://127.0.0.1:40").empty());
  EXPECT_TRUE(listening_urls("no servers here\n").empty());
}

}  // namespace
}  // namespace lmbench::deploy
