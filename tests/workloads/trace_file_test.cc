#include "workloads/trace_file.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/files.h"

namespace lmbench::workloads {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

std::string expect_config_error(const std::string& text) {
  try {
    parse_trace(text, "t.jsonl");
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for: " << text;
  return "";
}

TEST(TraceFile, ParsesEveryFieldAndSortsByTime) {
  const std::string text =
      "{\"timestamp\": 3000, \"input_length\": 700, \"output_length\": 5, \"hash_ids\": [0, 2]}\n"
      "\n"
      "{\"timestamp\": 1000, \"input_length\": 600, \"output_length\": 6, \"hash_ids\": [0, 1], \"extra\": true}\r\n"
      "{\"timestamp\": 1000, \"input_length\": 10, \"output_length\": 7}\n"
      "{\"timestamp\": 9000, \"input_length\": 1.0e3, \"output_length\": 8, \"hash_ids\": [18446744073709551615]}";
  const Trace t = parse_trace(text, "t.jsonl");
  ASSERT_EQ(t.entries.size(), 4u);
  EXPECT_FALSE(t.was_sorted);
  EXPECT_EQ(t.unit, TimeUnit::kMilliseconds);  // 4 requests over 8000 units: ms (0.375 req/s), not s
  EXPECT_TRUE(t.unit_detected);
  // Sorted by time; the two at 1000 keep file order.
  EXPECT_EQ(t.entries[0].line, 3);
  EXPECT_EQ(t.entries[1].line, 4);
  EXPECT_EQ(t.entries[2].line, 1);
  EXPECT_EQ(t.entries[3].line, 5);
  EXPECT_EQ(t.entries[0].offset, nanoseconds{0});
  EXPECT_EQ(t.entries[2].offset, milliseconds{2000});
  EXPECT_EQ(t.entries[3].offset, milliseconds{8000});
  EXPECT_EQ(t.duration(), milliseconds{8000});
  EXPECT_EQ(t.entries[0].input_length, 600);
  EXPECT_EQ(t.entries[0].output_length, 6);
  EXPECT_EQ(t.entries[0].hash_ids, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_TRUE(t.entries[1].hash_ids.empty());
  EXPECT_EQ(t.entries[3].input_length, 1000);
  EXPECT_EQ(t.entries[3].hash_ids, (std::vector<std::uint64_t>{18446744073709551615ULL}));
}

TEST(TraceFile, DetectsTimestampUnits) {
  const auto unit = [](std::vector<long double> v) { return detect_time_unit(v); };
  // Unix epochs in each unit (2025-07-28).
  EXPECT_EQ(unit({1753694362, 1753694400}), TimeUnit::kSeconds);
  EXPECT_EQ(unit({1753694362340, 1753694362999}), TimeUnit::kMilliseconds);
  EXPECT_EQ(unit({1753694362340138, 1753694362340999}), TimeUnit::kMicroseconds);
  EXPECT_EQ(unit({1753694362340138614.0L, 1753694375266710204.0L}), TimeUnit::kNanoseconds);
  // Relative: fractions mean seconds; integers take the coarsest unit with a plausible rate.
  EXPECT_EQ(unit({0, 0.5, 1.25}), TimeUnit::kSeconds);
  EXPECT_EQ(unit({0, 1, 2, 3, 10}), TimeUnit::kSeconds);
  EXPECT_EQ(unit({0, 1000, 2000, 3000, 4000, 60000}), TimeUnit::kMilliseconds);
  EXPECT_EQ(unit({0, 1000000, 20000000}), TimeUnit::kMicroseconds);
  EXPECT_EQ(unit({0, 900000000000}), TimeUnit::kNanoseconds);
  EXPECT_EQ(unit({5}), TimeUnit::kSeconds);
  EXPECT_EQ(unit({7, 7, 7}), TimeUnit::kSeconds);
}

TEST(TraceFile, NanosecondEpochStringsAreExact) {
  const std::string text =
      "{\"timestamp\": \"1753694362340138614\", \"input_length\": 1, \"output_length\": 1}\n"
      "{\"timestamp\": \"1753694362340138615\", \"input_length\": 1, \"output_length\": 1}\n"
      "{\"timestamp\": \"1753694375266710204\", \"input_length\": 1, \"output_length\": 1}\n";
  const Trace t = parse_trace(text, "t.jsonl");
  EXPECT_EQ(t.unit, TimeUnit::kNanoseconds);
  EXPECT_EQ(t.entries[1].offset, nanoseconds{1});
  EXPECT_EQ(t.entries[2].offset, nanoseconds{1753694375266710204LL - 1753694362340138614LL});
}

TEST(TraceFile, GivenUnitOverridesDetection) {
  const std::string text = "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n"
                           "{\"timestamp\": 10000, \"input_length\": 1, \"output_length\": 1}\n";
  TraceOptions opt;
  opt.unit = TimeUnit::kSeconds;
  const Trace t = parse_trace(text, "t.jsonl", opt);
  EXPECT_FALSE(t.unit_detected);
  EXPECT_EQ(t.duration(), seconds{10000});
  EXPECT_EQ(parse_trace(text, "t.jsonl").unit, TimeUnit::kMilliseconds);
}

TEST(TraceFile, BadLinesNameFileLineColumnKeyExpectedAndFound) {
  const std::string ok = "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n";
  std::string e = expect_config_error(ok + "{\"timestamp\": 1, \"input_length\": -3, \"output_length\": 1}\n");
  EXPECT_NE(e.find("t.jsonl:2:18: input_length: expected a positive integer, found -3"), std::string::npos) << e;
  e = expect_config_error(ok + ok + "{\"timestamp\": \"soon\", \"input_length\": 5, \"output_length\": 1}");
  EXPECT_NE(e.find("t.jsonl:3:2: timestamp: expected a number, found \"soon\""), std::string::npos) << e;
  e = expect_config_error("{\"timestamp\": 1, \"input_length\": 5}");
  EXPECT_NE(e.find("t.jsonl:1:1: output_length: expected a positive integer, found no such key"), std::string::npos) << e;
  e = expect_config_error("{\"timestamp\": 1, \"input_length\": 5, \"output_length\": 2, \"hash_ids\": [1, \"x\"]}");
  EXPECT_NE(e.find("t.jsonl:1:57: hash_ids: expected a list of non-negative integers, found element \"x\""),
            std::string::npos)
      << e;
  e = expect_config_error(ok + "{\"timestamp\": 1, \"input_length\": 5,");
  EXPECT_NE(e.find("t.jsonl:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("expected one JSON object per line"), std::string::npos) << e;
  e = expect_config_error("[1, 2]");
  EXPECT_NE(e.find("t.jsonl:1:1: expected a JSON object"), std::string::npos) << e;
  e = expect_config_error("\n  \n");
  EXPECT_NE(e.find("expected at least one request line, found none"), std::string::npos) << e;
}

// A replay synthesizes every prompt: a length up to INT_MAX would be an out-of-memory. Lengths
// above TraceOptions::max_tokens (1,048,576 by default) are errors naming file, line and key.
TEST(TraceFile, LengthsOverTheLimitAreErrorsWithFileAndLine) {
  const auto path = std::filesystem::temp_directory_path() / ("lmbench-trace-limit-" + std::to_string(::getpid()) + ".jsonl");
  const std::string ok = "{\"timestamp\": 0, \"input_length\": 1048576, \"output_length\": 1048576}\n";
  const auto error_for = [&](const std::string& text, TraceOptions options = {}) -> std::string {
    core::write_file_atomic(path, text);
    try {
      read_trace(path, options);
    } catch (const core::ConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string where = path.string() + ":2:";
  std::string e = error_for(ok + "{\"timestamp\": 1, \"input_length\": 2147483647, \"output_length\": 1}\n");
  EXPECT_NE(e.find(where + "18: input_length: expected at most 1048576 tokens (the trace length limit), found 2147483647"),
            std::string::npos)
      << e;
  e = error_for(ok + "{\"timestamp\": 1, \"input_length\": 5, \"output_length\": 1e300}\n");
  EXPECT_NE(e.find(where + "37: output_length: expected at most 1048576 tokens"), std::string::npos) << e;
  e = error_for(ok + "{\"timestamp\": 1, \"input_length\": 18446744073709551615, \"output_length\": 1}\n");
  EXPECT_NE(e.find(where + "18: input_length: expected at most 1048576 tokens"), std::string::npos) << e;
  // The limit is settable; at the limit is fine.
  e = error_for(ok + "{\"timestamp\": 1, \"input_length\": 101, \"output_length\": 1}\n", TraceOptions{.max_tokens = 100});
  EXPECT_NE(e.find(path.string() + ":1:18: input_length: expected at most 100 tokens"), std::string::npos) << e;
  core::write_file_atomic(path, ok);
  const Trace t = read_trace(path);
  ASSERT_EQ(t.entries.size(), 1u);
  EXPECT_EQ(t.entries[0].input_length, 1 << 20);
  std::filesystem::remove(path);
}

// Found by fuzz/trace_fuzz.cc: a number the JSON parser cannot hold threw its own exception
// (out_of_range), not an error naming the file and line.
TEST(TraceFile, ANumberTooLargeForTheParserIsAnErrorWithFileAndLine) {
  try {
    parse_trace("{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n"
                "{\"timestamp\": 13e9006127, \"input_length\": 5, \"output_length\": 1}\n",
                "big.jsonl");
    FAIL() << "expected an error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("big.jsonl:2:1: unreadable JSON line: "), std::string::npos) << e.what();
  }
}

TEST(TraceFile, MissingFileIsAConfigError) {
  EXPECT_THROW(read_trace("/nonexistent/trace.jsonl"), core::ConfigError);
}

TEST(TraceFile, ReadsTheMooncakeTrace) {
  const Trace t = read_trace(std::string(LMBENCH_WORKLOADS_DIR) + "/trace-replayer/traces/mooncake_trace.jsonl");
  EXPECT_EQ(t.entries.size(), 12031u);
  EXPECT_EQ(t.unit, TimeUnit::kMilliseconds);
  EXPECT_TRUE(t.was_sorted);
  EXPECT_EQ(t.duration(), milliseconds{3536999});
  EXPECT_EQ(t.entries[0].input_length, 6758);
  EXPECT_EQ(t.entries[0].hash_ids.size(), 14u);
}

TEST(TraceFile, ReadsTheGmiTraceWithNanosecondStrings) {
  const Trace t = read_trace(std::string(LMBENCH_WORKLOADS_DIR) + "/trace-replayer/traces/gmi_trace.jsonl");
  EXPECT_EQ(t.entries.size(), 1931u);
  EXPECT_EQ(t.unit, TimeUnit::kNanoseconds);
  EXPECT_EQ(t.entries[1].offset, nanoseconds{1753694362521840563LL - 1753694362340138614LL});
}

}  // namespace
}  // namespace lmbench::workloads
