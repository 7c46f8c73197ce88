// 2-serving-engines/README.md's "Versions" table is the one place pinned versions are listed:
// this test holds it to the files that use them and to the chart versions lmbench passes to helm.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/files.h"
#include "deploy/helm.h"

namespace lmbench::deploy {
namespace {

namespace fs = std::filesystem;
const fs::path kEngines = fs::path(LMBENCH_SOURCE_DIR) / "2-serving-engines";

// The table's rows: from "## Versions" to the next heading.
std::string versions_table() {
  const std::string readme = core::read_file(kEngines / "README.md");
  const auto start = readme.find("## Versions");
  EXPECT_NE(start, std::string::npos);
  const auto end = readme.find("\n## ", start + 1);
  return readme.substr(start, end - start);
}

std::vector<fs::path> helm_values_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kEngines / "helm-production-stack/helm_configurations")) {
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  }
  EXPECT_GE(out.size(), 7u);
  return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The lines that are not comments: what a script or values file passes, not what it says.
std::string code_of(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] != '#') out += line + "\n";
    start = end + 1;
  }
  return out;
}

TEST(PinnedVersions, TheTableMatchesEveryValuesFile) {
  const std::string table = versions_table();
  ASSERT_TRUE(has(table, "`lmcache/vllm-openai:v0.3.9post2`"));
  ASSERT_TRUE(has(table, "`lmcache/lmstack-router:v0.1.12`"));
  for (const auto& f : helm_values_files()) {
    const std::string text = core::read_file(f);
    EXPECT_TRUE(has(text, "repository: \"lmcache/vllm-openai\"\n    tag: \"v0.3.9post2\"")) << f;
    EXPECT_TRUE(has(text, "repository: \"lmcache/lmstack-router\"\n  tag: \"v0.1.12\"")) << f;
    EXPECT_FALSE(has(code_of(text), "latest")) << f;
    EXPECT_FALSE(has(code_of(text), "--disable-log-requests")) << f << ": removed from vLLM";
  }
}

TEST(PinnedVersions, TheTableMatchesTheManifestsAndLlmdValues) {
  const std::string table = versions_table();
  ASSERT_TRUE(has(table, "`vllm/vllm-openai:v0.27.1`"));
  for (const char* rel : {"direct-production-stack/kubernetes_configurations/basic/llama-3.1-8b-vllm.yaml", "llm-d/basic/llama-3.1-8b.yaml"}) {
    EXPECT_TRUE(has(core::read_file(kEngines / rel), "vllm/vllm-openai:v0.27.1")) << rel;
  }
  EXPECT_TRUE(has(table, "`v1.5.0` (`inferencepools.inference.networking.k8s.io`)"));
  EXPECT_TRUE(has(core::read_file(kEngines / "llm-d/basic/gaie-values.yaml"), "tag: v1.5.0"));
}

TEST(PinnedVersions, TheTableMatchesTheChartsLmbenchInstalls) {
  const std::string table = versions_table();
  const auto ps = production_stack_helm_options("v.yaml");
  ASSERT_EQ(ps.releases.size(), 1u);
  EXPECT_TRUE(has(table, "`" + ps.releases[0].chart + "` `" + ps.releases[0].version + "` from `" + ps.repos[0].url + "`"));
  EXPECT_TRUE(has(table, "--version " + ps.releases[0].version));
  const auto llmd = llmd_helm_options("m.yaml");
  ASSERT_EQ(llmd.releases.size(), 3u);
  EXPECT_TRUE(has(table, "`" + llmd.releases[0].chart + "` `" + llmd.releases[0].version + "` from `" + llmd.repos[0].url + "`"));
  EXPECT_TRUE(has(table, "`" + llmd.releases[1].chart + "` `" + llmd.releases[1].version + "`"));
  EXPECT_TRUE(has(table, "`" + llmd.releases[2].chart + "` `" + llmd.releases[2].version + "` from `" + llmd.repos[1].url + "`"));
}

TEST(PinnedVersions, TheTableMatchesTheLaunchScripts) {
  const std::string table = versions_table();
  ASSERT_TRUE(has(table, "`vllm==0.27.1`, `lmcache==0.5.4`"));
  for (const char* rel : {"flat/basic-vllm/run-llama8B.sh", "flat/basic-lmcache/run-llama8B.sh"}) {
    const std::string text = core::read_file(kEngines / rel);
    EXPECT_TRUE(has(text, "vLLM 0.27.1 and LMCache 0.5.4")) << rel;
    EXPECT_FALSE(has(code_of(text), "--disable-log-requests")) << rel;
  }
  ASSERT_TRUE(has(table, "`sglang==0.5.21`"));
  EXPECT_TRUE(has(core::read_file(kEngines / "sglang/comparison-baseline.sh"), "0.5.21"));
  ASSERT_TRUE(has(table, "`ray[serve,llm]==2.60.0`"));
  EXPECT_TRUE(has(core::read_file(kEngines / "rayserve/comparison-baseline.py"), "ray[serve,llm]==2.60.0"));
  ASSERT_TRUE(has(table, "`ai-dynamo[vllm]==1.1.1`"));
  EXPECT_TRUE(has(core::read_file(kEngines / "dynamo/run-dynamo.sh"), "ai-dynamo[vllm]==1.1.1"));
}

}  // namespace
}  // namespace lmbench::deploy

namespace lmbench::deploy {
namespace {

// kvaware on a real cluster needs the engines' LMCache controller reports; without them the
// production-stack router falls back to QPS routing and "kvaware" measures something else.
TEST(ShippedClusterConfigs, KvawareEnginesReportToTheRoutersLmcacheController) {
  const std::string text = core::read_file(kEngines / "helm-production-stack/helm_configurations/routing/kvaware.yaml");
  for (const char* key : {"      enableController: true\n", "      controllerPort: 9000\n", "      controllerReplyPort: 9001\n",
                          "  routingLogic: \"kvaware\"\n", "  lmcacheControllerPort: 9000\n", "  lmcacheControllerReplyPort: 9001\n"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }
}

// A first start pulls an 8 GB image and 16 GB of weights: the default 600 s progress deadline
// would fail `kubectl rollout status` first.
TEST(ShippedClusterConfigs, TheDirectManifestGivesAFirstStartTime) {
  const std::string text =
      core::read_file(kEngines / "direct-production-stack/kubernetes_configurations/basic/llama-3.1-8b-vllm.yaml");
  const auto at = text.find("progressDeadlineSeconds: ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::stoi(text.substr(at + 25)), 1800);
  EXPECT_EQ(code_of(text).find("emptyDir: {}"), std::string::npos);
}

}  // namespace
}  // namespace lmbench::deploy
