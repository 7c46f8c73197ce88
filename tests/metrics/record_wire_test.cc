// Records on the wire between fleet workers and their coordinator, and their exact merge.

#include "metrics/record_wire.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "metrics/summary.h"
#include "metrics/summary_json.h"

namespace lmbench::metrics {
namespace {

using core::Duration;
using core::TimePoint;
using namespace std::chrono_literals;

RequestRecord full_record(TimePoint origin) {
  RequestRecord r;
  r.request_id = 41;
  r.user_id = "user \"7\"";
  r.round = 3;
  r.warmup = true;
  r.backend = "http://10.0.0.3:8000";
  r.intended_send = origin + 1500ms;
  r.ready_send = origin + 1600ms;
  r.actual_send = origin + 1600ms + 123ns;
  r.first_token = origin + 1700ms + 7ns;
  r.end = origin + 2s;
  r.loop_stall = 3ms;
  r.chunk_times = {origin + 1700ms + 7ns, origin + 1800ms, origin + 2s};
  r.prompt_tokens = 900;
  r.output_tokens = 3;
  r.cached_tokens = 512;
  r.output_token_source = TokenSource::kTokenizer;
  r.outcome = Outcome::kFailed;
  r.error_kind = "malformed";
  r.error_message = "line\nbreak";
  return r;
}

TEST(RecordWire, EveryFieldSurvivesOnAnotherTimeline) {
  const TimePoint theirs{Duration{5'000'000'000}};
  const TimePoint ours{Duration{77'000'000'123}};
  const auto wall = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  const RequestRecord sent = full_record(theirs);
  const auto j = record_to_wire(sent, theirs);
  // Through text, as the channel carries it.
  auto back = record_from_wire(nlohmann::json::parse(j.dump()), ours, wall);
  ASSERT_TRUE(back.ok()) << back.error().message;
  const RequestRecord& r = *back;
  EXPECT_EQ(r.request_id, sent.request_id);
  EXPECT_EQ(r.user_id, sent.user_id);
  EXPECT_EQ(r.round, 3);
  EXPECT_TRUE(r.warmup);
  EXPECT_EQ(r.backend, sent.backend);
  EXPECT_EQ(r.intended_send - ours, sent.intended_send - theirs);
  EXPECT_EQ(r.ready_send - ours, sent.ready_send - theirs);
  EXPECT_EQ(r.actual_send - ours, sent.actual_send - theirs);
  EXPECT_EQ(r.first_token - ours, sent.first_token - theirs);
  EXPECT_EQ(r.end - ours, sent.end - theirs);
  EXPECT_EQ(r.loop_stall, 3ms);
  ASSERT_EQ(r.chunk_times.size(), 3u);
  EXPECT_EQ(r.chunk_times[1] - ours, 1800ms);
  EXPECT_EQ(r.prompt_tokens, 900);
  EXPECT_EQ(r.output_tokens, 3);
  EXPECT_EQ(r.cached_tokens, 512);
  EXPECT_EQ(r.output_token_source, TokenSource::kTokenizer);
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.error_kind, "malformed");
  EXPECT_EQ(r.error_message, "line\nbreak");
  // Launch time: the receiver's wall-clock start plus the send's offset.
  EXPECT_EQ(r.launch_wall - wall, std::chrono::duration_cast<std::chrono::system_clock::duration>(1600ms + 123ns));
  EXPECT_FALSE(r.worker.has_value());
}

TEST(RecordWire, ARecordWithoutFirstTokenOrCacheStaysWithout) {
  const TimePoint origin{};
  RequestRecord sent = full_record(origin);
  sent.first_token = TimePoint{};
  sent.cached_tokens.reset();
  sent.outcome = Outcome::kCancelled;
  auto back = record_from_wire(record_to_wire(sent, origin), origin, {});
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->has_first_token());
  EXPECT_FALSE(back->cached_tokens.has_value());
  EXPECT_EQ(back->outcome, Outcome::kCancelled);
}

TEST(RecordWire, AMissingOrMistypedFieldIsNamed) {
  auto j = record_to_wire(full_record(TimePoint{}), TimePoint{});
  j.erase("sent");
  auto r = record_from_wire(j, TimePoint{}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("'sent'"), std::string::npos) << r.error().message;
  j = record_to_wire(full_record(TimePoint{}), TimePoint{});
  j["chunks"] = "many";
  r = record_from_wire(j, TimePoint{}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("'chunks'"), std::string::npos) << r.error().message;
  j = record_to_wire(full_record(TimePoint{}), TimePoint{});
  j["outcome"] = "great";
  EXPECT_FALSE(record_from_wire(j, TimePoint{}, {}).ok());
  EXPECT_FALSE(record_from_wire(nlohmann::json::array(), TimePoint{}, {}).ok());
}

// Records of one sender: sent at random times over `span`, with random latencies.
std::vector<RequestRecord> sender_records(std::mt19937_64& rng, int n, std::uint64_t first_id) {
  std::vector<RequestRecord> out;
  std::uniform_int_distribution<long long> at(0, 3'000'000'000LL), ms(5, 400);
  for (int i = 0; i < n; ++i) {
    RequestRecord r;
    r.request_id = first_id + static_cast<std::uint64_t>(i);
    r.user_id = std::to_string(i % 5);
    r.intended_send = TimePoint{Duration{at(rng)}};
    r.ready_send = r.intended_send;
    r.actual_send = r.intended_send + Duration{ms(rng) * 1000};
    r.first_token = r.actual_send + std::chrono::milliseconds(ms(rng));
    for (int c = 0; c < 4; ++c) r.chunk_times.push_back(r.first_token + std::chrono::milliseconds(c * ms(rng) / 10));
    r.end = r.chunk_times.back();
    r.prompt_tokens = static_cast<int>(ms(rng));
    r.output_tokens = 4;
    r.output_token_source = TokenSource::kServerUsage;
    if (i % 17 == 3) {
      r.outcome = Outcome::kFailed;
      r.error_kind = "http_500";
    }
    out.push_back(std::move(r));
  }
  // A runner keeps its records in send order.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.actual_send < b.actual_send; });
  return out;
}

TEST(MergeRecords, TheMergedSummaryIsTheSummaryOfAllRecords) {
  std::mt19937_64 rng(7);
  std::vector<std::vector<RequestRecord>> senders = {sender_records(rng, 300, 0), sender_records(rng, 250, 1000),
                                                     sender_records(rng, 1, 5000), {}};
  std::vector<RequestRecord> all;
  for (const auto& s : senders) all.insert(all.end(), s.begin(), s.end());
  const auto merged = merge_records(senders);
  ASSERT_EQ(merged.size(), all.size());
  // Every record once, in send order, labelled with its sender; ids were unique, so kept.
  for (std::size_t i = 1; i < merged.size(); ++i) EXPECT_LE(merged[i - 1].actual_send, merged[i].actual_send);
  std::map<int, std::size_t> per_worker;
  for (const auto& r : merged) {
    ASSERT_TRUE(r.worker.has_value());
    ++per_worker[*r.worker];
    EXPECT_EQ(*r.worker, r.request_id >= 5000 ? 2 : r.request_id >= 1000 ? 1 : 0);
  }
  EXPECT_EQ(per_worker, (std::map<int, std::size_t>{{0, 300}, {1, 250}, {2, 1}}));
  SummaryOptions so;
  so.window_start = TimePoint{};
  so.window_end = TimePoint{Duration{4'000'000'000}};
  EXPECT_EQ(results_json(summarize(merged, so)).dump(), results_json(summarize(all, so)).dump());
}

TEST(MergeRecords, ClashingIdsAreRenumberedInSendOrder) {
  std::mt19937_64 rng(9);
  const auto merged = merge_records({sender_records(rng, 20, 0), sender_records(rng, 20, 0)});
  ASSERT_EQ(merged.size(), 40u);
  for (std::size_t i = 0; i < merged.size(); ++i) EXPECT_EQ(merged[i].request_id, i);
}

}  // namespace
}  // namespace lmbench::metrics
