#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "openai/chunk.h"

namespace lmbench::openai {
namespace {

using nlohmann::json;

TEST(Chunk, CompletionText) {
  Chunk c;
  ASSERT_TRUE(parse_chunk(
      R"({"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" hi\n\"x\"","logprobs":null,"finish_reason":null,"stop_reason":null}],"usage":null})",
      c));
  EXPECT_EQ(c.content, " hi\n\"x\"");
  EXPECT_TRUE(c.has_choices);
  EXPECT_EQ(c.finish_reason, "");
  EXPECT_FALSE(c.usage);
  EXPECT_FALSE(c.error);
}

TEST(Chunk, ChatDeltaFinishAndUsage) {
  Chunk c;
  ASSERT_TRUE(parse_chunk(
      R"({"choices":[{"index":0,"delta":{"content":"\u00e9\ud83d\ude42"},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}})",
      c));
  EXPECT_EQ(c.content, "\xc3\xa9\xf0\x9f\x99\x82");
  EXPECT_EQ(c.finish_reason, "length");
  ASSERT_TRUE(c.usage);
  EXPECT_EQ(*c.usage, (Usage{3, 4, 7}));
  ASSERT_TRUE(parse_chunk(R"({"choices":[],"usage":{"prompt_tokens":12,"total_tokens":22,"completion_tokens":10}})", c));
  EXPECT_FALSE(c.has_choices);
  EXPECT_EQ(c.content, "");
  EXPECT_EQ(*c.usage, (Usage{12, 10, 22}));
  // vLLM's and OpenAI's prompt_tokens_details: the cached prompt tokens; null means not reported.
  ASSERT_TRUE(parse_chunk(
      R"({"choices":[],"usage":{"prompt_tokens":2048,"total_tokens":2058,"completion_tokens":10,"prompt_tokens_details":{"cached_tokens":1536}}})",
      c));
  EXPECT_EQ(*c.usage, (Usage{2048, 10, 2058, 1536}));
  ASSERT_TRUE(parse_chunk(R"({"choices":[],"usage":{"prompt_tokens":5,"total_tokens":6,"completion_tokens":1,"prompt_tokens_details":null}})", c));
  EXPECT_EQ(*c.usage, (Usage{5, 1, 6}));
  ASSERT_TRUE(parse_chunk(R"({"choices":[{"delta":{"role":"assistant","content":null},"finish_reason":null}]})", c));
  EXPECT_EQ(c.content, "");
  ASSERT_TRUE(parse_chunk(R"({"choices":[{"delta":{"reasoning_content":"think"}}]})", c));
  EXPECT_EQ(c.content, "");
  EXPECT_EQ(c.reasoning, "think");
  ASSERT_TRUE(parse_chunk(R"({"choices":[{"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}]})", c));
  EXPECT_EQ(c.content, "whole");
}

TEST(Chunk, OnlyTheFirstChoiceCounts) {
  Chunk c;
  ASSERT_TRUE(parse_chunk(R"({"choices":[{"text":"a"},{"text":"b","finish_reason":"stop"}]})", c));
  EXPECT_EQ(c.content, "a");
  EXPECT_EQ(c.finish_reason, "");
}

TEST(Chunk, ErrorShapes) {
  Chunk c;
  ASSERT_TRUE(parse_chunk(R"({"error":{"message":"too long","type":"BadRequestError","param":null,"code":400}})", c));
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->message, "too long");
  EXPECT_EQ(c.error->type, "BadRequestError");
  EXPECT_EQ(c.error->code, "400");
  ASSERT_TRUE(parse_chunk(R"({"object":"error","message":"old style","type":"x","code":"e1"})", c));
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->message, "old style");
  EXPECT_EQ(c.error->code, "e1");
  ASSERT_TRUE(parse_chunk(R"({"error":"plain text"})", c));
  EXPECT_EQ(c.error->message, "plain text");
  ASSERT_TRUE(parse_chunk(R"({"error":null,"choices":[{"text":"ok"}]})", c));
  EXPECT_FALSE(c.error);
  EXPECT_EQ(c.content, "ok");
}

TEST(Chunk, RejectsWhatIsNotOneValidObject) {
  Chunk c;
  std::string why;
  for (const char* bad : {"", "[]", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":tru}", "{\"a\":01}", "{\"a\":\"x\"} x",
                          "{\"choices\":[{\"text\":\"\\x\"}]}", "{\"choices\":[{\"text\":\"\\ud800\"}]}",
                          "{\"a\":\"tab\there\"}", "{\"a\":1.}", "{\"a\":-}", "{\"a\" 1}", "{'a':1}",
                          "{\"usage\":{\"prompt_tokens\":1e20}}"}) {
    EXPECT_FALSE(parse_chunk(bad, c, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
    why.clear();
  }
}

// The scanner against nlohmann::json on randomly shaped chunks: same acceptance, same fields.
TEST(Chunk, AgreesWithAFullParserOnRandomChunks) {
  std::mt19937 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> texts = {"", "a", " the", "\"", "\\", "\n\t", "é", "日本", "🙂", "\x01", "/", "\u2028"};
  int accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    json j = json::object();
    if (pick(2)) j["id"] = "cmpl-" + std::to_string(iter);
    if (pick(2)) j["nested"] = json{{"a", json::array({1, 2.5, -3e2, true, false, nullptr, json::object()})}};
    std::string text = texts[static_cast<std::size_t>(pick(static_cast<int>(texts.size())))] +
                       texts[static_cast<std::size_t>(pick(static_cast<int>(texts.size())))];
    json choice = json::object();
    const int kind = pick(3);
    if (kind == 0) choice["text"] = text;
    if (kind == 1) choice["delta"] = json{{"content", text}};
    if (kind == 2) choice["delta"] = json{{"role", "assistant"}, {"content", nullptr}};
    choice["finish_reason"] = pick(3) == 0 ? json("stop") : json(nullptr);
    if (pick(4)) j["choices"] = json::array({choice});
    if (pick(3) == 0) j["usage"] = json{{"prompt_tokens", pick(100)}, {"completion_tokens", pick(100)}, {"total_tokens", pick(200)}};
    std::string wire = j.dump(pick(2) ? -1 : 1, ' ', pick(2) == 0);  // compact/indented, ASCII-escaped or not
    // Sometimes damage it.
    if (pick(5) == 0 && !wire.empty()) wire.erase(static_cast<std::size_t>(pick(static_cast<int>(wire.size()))), 1);
    bool reference_ok = true;
    json ref;
    try {
      ref = json::parse(wire);
      reference_ok = ref.is_object();
    } catch (const json::parse_error&) {
      reference_ok = false;
    }
    Chunk c;
    const bool ok = parse_chunk(wire, c);
    ASSERT_EQ(ok, reference_ok) << wire;
    if (!ok) continue;
    ++accepted;
    std::string want_content, want_finish;
    if (ref.contains("choices") && ref["choices"].is_array() && !ref["choices"].empty()) {
      const json& ch = ref["choices"][0];
      if (ch.contains("text") && ch["text"].is_string()) want_content = ch["text"];
      if (ch.contains("delta") && ch["delta"].is_object() && ch["delta"].contains("content") &&
          ch["delta"]["content"].is_string()) {
        want_content = ch["delta"]["content"];
      }
      if (ch.contains("finish_reason") && ch["finish_reason"].is_string()) want_finish = ch["finish_reason"];
    }
    EXPECT_EQ(c.content, want_content) << wire;
    EXPECT_EQ(c.finish_reason, want_finish) << wire;
    EXPECT_EQ(c.usage.has_value(), ref.contains("usage") && ref["usage"].is_object()) << wire;
    if (c.usage) {
      const json& u = ref["usage"];
      const int want = u.contains("completion_tokens") && u["completion_tokens"].is_number_integer()
                           ? u["completion_tokens"].get<int>()
                           : 0;
      EXPECT_EQ(c.usage->completion_tokens, want) << wire;
    }
  }
  EXPECT_GT(accepted, 1500);
}

}  // namespace
}  // namespace lmbench::openai
