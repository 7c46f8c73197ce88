#include "metrics/slo.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "records_fixture.h"

namespace lmbench::metrics {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_slo(text);
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Slo, ParsesKeysAndValues) {
  const Slo s = parse_slo(" ttft_ms=500, tpot_ms = 50.5 ,e2e_ms=2000");
  EXPECT_DOUBLE_EQ(*s.ttft_ms, 500);
  EXPECT_DOUBLE_EQ(*s.tpot_ms, 50.5);
  EXPECT_DOUBLE_EQ(*s.e2e_ms, 2000);
  EXPECT_EQ(to_string(s), "ttft_ms=500,tpot_ms=50.5,e2e_ms=2000");
  EXPECT_TRUE(parse_slo("").empty());
  EXPECT_TRUE(parse_slo("  ").empty());
  EXPECT_EQ(to_string(parse_slo("tpot_ms=40")), "tpot_ms=40");
}

TEST(Slo, ErrorsNameColumnKeyExpectedAndFound) {
  EXPECT_EQ(error_of("ttft_ms=500,tpot_ms=fast"),
            "--slo:1:21: tpot_ms: expected a positive number of milliseconds, found 'fast'");
  EXPECT_EQ(error_of("ttft=5"), "--slo:1:1: expected one of ttft_ms, tpot_ms, e2e_ms, found key 'ttft'");
  EXPECT_EQ(error_of("ttft_ms=500,,"), "--slo:1:13: expected key=value (keys: ttft_ms, tpot_ms, e2e_ms), found an empty item");
  EXPECT_EQ(error_of("ttft_ms"), "--slo:1:1: expected key=value (keys: ttft_ms, tpot_ms, e2e_ms), found 'ttft_ms'");
  EXPECT_EQ(error_of("ttft_ms=-1"), "--slo:1:9: ttft_ms: expected a positive number of milliseconds, found '-1'");
  EXPECT_EQ(error_of("ttft_ms=1,ttft_ms=2"), "--slo:1:11: ttft_ms: given twice");
}

TEST(Slo, MetByChecksEveryBoundGiven) {
  const auto records = testing::fixed_records();
  const Slo s = parse_slo("ttft_ms=250,tpot_ms=30");
  EXPECT_TRUE(s.met_by(records[0]));   // ttft 100, tpot 20
  EXPECT_TRUE(s.met_by(records[1]));   // ttft 200, tpot 15
  EXPECT_FALSE(s.met_by(records[2]));  // ttft 300
  EXPECT_FALSE(s.met_by(records[3]));  // failed
  EXPECT_FALSE(s.met_by(records[4]));  // ttft 400, tpot 40
  EXPECT_TRUE(parse_slo("tpot_ms=1").met_by(records[2]));  // one token: no TPOT to miss
  // TPOT alone decides: 20 and 15 ms meet a 30 ms bound, 40 ms misses it, whatever the TTFT.
  EXPECT_TRUE(parse_slo("tpot_ms=30").met_by(records[0]));
  EXPECT_TRUE(parse_slo("tpot_ms=30").met_by(records[1]));
  EXPECT_FALSE(parse_slo("tpot_ms=30").met_by(records[4]));
  EXPECT_TRUE(parse_slo("tpot_ms=40.5").met_by(records[4]));
  EXPECT_FALSE(parse_slo("tpot_ms=17").met_by(records[0]));
  EXPECT_FALSE(parse_slo("e2e_ms=200").met_by(records[1]));  // e2e 230
  EXPECT_TRUE(Slo{}.met_by(records[0]));
}

}  // namespace
}  // namespace lmbench::metrics
