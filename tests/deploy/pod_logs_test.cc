// save_pod_logs against the recording stand-in kubectl (deploy_fixture.h): pod names come from
// kubectl's output and become file names, so only safe ones are used.

#include "deploy/pod_logs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "support/deploy_fixture.h"

namespace lmbench::deploy {
namespace {

namespace fs = std::filesystem;
using testing::StandIn;
using testing::TempDir;

// Files under `root`, relative, recursively.
std::vector<std::string> files_under(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(PodLogs, PodNamesThatAreNotSafeFileNamesAreSkippedWithANote) {
  TempDir dir("pod-logs");
  StandIn tools(dir / "tools");
  const fs::path out = dir / "results" / "suite" / "pod-logs";
  const fs::path outside = fs::temp_directory_path() / ("lmbench-pod-abs-" + std::to_string(::getpid()));
  tools.set_pods("pod/vllm-engine-0\npod/../../../escaped\npod/" + outside.string() + "\npod/.hidden\npod/a b\n");
  core::ManualClock clock;
  auto written = save_pod_logs({.target = {.kubectl = tools.kubectl(), .context = "minikube", .namespace_name = "bench"},
                                .dir = out, .tag = "vllm_synthetic_1"},
                               clock);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(*written, (std::vector<fs::path>{out / "vllm-engine-0_vllm_synthetic_1.log", out / "events_vllm_synthetic_1.log"}));
  // Nothing outside the logs folder, and no call for the skipped pods.
  EXPECT_EQ(files_under(dir / "results"),
            (std::vector<std::string>{"suite/pod-logs/events_vllm_synthetic_1.log", "suite/pod-logs/vllm-engine-0_vllm_synthetic_1.log"}));
  EXPECT_FALSE(fs::exists(dir / "escaped_vllm_synthetic_1.log"));
  EXPECT_FALSE(fs::exists(outside.string() + "_vllm_synthetic_1.log"));
  for (const auto& call : tools.calls()) EXPECT_EQ(testing::joined(call).find("escaped"), std::string::npos);
  const std::string events = testing::read_text(out / "events_vllm_synthetic_1.log");
  EXPECT_NE(events.find("(logs of pod '../../../escaped' is not a safe file name (only letters, digits, '.', '_' and "
                        "'-', not starting with '.'): not saved)\n"),
            std::string::npos)
      << events;
  EXPECT_NE(events.find("(logs of pod '" + outside.string() + "' is not a safe file name"), std::string::npos) << events;
  EXPECT_NE(events.find("(logs of pod '.hidden' is not"), std::string::npos) << events;
  EXPECT_NE(events.find("(logs of pod 'a b' is not"), std::string::npos) << events;
  EXPECT_NE(events.find("FailedScheduling"), std::string::npos) << events;  // the events themselves follow
  fs::remove(outside.string() + "_vllm_synthetic_1.log");
}

}  // namespace
}  // namespace lmbench::deploy
