#include "workloads/trace_replayer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "workload_driver.h"
#include "workloads/trace_file.h"

namespace lmbench::workloads {
namespace {

using testing::drive;
using testing::ids;
using testing::secs;

const Trace& mooncake() {
  static const auto* t = new Trace(read_trace(LMBENCH_WORKLOADS_DIR "/trace-replayer/traces/mooncake_trace.jsonl"));
  return *t;
}

TEST(TraceReplayer, FixedQpsWindowExactLengthsAndSharedBlocks) {
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  TraceReplayerOptions o;
  o.start_time = std::chrono::seconds(0);
  o.duration = std::chrono::seconds(20);
  o.qps = 4;
  TraceReplayerWorkload w(testing::synth(), mooncake(), o);
  EXPECT_EQ(w.name(), "trace_replayer");
  std::size_t in_window = 0;
  for (const auto& e : mooncake().entries) in_window += e.offset < std::chrono::seconds(20) ? 1 : 0;
  ASSERT_EQ(w.selected().size(), in_window);
  ASSERT_GT(in_window, 40u);

  const auto sent = drive(w, clock, {}, 40);
  ASSERT_EQ(sent.size(), 40u);
  std::vector<std::vector<text::TokenId>> prompts;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const Request& r = sent[i].req;
    const TraceEntry& e = w.selected()[i];
    EXPECT_NEAR(secs(t0, r.intended_send), i / 4.0, 1e-9);
    EXPECT_TRUE(r.user_id.empty());
    EXPECT_TRUE(r.headers.empty());
    EXPECT_EQ(r.max_tokens, e.output_length);
    EXPECT_TRUE(r.ignore_eos);
    EXPECT_EQ(r.prompt, testing::synth().blocks(e.hash_ids, e.input_length));
    prompts.push_back(ids(r.prompt));
    ASSERT_EQ(prompts.back().size(), static_cast<std::size_t>(e.input_length)) << "line " << e.line;
    EXPECT_EQ(r.prompt_tokens, e.input_length);
  }

  // Requests sharing k leading hash ids share exactly k 512-token blocks.
  constexpr std::size_t kBlock = text::PromptSynth::kBlockTokens;
  int sharing_pairs = 0;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    for (std::size_t j = i + 1; j < prompts.size(); ++j) {
      const auto& hi = w.selected()[i].hash_ids;
      const auto& hj = w.selected()[j].hash_ids;
      std::size_t shared = 0;
      while (shared < hi.size() && shared < hj.size() && hi[shared] == hj[shared]) ++shared;
      const std::size_t common = testing::common_prefix(prompts[i], prompts[j]);
      const std::size_t shorter = std::min(prompts[i].size(), prompts[j].size());
      EXPECT_GE(common, std::min(shared * kBlock, shorter)) << i << " " << j;
      if (shared < hi.size() && shared < hj.size() && (shared + 1) * kBlock <= shorter) {
        EXPECT_LT(common, (shared + 1) * kBlock) << "block " << shared << " must differ: " << i << " " << j;
      }
      if (shared > 0) ++sharing_pairs;
    }
  }
  EXPECT_GT(sharing_pairs, 0) << "the slice must exercise shared prefixes";
}

TEST(TraceReplayer, PreserveTimingWithSpeedUpMaxDelayAndStartTime) {
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  TraceReplayerOptions o;
  o.start_time = std::chrono::seconds(5);
  o.duration = std::chrono::seconds(5);
  o.preserve_timing = true;
  o.speed_up = 2;
  o.max_delay = std::chrono::milliseconds(300);
  o.api = Api::kChat;
  TraceReplayerWorkload w(testing::synth(), mooncake(), o);
  std::vector<const TraceEntry*> window;
  for (const auto& e : mooncake().entries) {
    if (e.offset >= std::chrono::seconds(5) && e.offset < std::chrono::seconds(10)) window.push_back(&e);
  }
  ASSERT_EQ(w.selected().size(), window.size());
  const auto sent = drive(w, clock, {}, 30);
  ASSERT_EQ(sent.size(), std::min<std::size_t>(30, window.size()));
  double expected = 0;
  double previous = 5.0;
  int capped = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const double offset = core::to_seconds(window[i]->offset);
    const double gap = (offset - previous) / 2.0;
    capped += gap > 0.3 ? 1 : 0;
    expected += std::min(gap, 0.3);
    previous = offset;
    EXPECT_NEAR(secs(t0, sent[i].req.intended_send), expected, 1e-6) << i;
    ASSERT_EQ(sent[i].req.messages.size(), 1u);
    EXPECT_EQ(sent[i].req.messages[0].role, "user");
    EXPECT_EQ(sent[i].req.prompt_tokens, window[i]->input_length);
  }
  EXPECT_GT(capped, 0) << "MAX_DELAY must be exercised";
}

TEST(TraceReplayer, UnsortedMillisecondTraceWithoutHashIds) {
  const Trace trace = parse_trace(
      "{\"timestamp\": 3000, \"input_length\": 40, \"output_length\": 5}\n"
      "{\"timestamp\": 1000, \"input_length\": 30, \"output_length\": 6}\n"
      "{\"timestamp\": 2000, \"input_length\": 30, \"output_length\": 7}\n",
      "fixture.jsonl");
  ASSERT_EQ(trace.unit, TimeUnit::kMilliseconds);
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  TraceReplayerOptions o;
  o.preserve_timing = true;
  o.send_limit = std::chrono::milliseconds(1500);
  TraceReplayerWorkload w(testing::synth(), trace, o);
  const auto sent = drive(w, clock);
  // Sorted by time: 1000, 2000 (3000 is past the 1.5 s cap); offsets since the first request.
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NEAR(secs(t0, sent[0].req.intended_send), 0.0, 1e-9);
  EXPECT_NEAR(secs(t0, sent[1].req.intended_send), 1.0, 1e-9);
  EXPECT_EQ(sent[0].req.max_tokens, 6);
  EXPECT_EQ(sent[1].req.max_tokens, 7);
  const auto a = ids(sent[0].req.prompt);
  const auto b = ids(sent[1].req.prompt);
  EXPECT_EQ(a.size(), 30u);
  EXPECT_EQ(b.size(), 30u);
  EXPECT_NE(a[0], b[0]) << "id-less lines get unique prompts";
  EXPECT_TRUE(w.finished());
}

TEST(TraceReplayer, EmptyWindowIsAConfigError) {
  TraceReplayerOptions o;
  o.start_time = std::chrono::hours(1000);
  EXPECT_THROW(TraceReplayerWorkload(testing::synth(), mooncake(), o), core::ConfigError);
}

}  // namespace
}  // namespace lmbench::workloads
