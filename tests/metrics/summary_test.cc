#include "metrics/summary.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "metrics/summary_json.h"
#include "records_fixture.h"

namespace lmbench::metrics {
namespace {

// Golden values worked out by hand from records_fixture.cc (times in ms):
//   ok   #1 send 0     chunks 100,110,130,160   end 160   n=4  -> TTFT 100, TPOT 20, ITL 10 20 30, E2E 160
//   ok   #2 send 1002  chunks 1202,1217,1232    end 1232  n=3  -> TTFT 200, TPOT 15, ITL 15 15,    E2E 230
//   ok   #3 send 2001  chunk 2301               end 2305  n=1  -> TTFT 300, no TPOT,               E2E 304
//   fail #4 send 3000                           end 3050
//   ok   #5 send 4004  chunks 4404..4564 by 40  end 4564  n=5  -> TTFT 400, TPOT 40, ITL 40 x4,    E2E 560
//   warm-up #6 (excluded), cancelled #7 send 5000 end 6000
// Lags (send - intended): 0 2 1 0 4 0. Window 0 .. 6000 ms.
// Percentiles: numpy linear, e.g. TTFT p90 = x[2] + 0.7 * (x[3] - x[2]) = 300 + 70.
// The most frequent error is cut to 200 bytes on a character boundary: a server's message in
// Chinese (3 bytes per character) cut mid-character made the run JSON unwritable ("incomplete
// UTF-8 string") and `lmbench bench` die without writing it.
TEST(Summary, TheTopErrorIsCutBetweenCharacters) {
  auto records = testing::fixed_records();
  std::string message;
  for (int i = 0; i < 100; ++i) message += "\u670d";  // 300 bytes
  for (auto& r : records) {
    if (r.outcome == Outcome::kFailed) {
      r.error_kind = "malformed";
      r.error_message = message;
    }
  }
  records.push_back(records[3]);
  const Summary s = summarize(records);
  ASSERT_FALSE(s.top_error.empty());
  EXPECT_LE(s.top_error.size(), std::string("malformed: ").size() + 200);
  EXPECT_EQ((s.top_error.size() - std::string("malformed: ").size()) % 3, 0u) << s.top_error.size();
  EXPECT_NO_THROW((void)nlohmann::json(s.top_error).dump());
  EXPECT_NO_THROW((void)results_json(s).dump());
}

TEST(Summary, FixedRecordsMatchGoldenValues) {
  const auto records = testing::fixed_records();
  SummaryOptions opt;
  opt.slo = parse_slo("ttft_ms=250,tpot_ms=30");
  const Summary s = summarize(records, opt);

  EXPECT_EQ(s.total_requests, 6u);
  EXPECT_EQ(s.successful_requests, 4u);
  EXPECT_EQ(s.failed_requests, 1u);
  EXPECT_EQ(s.cancelled_requests, 1u);
  EXPECT_EQ(s.warmup_requests, 1u);
  EXPECT_EQ(s.errors.at("http_500"), 1u);
  EXPECT_EQ(s.errors.at("cancelled"), 1u);
  EXPECT_DOUBLE_EQ(s.duration_s, 6.0);
  EXPECT_EQ(s.total_input_tokens, 1000);
  EXPECT_EQ(s.total_output_tokens, 13);
  EXPECT_EQ(s.output_tokens_from_usage, 3u);
  EXPECT_EQ(s.output_tokens_from_tokenizer, 1u);
  EXPECT_NEAR(s.request_throughput, 4.0 / 6, 1e-12);
  EXPECT_NEAR(s.output_token_throughput, 13.0 / 6, 1e-12);
  EXPECT_NEAR(s.input_token_throughput, 1000.0 / 6, 1e-12);
  EXPECT_NEAR(s.total_token_throughput, 1013.0 / 6, 1e-12);

  constexpr double kTol = 1e-6;  // records are stored in integer nanoseconds
  ASSERT_TRUE(s.ttft_ms);
  EXPECT_EQ(s.ttft_ms->count, 4u);
  EXPECT_NEAR(s.ttft_ms->mean, 250, kTol);
  EXPECT_NEAR(s.ttft_ms->median, 250, kTol);
  EXPECT_NEAR(s.ttft_ms->p90, 370, kTol);
  EXPECT_NEAR(s.ttft_ms->p95, 385, kTol);
  EXPECT_NEAR(s.ttft_ms->p99, 397, kTol);
  EXPECT_NEAR(s.ttft_ms->p999, 399.7, kTol);

  ASSERT_TRUE(s.tpot_ms);  // [15, 20, 40]
  EXPECT_EQ(s.tpot_ms->count, 3u);
  EXPECT_NEAR(s.tpot_ms->mean, 25, kTol);
  EXPECT_NEAR(s.tpot_ms->median, 20, kTol);
  EXPECT_NEAR(s.tpot_ms->p90, 36, kTol);
  EXPECT_NEAR(s.tpot_ms->p99, 39.6, kTol);

  ASSERT_TRUE(s.itl_ms);  // every gap: [10, 15, 15, 20, 30, 40, 40, 40, 40]
  EXPECT_EQ(s.itl_ms->count, 9u);
  EXPECT_NEAR(s.itl_ms->mean, 250.0 / 9, kTol);
  EXPECT_NEAR(s.itl_ms->median, 30, kTol);
  EXPECT_NEAR(s.itl_ms->p90, 40, kTol);
  EXPECT_NEAR(s.itl_ms->min, 10, kTol);

  ASSERT_TRUE(s.e2e_ms);  // [160, 230, 304, 560]
  EXPECT_NEAR(s.e2e_ms->mean, 313.5, kTol);
  EXPECT_NEAR(s.e2e_ms->median, 267, kTol);
  EXPECT_NEAR(s.e2e_ms->p99, 552.32, kTol);

  ASSERT_TRUE(s.lag_ms);  // [0, 0, 0, 1, 2, 4]
  EXPECT_EQ(s.lag_ms->count, 6u);
  EXPECT_NEAR(s.lag_ms->mean, 7.0 / 6, kTol);
  EXPECT_NEAR(s.lag_ms->median, 0.5, kTol);
  EXPECT_NEAR(s.lag_ms->p99, 3.9, kTol);

  EXPECT_EQ(s.good_requests, 2u);  // #1 and #2 meet ttft <= 250 and tpot <= 30
  EXPECT_NEAR(s.goodput, 2.0 / 6, 1e-12);
}

TEST(Summary, ResultsJsonMatchesGoldenFile) {
  const auto records = testing::fixed_records();
  SummaryOptions opt;
  opt.slo = parse_slo("ttft_ms=250,tpot_ms=30");
  const std::string got = results_json(summarize(records, opt)).dump(2) + "\n";
  const std::string golden = core::read_file(LMBENCH_SOURCE_DIR "/tests/metrics/data/summary_golden.json");
  EXPECT_EQ(got, golden);
}

TEST(Summary, ExplicitWindowSetsTheDuration) {
  const auto records = testing::fixed_records();
  SummaryOptions opt;
  opt.window_start = core::TimePoint{} + std::chrono::seconds(1000);
  opt.window_end = *opt.window_start + std::chrono::seconds(8);
  const Summary s = summarize(records, opt);
  EXPECT_DOUBLE_EQ(s.duration_s, 8.0);
  EXPECT_DOUBLE_EQ(s.request_throughput, 0.5);
  EXPECT_DOUBLE_EQ(s.goodput, 0.5);  // no SLO: every success is good
}

TEST(Summary, NothingSucceededGivesTheErrorShape) {
  auto records = testing::fixed_records();
  std::vector<RequestRecord> failed = {records[3], records[3], records[6]};
  const auto j = results_json(summarize(failed));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j["error"], "No successful requests completed");
  EXPECT_EQ(j["message"], "All 3 requests failed: 1 cancelled, 2 http_500; most often (2 times) http_500: server said: \"overloaded, retry\"");
  const auto empty = results_json(summarize(std::vector<RequestRecord>{}));
  EXPECT_EQ(empty["message"], "No requests were sent in the measured run");
}

TEST(Summary, MetricWithoutSamplesIsNullNotZero) {
  auto records = testing::fixed_records();
  std::vector<RequestRecord> one_token = {records[2]};
  const Summary s = summarize(one_token);
  EXPECT_FALSE(s.tpot_ms);
  EXPECT_FALSE(s.itl_ms);
  const auto j = results_json(s);
  EXPECT_TRUE(j["tpot_ms"]["mean"].is_null());
  EXPECT_EQ(j["tpot_ms"]["count"], 0);
  EXPECT_DOUBLE_EQ(j["ttft_ms"]["mean"].get<double>(), 300);
}

TEST(RoundTo, BehavesLikePythonRound) {
  EXPECT_DOUBLE_EQ(round_to(2.675, 2), 2.67);  // 2.675 is 2.67499999... in binary
  EXPECT_DOUBLE_EQ(round_to(0.125, 2), 0.12);  // exact tie: to even
  EXPECT_DOUBLE_EQ(round_to(0.375, 2), 0.38);
  EXPECT_DOUBLE_EQ(round_to(166.666666, 2), 166.67);
  EXPECT_DOUBLE_EQ(round_to(-1.005, 2), -1.0);  // -1.00499999...
}

}  // namespace
}  // namespace lmbench::metrics
