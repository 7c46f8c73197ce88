// `lmbench bench <workload>` for the workloads that take their keys as in a spec
// (--config FILE, --set KEY=VALUE), against a real `lmbench sim`.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "config/temp_tree.h"
#include "core/files.h"
#include "core/process.h"
#include "e2e/run_binary.h"
#include "support/deploy_fixture.h"

namespace lmbench::e2e {
namespace {

constexpr const char* kModel = "meta-llama/Llama-3.1-8B-Instruct";

// `lmbench sim` at time scale 20 on a free port, stopped by the destructor.
class SimProcess : public deploy::testing::ListeningChild {
 public:
  explicit SimProcess(const lmbench::testing::TempTree& t)
      : ListeningChild({.argv = {LMBENCH_BIN, "sim", "--port", "0", "--model", kModel, "--time-scale", "20"},
                        .log_file = t.path("sim.log")}) {}
};

TEST(BenchSpec, SyntheticFromAConfigFileWithOverrides) {
  lmbench::testing::TempTree t;
  SimProcess sim(t);
  ASSERT_FALSE(sim.url().empty());
  t.write("synthetic.yaml",
          "NUM_USERS_WARMUP: 0\nNUM_USERS: 3\nNUM_ROUNDS: 2\nSYSTEM_PROMPT: 100\nCHAT_HISTORY: 200\n"
          "ANSWER_LEN: 10\nQPS: [1, 8]\nDURATION: 2\n");
  const auto r = run_lmbench({"bench", "synthetic", "--base-url", sim.url(), "--model", kModel, "--config",
                              t.path("synthetic.yaml").string(), "--set", "NUM_USERS=2", "--rate-index", "1",
                              "--json", t.path("run.json").string(), "--csv", t.path("run.csv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(core::read_file(t.path("run.json")));
  EXPECT_EQ(j["workload"]["WORKLOAD"], "synthetic");
  EXPECT_EQ(j["workload"]["NUM_USERS"], 2);  // --set wins over the file
  // QPS 8 (the second rate) for DURATION 2 s: users leave after their two rounds and are
  // replaced, so about 16 requests; QPS 1 would have sent 2.
  const int ok = j["results"]["successful_requests"];
  EXPECT_GE(ok, 12);
  EXPECT_LE(ok, 17);
  EXPECT_GT(j["results"]["total_input_tokens"].get<int>(), ok * 300);
}

TEST(BenchSpec, BadKeysAreConfigErrorsNamingTheKey) {
  lmbench::testing::TempTree t;
  const auto r = run_lmbench({"bench", "LMCacheSynthetic", "--base-url", "http://127.0.0.1:9", "--model", kModel,
                              "--set", "NUM_USER=2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown key 'NUM_USER'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'NUM_USERS'"), std::string::npos) << r.err;
  const auto bad = run_lmbench({"bench", "vllm", "--base-url", "http://127.0.0.1:9", "--model", kModel, "--set",
                                "REQUEST_RATES"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--set: expected KEY=VALUE, found 'REQUEST_RATES'"), std::string::npos) << bad.err;
  // A bad value from --set is blamed on that --set, not on line 1 of the --config file.
  t.write("synthetic.yaml", "NUM_USERS: 2\nNUM_ROUNDS: 2\nSYSTEM_PROMPT: 1\nCHAT_HISTORY: 2\nANSWER_LEN: 2\n");
  const auto value = run_lmbench({"bench", "synthetic", "--base-url", "http://127.0.0.1:9", "--model", kModel, "--config",
                                  t.path("synthetic.yaml").string(), "--set", "QPS=fast"});
  EXPECT_EQ(value.err, "lmbench: error: --set QPS=fast: Workload.LMCacheSynthetic.QPS: expected a list of positive "
                       "numbers, found 'fast'\n");
  const auto key = run_lmbench({"bench", "synthetic", "--base-url", "http://127.0.0.1:9", "--model", kModel, "--config",
                                t.path("synthetic.yaml").string(), "--set", "NUM_USER=3"});
  EXPECT_EQ(key.err.rfind("lmbench: error: --set NUM_USER=3: unknown key 'NUM_USER'", 0), 0u) << key.err;
}

}  // namespace
}  // namespace lmbench::e2e
