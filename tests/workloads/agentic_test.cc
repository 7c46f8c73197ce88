#include "workloads/agentic.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "workload_driver.h"

namespace lmbench::workloads {
namespace {

using testing::drive;
using testing::ids;
using testing::secs;

AgenticOptions base_options() {
  AgenticOptions o;
  o.num_agents = 3;
  o.num_rounds = 4;
  o.system_prompt = 30;
  o.chat_history = 20;
  o.answer_len = 10;
  o.question_len = 5;
  o.new_user_interval_s = 2;
  o.duration = std::chrono::seconds(7);
  o.models = {"m-a", "m-b"};
  o.api = Api::kChat;
  o.seed = 11;
  return o;
}

TEST(Agentic, NewUserEveryIntervalAgentsCycleOneRequestAtATime) {
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  AgenticWorkload w(testing::tokenizer(), testing::synth(), base_options());
  EXPECT_EQ(w.name(), "agentic");
  testing::Script script;
  script.latency = [](const Request&) { return std::chrono::milliseconds(500); };
  const auto sent = drive(w, clock, script);

  // Users join at 0, 2, 4, 6 s; each round goes when the previous answer arrives (0.5 s later);
  // nothing at or after 7 s.
  std::vector<std::tuple<double, std::string, int>> expected;
  for (int u = 0; u < 4; ++u) {
    for (int r = 1; r <= 4; ++r) {
      const double t = 2.0 * u + 0.5 * (r - 1);
      if (t < 7) expected.emplace_back(t, std::to_string(u), r);
    }
  }
  ASSERT_EQ(sent.size(), expected.size());
  std::map<std::string, const Request*> previous;
  std::map<int, std::string> system_of_agent;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const Request& r = sent[i].req;
    EXPECT_NEAR(secs(t0, r.intended_send), std::get<0>(expected[i]), 1e-9) << i;
    EXPECT_EQ(r.user_id, std::get<1>(expected[i]));
    EXPECT_EQ(r.round, std::get<2>(expected[i]));
    EXPECT_EQ(r.headers, (std::vector<std::pair<std::string, std::string>>{{"x-user-id", r.user_id}}));
    const int agent = (r.round - 1) % 3;
    EXPECT_EQ(r.model, agent == 1 ? "m-b" : "m-a") << "models cycle over agents";
    // Agent system prompt + context + a question per round + every earlier agent's answer.
    EXPECT_EQ(r.prompt_tokens, 30 + 20 + 5 * r.round + 8 * (r.round - 1));
    ASSERT_EQ(r.messages.front().role, "system");
    EXPECT_EQ(ids(r.messages.front().content).size(), 30u);
    auto [it, fresh] = system_of_agent.emplace(agent, r.messages.front().content);
    EXPECT_EQ(it->second, r.messages.front().content) << "one system prompt per agent, shared by users";
    if (const auto p = previous.find(r.user_id); p != previous.end()) {
      const auto& before = p->second->messages;
      ASSERT_EQ(r.messages.size(), before.size() + 2);
      EXPECT_TRUE(std::equal(before.begin() + 1, before.end(), r.messages.begin() + 1)) << "shared history grows";
      EXPECT_EQ(r.messages[before.size()].content, testing::synth().text(1000 + p->second->id, 8));
    }
    previous[r.user_id] = &r;
  }
  ASSERT_EQ(system_of_agent.size(), 3u);
  EXPECT_NE(system_of_agent[0], system_of_agent[1]);
  EXPECT_TRUE(w.finished());
}

TEST(Agentic, WarmupThenMeasurementAfterTheWarmupAnswers) {
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  auto o = base_options();
  o.num_users_warmup = 2;
  o.new_user_interval_s = 1;
  o.num_rounds = 2;
  o.duration = std::chrono::seconds(2);
  o.models.clear();
  o.api = Api::kCompletions;
  AgenticWorkload w(testing::tokenizer(), testing::synth(), o);
  testing::Script script;
  script.latency = [](const Request&) { return std::chrono::milliseconds(3000); };
  const auto sent = drive(w, clock, script);
  // Warm-up users at 0 and 1 s (answers at 3 and 4 s); measurement from max(2, 4) = 4 s to 6 s:
  // user 0 at 4 s (its round 2 would go at 7 s), user 1 joins at 5 s.
  std::vector<std::tuple<double, std::string, int, bool>> got;
  for (const auto& s : sent) {
    got.emplace_back(secs(t0, s.req.intended_send), s.req.user_id, s.req.round, s.req.warmup);
    EXPECT_TRUE(s.req.model.empty());
    EXPECT_EQ(s.req.prompt_tokens, static_cast<int>(ids(s.req.prompt).size()));
    EXPECT_EQ(s.req.prompt.rfind("System: ", 0), 0u);
  }
  const std::vector<std::tuple<double, std::string, int, bool>> expected = {
      {0, "warmup-0", 1, true}, {1, "warmup-1", 1, true}, {4, "0", 1, false}, {5, "1", 1, false}};
  EXPECT_EQ(got, expected);
  EXPECT_TRUE(w.finished());
}

TEST(Agentic, RejectsBadOptions) {
  auto o = base_options();
  o.num_agents = 0;
  EXPECT_THROW(AgenticWorkload(testing::tokenizer(), testing::synth(), o), core::ConfigError);
}

}  // namespace
}  // namespace lmbench::workloads
