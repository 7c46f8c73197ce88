#include "workloads/lmcache_synthetic.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "workload_driver.h"
#include "workloads/sharegpt_data.h"

namespace lmbench::workloads {
namespace {

using testing::drive;
using testing::ids;
using testing::secs;
using testing::Sent;

int content_tokens(const Request& r) {
  int n = 0;
  for (const auto& m : r.messages) n += static_cast<int>(testing::tokenizer().count(m.content));
  return n;
}

LMCacheSyntheticOptions base_options() {
  LMCacheSyntheticOptions o;
  o.num_users = 4;
  o.num_rounds = 3;
  o.system_prompt = 100;
  o.chat_history = 50;
  o.answer_len = 10;
  o.question_len = 20;
  o.qps = 2;
  o.duration = std::chrono::seconds(10);
  o.seed = 7;
  return o;
}

TEST(LMCacheSynthetic, SteadyStateScheduleUsersRoundsAndReplacement) {
  core::ManualClock clock(core::TimePoint{std::chrono::seconds(50)});
  const core::TimePoint t0 = clock.now();
  auto o = base_options();
  o.api = Api::kChat;
  LMCacheSyntheticWorkload w(testing::tokenizer(), testing::synth(), o);
  EXPECT_EQ(w.name(), "synthetic");
  testing::Script script;
  script.latency = [](const Request&) { return std::chrono::milliseconds(100); };
  const auto sent = drive(w, clock, script);

  // Slots j tick at j/QPS + k * NUM_USERS/QPS = 0.5 j + 2 k; the first users of slots 0..3 start
  // with floor(j * 3 / 4) = 0, 0, 1, 2 rounds done; leavers are replaced on the next slot time by
  // user j + g * NUM_USERS (slot 3's second user is 7, its third 11).
  const std::vector<std::tuple<double, std::string, int>> expected = {
      {0.0, "0", 1}, {0.5, "1", 1}, {1.0, "2", 2}, {1.5, "3", 3}, {2.0, "0", 2}, {2.5, "1", 2}, {3.0, "2", 3},
      {3.5, "7", 1}, {4.0, "0", 3}, {4.5, "1", 3}, {5.0, "6", 1}, {5.5, "7", 2}, {6.0, "4", 1}, {6.5, "5", 1},
      {7.0, "6", 2}, {7.5, "7", 3}, {8.0, "4", 2}, {8.5, "5", 2}, {9.0, "6", 3}, {9.5, "11", 1}};
  ASSERT_EQ(sent.size(), expected.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const Request& r = sent[i].req;
    EXPECT_NEAR(secs(t0, r.intended_send), std::get<0>(expected[i]), 1e-6) << i;
    EXPECT_EQ(r.user_id, std::get<1>(expected[i])) << i;
    EXPECT_EQ(r.round, std::get<2>(expected[i])) << i;
    EXPECT_FALSE(r.warmup);
    EXPECT_EQ(r.max_tokens, 10);
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0], std::make_pair(std::string("x-user-id"), r.user_id));
  }
  EXPECT_TRUE(w.finished());
  EXPECT_FALSE(w.next_send_time());
}

TEST(LMCacheSynthetic, PromptLengthsAndHistoryGrowthInChatForm) {
  core::ManualClock clock;
  auto o = base_options();
  o.api = Api::kChat;
  LMCacheSyntheticWorkload w(testing::tokenizer(), testing::synth(), o);
  const auto sent = drive(w, clock);  // answers: 8 tokens each, at once
  ASSERT_FALSE(sent.empty());

  std::map<std::string, const Request*> previous;
  std::map<std::string, int> first_round;
  for (const auto& s : sent) {
    const Request& r = s.req;
    // system + context + one question per round + one answer per earlier round: pre-built answers
    // (ANSWER_LEN = 10) for rounds the user had "already done" at ramp-up, real ones (8) after.
    if (!first_round.count(r.user_id)) first_round[r.user_id] = r.round;
    const int prebuilt = first_round[r.user_id] - 1;
    const int real = r.round - 1 - prebuilt;
    EXPECT_EQ(r.prompt_tokens, 100 + 50 + 20 * r.round + 10 * prebuilt + 8 * real) << r.user_id << " " << r.round;
    EXPECT_EQ(content_tokens(r), r.prompt_tokens);
    ASSERT_EQ(r.messages.front().role, "system");
    EXPECT_EQ(ids(r.messages.front().content).size(), 100u);
    EXPECT_EQ(r.messages.back().role, "user");
    EXPECT_EQ(r.messages.size(), 1u + 2u * static_cast<unsigned>(r.round) - 1u);
    if (const auto it = previous.find(r.user_id); it != previous.end()) {
      const auto& before = it->second->messages;
      ASSERT_EQ(r.messages.size(), before.size() + 2);
      EXPECT_TRUE(std::equal(before.begin(), before.end(), r.messages.begin())) << "round k is a prefix of round k+1";
      EXPECT_EQ(r.messages[before.size()].content, testing::synth().text(1000 + it->second->id, 8))
          << "the model's answer is appended";
    }
    previous[r.user_id] = &r;
  }
  // Users share exactly the system prompt: the first user messages of two users differ at once.
  EXPECT_NE(ids(sent[0].req.messages[1].content)[0], ids(sent[1].req.messages[1].content)[0]);
}

TEST(LMCacheSynthetic, CompletionsFormIsOnePromptAndGrowsByTokenPrefix) {
  core::ManualClock clock;
  auto o = base_options();
  o.num_users = 1;
  o.num_rounds = 3;
  o.qps = 1;
  o.duration = std::chrono::seconds(3);
  LMCacheSyntheticWorkload w(testing::tokenizer(), testing::synth(), o);
  const auto sent = drive(w, clock);
  ASSERT_EQ(sent.size(), 3u);
  const std::string tail = "\nAssistant: ";
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const Request& r = sent[i].req;
    EXPECT_EQ(r.api, Api::kCompletions);
    EXPECT_TRUE(r.messages.empty());
    EXPECT_EQ(r.prompt.rfind("System: ", 0), 0u) << r.prompt.substr(0, 40);
    ASSERT_GE(r.prompt.size(), tail.size());
    EXPECT_EQ(r.prompt.substr(r.prompt.size() - tail.size()), tail);
    EXPECT_EQ(r.prompt_tokens, static_cast<int>(ids(r.prompt).size()));
    if (i > 0) {
      const std::string& before = sent[i - 1].req.prompt;
      const auto head = ids(before.substr(0, before.size() - tail.size()));
      const auto now = ids(r.prompt);
      EXPECT_EQ(testing::common_prefix(head, now), head.size()) << "round " << r.round;
      EXPECT_NE(r.prompt.find("\nAssistant: " + testing::synth().text(1000 + sent[i - 1].req.id, 8).substr(1) +
                              "\nUser: "),
                std::string::npos);
    }
  }
  // The three parts of round 1: "System:" + 100 tokens, "\nUser:" + 50 + 20, "\nAssistant: ".
  const auto& p = sent[0].req.prompt;
  EXPECT_EQ(std::count(p.begin(), p.end(), '\n'), 2);
}

TEST(LMCacheSynthetic, LateAnswersDelayOnlyThatUsersNextRequest) {
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  auto o = base_options();
  o.num_users = 1;
  o.num_rounds = 10;
  o.qps = 0.5;  // a 2 s period
  o.duration = std::chrono::seconds(10);
  LMCacheSyntheticWorkload w(testing::tokenizer(), testing::synth(), o);
  testing::Script script;
  // Round 2's answer takes 3 s; the others 0.5 s.
  script.latency = [](const Request& r) {
    return r.round == 2 ? std::chrono::milliseconds(3000) : std::chrono::milliseconds(500);
  };
  const auto sent = drive(w, clock, script);
  std::vector<double> times;
  for (const auto& s : sent) times.push_back(secs(t0, s.req.intended_send));
  // Slots 0, 2, 4, 6, 8: round 3 waits for the late answer (2 + 3 = 5), round 4 is back on slot 6.
  EXPECT_EQ(times, (std::vector<double>{0, 2, 5, 6, 8}));
}

TEST(LMCacheSynthetic, WarmUpSendsTheMeasuredUsersOwnHistoriesFirst) {
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  auto o = base_options();  // 4 users, 3 rounds: the first users start with 0, 0, 1, 2 rounds done
  o.num_users_warmup = 1;   // turns the warm-up on
  o.duration = std::chrono::seconds(4);
  LMCacheSyntheticWorkload w(testing::tokenizer(), testing::synth(), o);
  testing::Script script;
  script.latency = [](const Request&) { return std::chrono::milliseconds(1000); };
  const auto sent = drive(w, clock, script);
  ASSERT_GE(sent.size(), 4u);
  // Users 2 and 3 start mid-conversation: each sends, unmeasured, the history its next request
  // extends, under its own id, asking for one token; 1/QPS apart.
  EXPECT_TRUE(sent[0].req.warmup);
  EXPECT_TRUE(sent[1].req.warmup);
  EXPECT_EQ(sent[0].req.user_id, "2");
  EXPECT_EQ(sent[1].req.user_id, "3");
  EXPECT_EQ(sent[0].req.headers, (std::vector<std::pair<std::string, std::string>>{{"x-user-id", "2"}}));
  EXPECT_EQ(sent[0].req.max_tokens, 1);
  EXPECT_NEAR(secs(t0, sent[1].req.intended_send), 0.5, 1e-9);
  // Warm-up answers arrive at 1.0 and 1.5 s: measurement starts at 1.5 s, with no other warm-up.
  ASSERT_TRUE(w.measure_start());
  EXPECT_NEAR(secs(t0, *w.measure_start()), 1.5, 1e-9);
  for (std::size_t i = 2; i < sent.size(); ++i) {
    EXPECT_FALSE(sent[i].req.warmup) << i;
    EXPECT_GE(secs(t0, sent[i].req.intended_send), 1.5 - 1e-9);
  }
  // Each warm-up prompt, without its final "\nAssistant: ", is a text prefix of that user's first
  // measured prompt: everything the server caches from it, the measured request reuses.
  for (std::size_t k = 0; k < 2; ++k) {
    const Request& warm = sent[k].req;
    const std::string stem = warm.prompt.substr(0, warm.prompt.size() - std::string("\nAssistant: ").size());
    const Request* measured = nullptr;
    for (std::size_t i = 2; i < sent.size() && !measured; ++i) {
      if (sent[i].req.user_id == warm.user_id) measured = &sent[i].req;
    }
    ASSERT_NE(measured, nullptr) << warm.user_id;
    EXPECT_EQ(measured->prompt.rfind(stem, 0), 0u) << warm.user_id;
    EXPECT_GT(static_cast<int>(stem.size()), 4 * (o.chat_history + o.system_prompt));  // the whole context
    EXPECT_EQ(warm.prompt_tokens, static_cast<int>(ids(warm.prompt).size()));
  }
}

TEST(LMCacheSynthetic, WithoutMidConversationUsersTheWarmUpIsTheSystemPrompt) {
  core::ManualClock clock;
  auto o = base_options();
  o.num_users = 1;  // one user, starting at round 1: nothing of it is cached in steady state
  o.num_users_warmup = 3;
  o.api = Api::kChat;
  LMCacheSyntheticWorkload w(testing::tokenizer(), testing::synth(), o);
  const auto sent = drive(w, clock);
  ASSERT_GE(sent.size(), 2u);
  EXPECT_TRUE(sent[0].req.warmup);
  ASSERT_EQ(sent[0].req.messages.size(), 2u);
  EXPECT_EQ(sent[0].req.messages[0].role, "system");
  EXPECT_EQ(sent[0].req.messages[0].content, sent[1].req.messages[0].content);
  EXPECT_FALSE(sent[1].req.warmup);
  EXPECT_EQ(sent[1].req.round, 1);

  // NUM_USERS_WARMUP 0: no warm-up at all.
  o.num_users_warmup = 0;
  LMCacheSyntheticWorkload cold(testing::tokenizer(), testing::synth(), o);
  core::ManualClock c2;
  const auto sent2 = drive(cold, c2);
  ASSERT_FALSE(sent2.empty());
  for (const auto& x : sent2) EXPECT_FALSE(x.req.warmup);
}

TEST(LMCacheSynthetic, RejectsBadOptions) {
  auto o = base_options();
  o.qps = 0;
  EXPECT_THROW(LMCacheSyntheticWorkload(testing::tokenizer(), testing::synth(), o), core::ConfigError);
  o = base_options();
  o.num_users = 0;
  EXPECT_THROW(LMCacheSyntheticWorkload(testing::tokenizer(), testing::synth(), o), core::ConfigError);
}

}  // namespace
}  // namespace lmbench::workloads

namespace lmbench::workloads {
namespace {

using testing::drive;
using testing::ids;

TEST(LMCacheSynthetic, UseShareGptTakesQuestionsAndAnswerCapsFromConversations) {
  auto o = base_options();
  o.num_users = 2;
  o.num_rounds = 2;
  o.qps = 1;
  o.duration = std::chrono::seconds(4);
  o.api = Api::kChat;
  o.sharegpt = parse_sharegpt(R"([
    {"conversations": [{"from": "human", "value": "What is a prime number?"},
                       {"from": "gpt", "value": "A number greater than one with no divisors but one and itself."},
                       {"from": "human", "value": "Give an example."}, {"from": "gpt", "value": "Seven."}]},
    {"conversations": []},
    {"conversations": [{"from": "human", "value": "Why do cats purr?"},
                       {"from": "gpt", "value": "Mostly to signal comfort, sometimes to soothe themselves."}]}])",
                              "fixture.json");
  LMCacheSyntheticWorkload w(testing::tokenizer(), testing::synth(), o);
  core::ManualClock clock;
  const auto sent = drive(w, clock);
  ASSERT_GE(sent.size(), 3u);
  // Slot 0: user 0 (conversation 0) from round 1; slot 1: user 1 (conversation 2, the empty one is
  // dropped) already past round 1, with the recorded answer as its pre-built history.
  const Request& u0r1 = sent[0].req;
  EXPECT_EQ(u0r1.user_id, "0");
  EXPECT_NE(u0r1.messages.back().content.find("\nWhat is a prime number?"), std::string::npos);
  EXPECT_EQ(u0r1.max_tokens,
            static_cast<int>(ids("A number greater than one with no divisors but one and itself.").size()));
  EXPECT_EQ(u0r1.prompt_tokens, 100 + 50 + static_cast<int>(ids("\nWhat is a prime number?").size()));
  const Request& u1r2 = sent[1].req;
  EXPECT_EQ(u1r2.user_id, "1");
  EXPECT_EQ(u1r2.round, 2);
  ASSERT_EQ(u1r2.messages.size(), 4u);
  EXPECT_EQ(u1r2.messages[2].content, "Mostly to signal comfort, sometimes to soothe themselves.");
  EXPECT_EQ(u1r2.messages[3].content, "Why do cats purr?") << "rounds past the end wrap around";
  const Request& u0r2 = sent[2].req;
  EXPECT_EQ(u0r2.messages.back().content, "Give an example.");
  EXPECT_EQ(u0r2.max_tokens, static_cast<int>(ids("Seven.").size()));
}

}  // namespace
}  // namespace lmbench::workloads
