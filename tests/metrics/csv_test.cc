#include "metrics/csv.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/files.h"
#include "records_fixture.h"

namespace lmbench::metrics {
namespace {

namespace fs = std::filesystem;

TEST(Csv, OriginalColumnsFirstThenExtras) {
  EXPECT_EQ(csv_header().rfind(
                "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time,", 0),
            0u);
  auto records = testing::fixed_records();
  records[0].cached_tokens = 64;  // the server said 64 prompt tokens came from its prefix cache
  const std::string csv = to_csv(records);
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < csv.size()) {
    const auto nl = csv.find('\n', pos);
    lines.push_back(csv.substr(pos, nl - pos));
    pos = nl + 1;
  }
  ASSERT_EQ(lines.size(), 8u);  // header + 7 records, warm-up and failures included
  EXPECT_EQ(lines[1],
            "100,4,0.1,0.06,user-1,1,1700000000.000000,1700000000.160000,1,ok,,,0,0.16,0,usage,,4,10.000 20.000 30.000,64,0");
  EXPECT_EQ(lines[4],
            "0,0,,,user-1,4,1700000003.000000,1700000003.050000,4,failed,http_500,"
            "\"server said: \"\"overloaded, retry\"\"\",0,0.05,0,none,,0,,,0");
}

TEST(Csv, WrittenFileReadsBack) {
  const fs::path path = fs::temp_directory_path() / ("lmbench_csv_" + std::to_string(::getpid()) + ".csv");
  auto records = testing::fixed_records();
  records[0].cached_tokens = 64;
  write_csv(path, records);
  auto rows = read_csv(path);
  fs::remove(path);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 7u);
  const CsvRow& first = (*rows)[0];
  EXPECT_EQ(first.prompt_tokens, 100);
  EXPECT_EQ(first.generation_tokens, 4);
  EXPECT_DOUBLE_EQ(*first.ttft_s, 0.1);
  EXPECT_DOUBLE_EQ(*first.generation_time_s, 0.06);
  EXPECT_EQ(first.user_id, "user-1");
  EXPECT_DOUBLE_EQ(first.launch_time, 1700000000.0);
  EXPECT_DOUBLE_EQ(first.finish_time, 1700000000.16);
  EXPECT_EQ(first.itl_ms, (std::vector<double>{10, 20, 30}));
  EXPECT_EQ(first.cached_tokens, 64);
  EXPECT_FALSE((*rows)[1].cached_tokens);  // not reported: unknown, not zero
  const CsvRow& failed = (*rows)[3];
  EXPECT_EQ(failed.outcome, "failed");
  EXPECT_FALSE(failed.ttft_s);
  EXPECT_TRUE((*rows)[5].warmup);
  EXPECT_EQ((*rows)[6].outcome, "cancelled");
}

TEST(Csv, ReadsTheOriginalEightColumns) {
  const std::string original =
      "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time\n"
      "120,50,0.25,1.5,3,1,1748505480.1,1748505481.85\n";
  auto rows = parse_csv(original, "summary.csv");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].outcome, "ok");
  EXPECT_DOUBLE_EQ(*(*rows)[0].ttft_s, 0.25);
  EXPECT_TRUE((*rows)[0].itl_ms.empty());
}

TEST(Csv, BadInputNamesLineAndColumn) {
  auto bad = parse_csv("ttft,launch_time,finish_time\n0.1,1,2\n0.2,soon,3\n", "run.csv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "run.csv:3: column 2 (launch_time): expected a number, found 'soon'");
  auto header = parse_csv("a,b\n1,2\n", "x.csv");
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error().message, "x.csv:1: expected a column 'ttft' in the header");
  auto quote = parse_csv("ttft,launch_time,finish_time\n\"0.1,1,2\n", "q.csv");
  ASSERT_FALSE(quote);
  EXPECT_EQ(quote.error().message, "q.csv:2: unterminated quoted field");
}

}  // namespace
}  // namespace lmbench::metrics
