// `lmbench trace stats FILE [--json]` through the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "core/files.h"
#include "core/process.h"

namespace lmbench::workloads {
namespace {

class TraceCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lmbench-trace-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  core::CommandOutput run(std::vector<std::string> args) {
    core::ProcessSpec spec;
    spec.argv = {LMBENCH_BIN, "trace", "stats"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    auto r = core::run_command(spec);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : core::CommandOutput{};
  }

  std::filesystem::path dir_;
};

constexpr const char* kTrace =
    "{\"timestamp\": 2.5, \"input_length\": 12, \"output_length\": 20, \"hash_ids\": [1, 2, 3]}\n"
    "{\"timestamp\": 0.5, \"input_length\": 7, \"output_length\": 10, \"hash_ids\": [1, 2]}\n"
    "{\"timestamp\": 4.5, \"input_length\": 8, \"output_length\": 30, \"hash_ids\": [1, 9]}\n";

// A trace asking for a 2^31-token prompt is refused with its file and line, not read (and, by a
// replay, synthesized until the machine runs out of memory).
TEST_F(TraceCli, LengthOverTheLimitIsAnErrorWithFileAndLine) {
  core::write_file_atomic(dir_ / "huge.jsonl", std::string(kTrace) +
                                                   "{\"timestamp\": 5, \"input_length\": 2147483647, \"output_length\": 1}\n");
  const auto r = run({(dir_ / "huge.jsonl").string()});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find((dir_ / "huge.jsonl").string() +
                          ":4:18: input_length: expected at most 1048576 tokens (the trace length limit), found 2147483647"),
            std::string::npos)
      << r.output;
}

TEST_F(TraceCli, PrintsStatsAsText) {
  core::write_file_atomic(dir_ / "t.jsonl", kTrace);
  const auto r = run({(dir_ / "t.jsonl").string(), "--block-size", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("requests:       3\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("timestamps:     s (detected), lines were not in time order (sorted)"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("duration:       4.000 s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rate:           0.750 req/s"), std::string::npos) << r.output;
  // Request [1,2,3] reuses 8 tokens of [1,2]; [1,9] reuses 4: 12 of 27.
  EXPECT_NE(r.output.find("prefix reuse:   44.44% of input tokens (12 of 27), 4-token blocks"), std::string::npos)
      << r.output;
}

TEST_F(TraceCli, PrintsStatsAsJson) {
  core::write_file_atomic(dir_ / "t.jsonl", kTrace);
  const auto r = run({(dir_ / "t.jsonl").string(), "--json", "--block-size", "4", "--time-unit", "ms"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j.at("requests"), 3);
  EXPECT_EQ(j.at("time_unit"), "ms");
  EXPECT_EQ(j.at("time_unit_detected"), false);
  EXPECT_DOUBLE_EQ(j.at("duration_s").get<double>(), 0.004);
  EXPECT_EQ(j.at("reused_input_tokens"), 12);
  EXPECT_EQ(j.at("input_tokens").at("max"), 12);
}

TEST_F(TraceCli, BadLineFailsWithItsLocation) {
  core::write_file_atomic(dir_ / "bad.jsonl", std::string(kTrace) + "{\"timestamp\": 5, \"input_length\": 0, \"output_length\": 1}\n");
  const auto r = run({(dir_ / "bad.jsonl").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("bad.jsonl:4:18: input_length: expected a positive integer, found 0"), std::string::npos)
      << r.output;
}

TEST_F(TraceCli, MissingFileAndBadUnitAreErrors) {
  EXPECT_EQ(run({(dir_ / "none.jsonl").string()}).exit_code, 1);
  core::write_file_atomic(dir_ / "t.jsonl", kTrace);
  const auto r = run({(dir_ / "t.jsonl").string(), "--time-unit", "hours"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--time-unit: expected auto, s, ms, us or ns, found 'hours'"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lmbench::workloads
