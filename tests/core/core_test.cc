#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "core/clock.h"
#include "core/error.h"
#include "core/files.h"
#include "core/ids.h"

namespace lmbench::core {
namespace {

TEST(ManualClock, AdvancesOnlyWhenTold) {
  ManualClock clock;
  const TimePoint t0 = clock.now();
  EXPECT_EQ(clock.now(), t0);
  clock.advance(std::chrono::milliseconds(100));
  EXPECT_EQ(clock.now() - t0, std::chrono::milliseconds(100));
  EXPECT_DOUBLE_EQ(to_ms(clock.now() - t0), 100.0);
}

TEST(SessionId, HasTheOriginalShape) {
  const auto t = std::chrono::system_clock::time_point{std::chrono::seconds{1700000000}};
  EXPECT_EQ(make_session_id(t, 0x1a2b3c4d), "lmbench-1700000000-1a2b3c4d");
  EXPECT_EQ(make_session_id(t, 0xff), "lmbench-1700000000-000000ff");
}

TEST(ConfigError, NamesFileLineAndColumn) {
  ConfigError e({"specs/a.yaml", 4, 7}, "Name: expected a string");
  EXPECT_STREQ(e.what(), "specs/a.yaml:4:7: Name: expected a string");
  EXPECT_EQ(e.where().line, 4);
}

TEST(Files, AtomicWriteLeavesOnlyTheFinalFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("lmbench-core-" + std::to_string(random_u32()));
  const auto path = dir / "sub" / "out.json";
  write_file_atomic(path, "{\"a\": 1}\n");
  EXPECT_EQ(read_file(path), "{\"a\": 1}\n");
  write_file_atomic(path, "second");
  EXPECT_EQ(read_file(path), "second");
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(path.parent_path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
  std::filesystem::remove_all(dir);
}

TEST(Files, ReadingAMissingFileNamesIt) {
  try {
    read_file("/nonexistent/lmbench.yaml");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/lmbench.yaml"), std::string::npos);
  }
}

}  // namespace
}  // namespace lmbench::core

#include "core/paths.h"

namespace lmbench::core {
namespace {

TEST(Paths, FindsTheNpmTokenizerFromTheBuildTree) {
  // The test binary lives under <repo>/build*/tests/core/, so searching up from it finds the
  // tokenizer scripts/setup.sh installed.
  const auto p = default_tokenizer_path();
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(std::filesystem::exists(*p));
  EXPECT_EQ(p->filename(), "tokenizer.json");
  EXPECT_FALSE(find_project_file("no/such/file/anywhere.txt").has_value());
}

}  // namespace
}  // namespace lmbench::core
