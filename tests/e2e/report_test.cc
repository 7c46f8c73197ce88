// End-to-end: `lmbench report DIR` on copies of fixed run JSONs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/files.h"
#include "e2e/run_binary.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;

const fs::path kData = LMBENCH_SOURCE_DIR "/tests/report/data";

fs::path fresh_root(const std::string& name) {
  const fs::path root = fs::temp_directory_path() / ("lmbench_e2e_report_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  fs::copy(kData / "routing-benchmark", root / "routing-benchmark", fs::copy_options::recursive);
  return root;
}

TEST(Report, SuiteFolderGetsComparisonFiles) {
  const fs::path root = fresh_root("suite");
  const fs::path suite = root / "routing-benchmark";
  const auto r = run_lmbench({"report", suite.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote " + (suite / "synthetic_comparison.png").string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("11 run(s) in 1 suite(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("superseded"), std::string::npos) << r.err;
  for (const char* w : {"synthetic", "random"}) {
    const std::string name = std::string(w) + "_comparison.json";
    EXPECT_EQ(core::read_file(suite / name), core::read_file(kData / "golden" / name)) << name;
    const std::string png = core::read_file(suite / (std::string(w) + "_comparison.png"));
    EXPECT_EQ(png.substr(1, 3), "PNG");
  }
  const std::string html = core::read_file(suite / "report.html");
  EXPECT_NE(html.find("<svg class=\"chart\""), std::string::npos);
  fs::remove_all(root);
}

// A run JSON's workload.WORKLOAD names the comparison files. One that says "../escaped" or an
// absolute path is skipped with a note; nothing is written outside the suite's folder.
TEST(Report, WorkloadThatIsNotASafeFileNameIsSkipped) {
  const fs::path root = fresh_root("traversal");
  const fs::path suite = root / "routing-benchmark";
  fs::path sample;
  for (const auto& e : fs::directory_iterator(suite)) {
    if (e.path().extension() == ".json") sample = e.path();
  }
  ASSERT_FALSE(sample.empty());
  const fs::path outside = fs::temp_directory_path() / ("lmbench_e2e_abs_" + std::to_string(::getpid()));
  const std::vector<std::string> hostile = {"../escaped", outside.string(), ".hidden"};
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    nlohmann::json doc = nlohmann::json::parse(core::read_file(sample));
    doc["workload"]["WORKLOAD"] = hostile[i];
    doc["key"] = "hostile" + std::to_string(i);
    core::write_file_atomic(suite / ("hostile" + std::to_string(i) + "_x_1_20240101-0000.json"), doc.dump());
  }
  const auto r = run_lmbench({"report", suite.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(root / "escaped_comparison.json"));
  EXPECT_FALSE(fs::exists(root / "escaped_comparison.png"));
  EXPECT_FALSE(fs::exists(outside.string() + "_comparison.json"));
  EXPECT_FALSE(fs::exists(suite / ".hidden_comparison.json"));
  EXPECT_NE(r.err.find("hostile0_x_1_20240101-0000.json: skipped, workload.WORKLOAD '../escaped' is not a safe file name"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("'" + outside.string() + "' is not a safe file name"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'.hidden' is not a safe file name"), std::string::npos) << r.err;
  // The other runs are reported as before.
  EXPECT_EQ(core::read_file(suite / "synthetic_comparison.json"), core::read_file(kData / "golden" / "synthetic_comparison.json"));
  fs::remove(outside.string() + "_comparison.json");
  fs::remove(outside.string() + "_comparison.png");
  fs::remove_all(root);
}

TEST(Report, ResultsRootCoversEverySuite) {
  const fs::path root = fresh_root("root");
  fs::copy(root / "routing-benchmark", root / "second-suite", fs::copy_options::recursive);
  const auto r = run_lmbench({"report", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("22 run(s) in 2 suite(s)"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(root / "second-suite" / "random_comparison.json"));
  fs::remove_all(root);
}

TEST(Report, MissingOrEmptyFolderIsAClearError) {
  const fs::path root = fresh_root("errors");
  const auto missing = run_lmbench({"report", (root / "nope").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("expected a results folder, found nothing"), std::string::npos) << missing.err;
  fs::create_directories(root / "empty");
  const auto empty = run_lmbench({"report", (root / "empty").string()});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("expected run JSONs"), std::string::npos) << empty.err;
  const auto no_arg = run_lmbench({"report"});
  EXPECT_NE(no_arg.exit_code, 0);
  fs::remove_all(root);
}

}  // namespace
}  // namespace lmbench::e2e
