#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "openai/server_api.h"

namespace lmbench::openai {
namespace {

using nlohmann::json;

TEST(ParseRequest, CompletionsWithEveryOption) {
  auto r = parse_request(Api::kCompletions, R"({"model":"m","prompt":"hi","max_tokens":8,"min_tokens":2,
    "stream":true,"stream_options":{"include_usage":true,"continuous_usage_stats":true},"temperature":0,
    "top_p":0.9,"top_k":5,"ignore_eos":true,"stop":["\n"],"user":"u1","kv_transfer_params":{"do_remote_decode":true}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->model, "m");
  EXPECT_EQ(r->prompt, "hi");
  EXPECT_EQ(r->max_tokens, 8);
  EXPECT_EQ(r->min_tokens, 2);
  EXPECT_TRUE(r->stream);
  EXPECT_TRUE(r->include_usage);
  EXPECT_TRUE(r->continuous_usage_stats);
  EXPECT_EQ(r->temperature, 0.0);
  EXPECT_EQ(r->top_k, 5);
  EXPECT_TRUE(r->ignore_eos);
  EXPECT_EQ(r->stop, std::vector<std::string>{"\n"});
  EXPECT_EQ(r->user, "u1");
  EXPECT_EQ(json::parse(r->kv_transfer_params)["do_remote_decode"], true);
}

TEST(ParseRequest, PromptAsTokensAndChatParts) {
  auto t = parse_request(Api::kCompletions, R"({"prompt":[1,2,3]})");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->prompt_token_ids, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(t->max_tokens);
  EXPECT_FALSE(t->stream);
  auto c = parse_request(Api::kChat, R"({"messages":[{"role":"system","content":"s"},
    {"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{}},{"type":"text","text":"b"}]}],
    "max_completion_tokens":4})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->messages.size(), 2u);
  EXPECT_EQ(c->messages[1], (ChatMessage{"user", "a\nb"}));
  EXPECT_EQ(c->max_tokens, 4);
}

TEST(ParseRequest, ErrorsNameTheParameter) {
  struct Case {
    Api api;
    const char* body;
    const char* param;
    const char* says;
  };
  for (const Case& c : {Case{Api::kCompletions, "{", "", "not valid JSON"},
                        Case{Api::kCompletions, "[]", "", "JSON object"},
                        Case{Api::kCompletions, R"({"model":"m"})", "prompt", "required"},
                        Case{Api::kCompletions, R"({"prompt":"x","max_tokens":"8"})", "max_tokens", "integer"},
                        Case{Api::kCompletions, R"({"prompt":"x","max_tokens":0})", "max_tokens", "at least 1"},
                        Case{Api::kCompletions, R"({"prompt":"x","stream":"yes"})", "stream", "boolean"},
                        Case{Api::kCompletions, R"({"prompt":"x","temperature":"hot"})", "temperature", "number"},
                        Case{Api::kChat, R"({"messages":"hi"})", "messages", "array"},
                        Case{Api::kChat, R"({"messages":[{"content":"x"}]})", "messages[0].role", "role"},
                        // Numbers out of range are refused before any conversion (no wrapped values).
                        Case{Api::kCompletions, R"({"prompt":"x","max_tokens":1e20})", "max_tokens", "between 1 and"},
                        Case{Api::kCompletions, R"({"prompt":"x","max_tokens":18446744073709551615})", "max_tokens",
                             "at least 1"},
                        Case{Api::kCompletions, R"({"prompt":"x","max_tokens":4.5})", "max_tokens", "integer"},
                        Case{Api::kCompletions, R"({"prompt":"x","min_tokens":-3})", "min_tokens", "at least 0"},
                        Case{Api::kCompletions, R"({"prompt":"x","top_k":1e30})", "top_k", "between -1 and"},
                        Case{Api::kCompletions, R"({"prompt":[1,2,1099511627776]})", "prompt", "at least 0"},
                        Case{Api::kCompletions, R"({"prompt":[1,-5]})", "prompt", "at least 0"},
                        Case{Api::kCompletions, R"({"prompt":[1,2.5]})", "prompt", "token ids"}}) {
    std::string param = "unset";
    auto r = parse_request(c.api, c.body, &param);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().kind, "invalid_request_error");
    EXPECT_EQ(param, c.param) << c.body;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

const ResponseMeta kMeta{"cmpl-7", "m", 1700000000};

TEST(Format, CompletionChunkGolden) {
  EXPECT_EQ(completion_chunk(kMeta, " hi"),
            R"({"id":"cmpl-7","object":"text_completion","created":1700000000,"model":"m","choices":[{"index":0,)"
            R"("text":" hi","logprobs":null,"finish_reason":null,"stop_reason":null}]})");
  const Usage u{5, 2, 7};
  const json j = json::parse(completion_chunk(kMeta, "", "length", &u));
  EXPECT_EQ(j["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(j["usage"]["total_tokens"], 7);
}

TEST(Format, ChatChunksRoundTripThroughTheClientParser) {
  const ResponseMeta meta{"chatcmpl-1", "m", 1};
  Chunk c;
  ASSERT_TRUE(parse_chunk(chat_role_chunk(meta), c));
  EXPECT_EQ(c.content, "");
  EXPECT_EQ(json::parse(chat_role_chunk(meta))["choices"][0]["delta"]["role"], "assistant");
  ASSERT_TRUE(parse_chunk(chat_chunk(meta, "x\"\n\xf0\x9f\x99\x82"), c));
  EXPECT_EQ(c.content, "x\"\n\xf0\x9f\x99\x82");
  EXPECT_EQ(json::parse(chat_chunk(meta, "a"))["object"], "chat.completion.chunk");
  ASSERT_TRUE(parse_chunk(chat_chunk(meta, "", "stop"), c));
  EXPECT_EQ(c.finish_reason, "stop");
  const Usage u{3, 4, 7};
  const json usage = json::parse(usage_chunk(Api::kChat, meta, u));
  EXPECT_TRUE(usage["choices"].is_array());
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["completion_tokens"], 4);
  ASSERT_TRUE(parse_chunk(usage_chunk(Api::kCompletions, kMeta, u), c));
  EXPECT_EQ(*c.usage, u);
}

TEST(Format, WholeResponsesAndErrors) {
  const Usage u{3, 2, 5};
  const json comp = json::parse(completion_response(kMeta, "ab", "stop", u));
  EXPECT_EQ(comp["choices"][0]["text"], "ab");
  EXPECT_EQ(comp["usage"]["prompt_tokens"], 3);
  const json chat = json::parse(chat_response({"chatcmpl-2", "m", 1}, "hey", "length", u));
  EXPECT_EQ(chat["object"], "chat.completion");
  EXPECT_EQ(chat["choices"][0]["message"]["content"], "hey");
  EXPECT_EQ(chat["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(error_body("This model's maximum context length is 8 tokens", "BadRequestError", 400, "max_tokens"),
            R"({"error":{"message":"This model's maximum context length is 8 tokens","type":"BadRequestError",)"
            R"("param":"max_tokens","code":400}})");
  EXPECT_TRUE(json::parse(error_body("x", "y", 500))["error"]["param"].is_null());
}

}  // namespace
}  // namespace lmbench::openai
