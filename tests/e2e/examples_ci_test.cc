// The CI example in examples/ci/ is not run anywhere here (it needs a GPU runner), so this test
// keeps it from rotting: the workflow parses, has the triggers and runner the README promises,
// every shell step is valid bash, and every lmbench flag it passes exists in that subcommand.

#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "e2e/run_binary.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;

const fs::path kWorkflow = fs::path(LMBENCH_SOURCE_DIR) / "examples/ci/.github/workflows/lmbench-gpu-benchmark.yml";

TEST(ExamplesCi, WorkflowHasTheTriggersRunnerAndSteps) {
  const YAML::Node w = YAML::LoadFile(kWorkflow.string());
  const YAML::Node on = w["on"];
  ASSERT_TRUE(on.IsMap());
  EXPECT_TRUE(on["push"].IsDefined());
  EXPECT_TRUE(on["pull_request"].IsDefined());
  EXPECT_TRUE(on["workflow_dispatch"].IsDefined());
  const YAML::Node job = w["jobs"]["benchmark"];
  ASSERT_TRUE(job.IsMap());
  std::set<std::string> labels;
  for (const auto& l : job["runs-on"]) labels.insert(l.as<std::string>());
  EXPECT_EQ(labels, (std::set<std::string>{"self-hosted", "linux", "gpu"}));
  std::string all_runs;
  for (const auto& step : job["steps"]) {
    if (step["run"]) all_runs += step["run"].as<std::string>() + "\n";
  }
  for (const char* sub : {"./build/lmbench run ", "./build/lmbench upload ", "./build/lmbench regress "})
    EXPECT_NE(all_runs.find(sub), std::string::npos) << sub;
}

TEST(ExamplesCi, EveryShellStepIsValidBashAndEveryLmbenchFlagExists) {
  const YAML::Node w = YAML::LoadFile(kWorkflow.string());
  const fs::path dir = fs::temp_directory_path() / ("lmbench_ci_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  int steps = 0;
  for (const auto& step : w["jobs"]["benchmark"]["steps"]) {
    if (!step["run"]) continue;
    const std::string script = step["run"].as<std::string>();
    const fs::path file = dir / ("step" + std::to_string(steps++) + ".sh");
    std::ofstream(file) << script;
    const auto r = run_binary("/bin/bash", {"-n", file.string()});
    EXPECT_EQ(r.exit_code, 0) << step["name"].as<std::string>() << ": " << r.err;

    // `./build/lmbench SUB ... --flag`, across continuation lines.
    std::string joined = std::regex_replace(script, std::regex("\\\\\\n"), " ");
    const std::regex call("\\./build/lmbench (\\w+)([^\\n|]*)");
    for (std::sregex_iterator it(joined.begin(), joined.end(), call), end; it != end; ++it) {
      const std::string sub = (*it)[1];
      const std::string rest = (*it)[2];
      const auto help = run_lmbench({sub, "--help"});
      ASSERT_EQ(help.exit_code, 0) << sub;
      const std::regex flag("(--[a-z][a-z-]*)");
      for (std::sregex_iterator f(rest.begin(), rest.end(), flag), fend; f != fend; ++f) {
        EXPECT_NE(help.out.find((*f)[1].str()), std::string::npos) << "lmbench " << sub << " has no " << (*f)[1];
      }
    }
  }
  EXPECT_GE(steps, 4);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lmbench::e2e
