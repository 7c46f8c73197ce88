#include "workloads/strict_synthetic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "workload_driver.h"

namespace lmbench::workloads {
namespace {

using testing::drive;
using testing::ids;
using testing::secs;

StrictSyntheticOptions base_options() {
  StrictSyntheticOptions o;
  o.num_users = 3;
  o.num_rounds = 3;
  o.period_s = 3;
  o.system_prompt = 30;
  o.first_prompt = 40;
  o.follow_up_prompt = 15;
  o.answer_len = 10;
  o.seed = 3;
  o.api = Api::kChat;
  return o;
}

// Content tokens of the history (every message after the system prompt, before the new prompt).
std::vector<text::TokenId> history_ids(const Request& r) {
  std::vector<text::TokenId> out;
  for (std::size_t i = 1; i + 1 < r.messages.size(); ++i) {
    const auto m = ids(r.messages[i].content);
    out.insert(out.end(), m.begin(), m.end());
  }
  return out;
}

TEST(StrictSynthetic, SendsOnAFixedPeriodWhetherOrNotTheAnswerArrived) {
  for (const int latency_ms : {500, 4000}) {
    core::ManualClock clock;
    const core::TimePoint t0 = clock.now();
    StrictSyntheticWorkload w(testing::tokenizer(), testing::synth(), base_options());
    EXPECT_EQ(w.name(), "strict_synthetic");
    EXPECT_DOUBLE_EQ(w.qps(), 1.0);
    testing::Script script;
    script.latency = [latency_ms](const Request&) { return std::chrono::milliseconds(latency_ms); };
    const auto sent = drive(w, clock, script);
    ASSERT_EQ(sent.size(), 9u);
    for (std::size_t i = 0; i < sent.size(); ++i) {
      const Request& r = sent[i].req;
      const int user = static_cast<int>(i % 3);
      const int round = static_cast<int>(i / 3) + 1;
      // User j sends round r at (j / 3 + r - 1) * 3 s.
      EXPECT_NEAR(secs(t0, r.intended_send), user + 3.0 * (round - 1), 1e-9) << latency_ms << " " << i;
      EXPECT_EQ(r.user_id, std::to_string(user));
      EXPECT_EQ(r.round, round);
      EXPECT_EQ(r.headers, (std::vector<std::pair<std::string, std::string>>{{"x-user-id", r.user_id}}));
      // Answers that arrived in time are the model's (8 tokens); late ones are replaced by
      // ANSWER_LEN (10) stand-ins.
      const int answer = latency_ms < 3000 ? 8 : 10;
      EXPECT_EQ(r.prompt_tokens, 30 + 40 + (round - 1) * (answer + 15)) << latency_ms << " " << i;
      EXPECT_EQ(r.messages.size(), static_cast<std::size_t>(2 * round));
    }
    EXPECT_TRUE(w.finished());
  }
}

TEST(StrictSynthetic, StandInAnswersStayForGoodSoHistoryOnlyGrows) {
  core::ManualClock clock;
  auto o = base_options();
  o.num_users = 1;
  o.num_rounds = 4;
  o.period_s = 1;
  StrictSyntheticWorkload w(testing::tokenizer(), testing::synth(), o);
  testing::Script script;
  // Round 1's answer is late (arrives after round 2 went), the others come in time.
  script.latency = [](const Request& r) {
    return r.round == 1 ? std::chrono::milliseconds(1500) : std::chrono::milliseconds(100);
  };
  const auto sent = drive(w, clock, script);
  ASSERT_EQ(sent.size(), 4u);
  for (std::size_t i = 1; i < sent.size(); ++i) {
    const auto& before = sent[i - 1].req.messages;
    const auto& now = sent[i].req.messages;
    ASSERT_EQ(now.size(), before.size() + 2);
    EXPECT_TRUE(std::equal(before.begin(), before.end(), now.begin())) << "round " << i + 1;
  }
  EXPECT_EQ(ids(sent[1].req.messages[2].content).size(), 10u);  // the stand-in
  EXPECT_EQ(ids(sent[2].req.messages[4].content).size(), 8u);   // the model's answer
}

TEST(StrictSynthetic, KvReuseRatioScramblesTheHistoryTailDeterministically) {
  auto run = [](double ratio) {
    core::ManualClock clock;
    auto o = base_options();
    o.kv_reuse_ratio = ratio;
    StrictSyntheticWorkload w(testing::tokenizer(), testing::synth(), o);
    return drive(w, clock);
  };
  const auto full = run(1.0);
  const auto half = run(0.5);
  const auto again = run(0.5);
  ASSERT_EQ(full.size(), half.size());
  for (std::size_t i = 0; i < half.size(); ++i) {
    const Request& a = full[i].req;
    const Request& b = half[i].req;
    EXPECT_EQ(b.messages, again[i].req.messages) << "deterministic";
    EXPECT_EQ(a.messages.front(), b.messages.front()) << "system prompt untouched";
    EXPECT_EQ(a.messages.back(), b.messages.back()) << "new prompt untouched";
    const auto ha = history_ids(a);
    const auto hb = history_ids(b);
    ASSERT_EQ(ha.size(), hb.size()) << "same token count";
    if (ha.empty()) continue;
    const auto keep = static_cast<std::size_t>(std::floor(0.5 * static_cast<double>(ha.size())));
    EXPECT_EQ(testing::common_prefix(ha, hb), keep) << "request " << i;
    EXPECT_EQ(a.prompt_tokens, b.prompt_tokens);
  }
  // Round 3 of user 0 does not repeat round 2's scrambled tail either.
  const auto h2 = history_ids(half[3].req);
  const auto h3 = history_ids(half[6].req);
  EXPECT_LT(testing::common_prefix(h2, h3), h2.size());
}

TEST(StrictSynthetic, RejectsBadOptions) {
  auto o = base_options();
  o.kv_reuse_ratio = 1.5;
  EXPECT_THROW(StrictSyntheticWorkload(testing::tokenizer(), testing::synth(), o), core::ConfigError);
  o = base_options();
  o.period_s = 0;
  EXPECT_THROW(StrictSyntheticWorkload(testing::tokenizer(), testing::synth(), o), core::ConfigError);
}

}  // namespace
}  // namespace lmbench::workloads
