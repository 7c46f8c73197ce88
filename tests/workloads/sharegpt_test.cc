#include "workloads/sharegpt.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
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

const char* kFixture = R"([
  {"id": "c0", "conversations": [
    {"from": "human", "value": "What is the capital of France?"},
    {"from": "gpt", "value": "The capital of France is Paris, a city on the Seine."},
    {"from": "human", "value": "And how many people live there?"},
    {"from": "gpt", "value": "About two million people live in the city proper."},
    {"from": "human", "value": "Name one famous museum."},
    {"from": "gpt", "value": "The Louvre, home of the Mona Lisa."}]},
  {"id": "c1", "conversations": [
    {"from": "human", "value": "Only one round here."},
    {"from": "gpt", "value": "Indeed, just one."}]},
  {"id": "c2", "conversations": [
    {"from": "system", "value": "You are terse."},
    {"from": "human", "value": "Two plus two?"},
    {"from": "gpt", "value": "Four."},
    {"from": "human", "value": "Times three?"},
    {"from": "gpt", "value": "Twelve, since four times three is twelve."}]},
  {"id": "c3", "conversations": [
    {"from": "human", "value": "a"}, {"from": "gpt", "value": "b"},
    {"from": "human", "value": "c"}, {"from": "gpt", "value": "d"}]}
])";

std::filesystem::path write_fixture(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << text;
  return path;
}

ShareGptOptions options(double qps) {
  ShareGptOptions o;
  o.limit = 2;
  o.min_rounds = 2;
  o.start_round = 1;
  o.qps = qps;
  o.api = Api::kChat;
  return o;
}

TEST(ShareGpt, ReadsConversationsAsQuestionAnswerRounds) {
  const auto convs = read_sharegpt(write_fixture("sharegpt_read.json", kFixture));
  ASSERT_EQ(convs.size(), 4u);
  EXPECT_EQ(convs[0].id, "c0");
  EXPECT_EQ(convs[0].rounds.size(), 3u);
  EXPECT_EQ(convs[2].rounds.size(), 2u) << "the leading system turn is skipped";
  EXPECT_EQ(convs[2].rounds[1].answer, "Twelve, since four times three is twelve.");
}

TEST(ShareGpt, SelectionScheduleHistoryAndAnswerCaps) {
  for (const int latency_ms : {500, 1500}) {
    core::ManualClock clock;
    const core::TimePoint t0 = clock.now();
    ShareGptWorkload w(testing::tokenizer(), read_sharegpt(write_fixture("sharegpt_a.json", kFixture)), options(1));
    EXPECT_EQ(w.name(), "sharegpt");
    // LIMIT 2 of the conversations with >= MIN_ROUNDS 2 rounds: c0 and c2 (c1 too short, c3 over the limit).
    ASSERT_EQ(w.selected().size(), 2u);
    EXPECT_EQ(w.selected()[0].id, "c0");
    EXPECT_EQ(w.selected()[1].id, "c2");
    EXPECT_EQ(w.total_requests(), 3u);  // rounds from START_ROUND 1: two of c0, one of c2
    testing::Script script;
    script.latency = [latency_ms](const Request&) { return std::chrono::milliseconds(latency_ms); };
    const auto sent = drive(w, clock, script);

    std::vector<std::tuple<double, std::string, int>> got;
    for (const auto& s : sent) got.emplace_back(secs(t0, s.req.intended_send), s.req.user_id, s.req.round);
    // Slots 1 s apart. With fast answers c0 goes on until done, then c2 starts; with slow ones
    // c0 is not ready at 1 s, so c2 starts there and c0's round 3 takes the 2 s slot.
    const std::vector<std::tuple<double, std::string, int>> expected =
        latency_ms < 1000 ? std::vector<std::tuple<double, std::string, int>>{{0, "0", 2}, {1, "0", 3}, {2, "1", 2}}
                          : std::vector<std::tuple<double, std::string, int>>{{0, "0", 2}, {1, "1", 2}, {2, "0", 3}};
    EXPECT_EQ(got, expected) << latency_ms;
    EXPECT_TRUE(w.finished());

    for (const auto& s : sent) {
      const Request& r = s.req;
      const auto& conv = w.selected()[static_cast<std::size_t>(std::stoi(r.user_id))];
      // History = the recorded rounds before this one, answers included; then the question.
      ASSERT_EQ(r.messages.size(), static_cast<std::size_t>(2 * r.round - 1));
      int tokens = 0;
      for (int q = 0; q < r.round - 1; ++q) {
        EXPECT_EQ(r.messages[2 * q].content, conv.rounds[q].question);
        EXPECT_EQ(r.messages[2 * q + 1].content, conv.rounds[q].answer);
        EXPECT_EQ(r.messages[2 * q + 1].role, "assistant");
        tokens += static_cast<int>(ids(conv.rounds[q].question).size() + ids(conv.rounds[q].answer).size());
      }
      EXPECT_EQ(r.messages.back().content, conv.rounds[r.round - 1].question);
      tokens += static_cast<int>(ids(conv.rounds[r.round - 1].question).size());
      EXPECT_EQ(r.prompt_tokens, tokens);
      EXPECT_EQ(r.max_tokens, static_cast<int>(ids(conv.rounds[r.round - 1].answer).size()));
      EXPECT_EQ(r.headers, (std::vector<std::pair<std::string, std::string>>{{"x-user-id", r.user_id}}));
    }
  }
}

TEST(ShareGpt, CompletionsFormUsesTheTemplate) {
  core::ManualClock clock;
  auto o = options(1);
  o.api = Api::kCompletions;
  ShareGptWorkload w(testing::tokenizer(), read_sharegpt(write_fixture("sharegpt_b.json", kFixture)), o);
  const auto sent = drive(w, clock);
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].req.prompt,
            "User: What is the capital of France?\nAssistant: The capital of France is Paris, a city on the "
            "Seine.\nUser: And how many people live there?\nAssistant: ");
  EXPECT_EQ(sent[0].req.prompt_tokens, static_cast<int>(ids(sent[0].req.prompt).size()));
}

TEST(ShareGpt, ClearErrorsForBadFilesAndEmptySelections) {
  const auto bad = write_fixture("sharegpt_bad.json", "[{\"conversations\": [}");
  try {
    read_sharegpt(bad);
    FAIL() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(bad.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_sharegpt(write_fixture("sharegpt_obj.json", "{\"a\": 1}")), core::ConfigError);
  try {
    read_sharegpt(std::filesystem::path(::testing::TempDir()) / "no-such-sharegpt.json");
    FAIL() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-sharegpt.json: ShareGPT file not found"), std::string::npos) << e.what();
  }
  auto o = options(1);
  o.min_rounds = 5;
  EXPECT_THROW(ShareGptWorkload(testing::tokenizer(), read_sharegpt(write_fixture("sharegpt_c.json", kFixture)), o),
               core::ConfigError);
}

}  // namespace
}  // namespace lmbench::workloads
