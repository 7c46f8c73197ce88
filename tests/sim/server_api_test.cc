// The simulator's OpenAI API through real HTTP on loopback: both APIs streamed and not, usage,
// finish reasons, defaults, errors, utility endpoints.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/server_fixture.h"
#include "text/tokenizer.h"

namespace lmbench::sim::testing {
namespace {

using json = nlohmann::json;

class ServerApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { harness_ = new SimHarness(); }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  static SimHarness& sim() { return *harness_; }
  static const text::Tokenizer& tok() { return *shared_tokenizer(); }
  static SimHarness* harness_;
};
SimHarness* ServerApi::harness_ = nullptr;

TEST_F(ServerApi, ModelsListsTheServedModel) {
  const Reply r = sim().get("/v1/models");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const json j = r.json();
  EXPECT_EQ(j["object"], "list");
  ASSERT_EQ(j["data"].size(), 1u);
  const json& m = j["data"][0];
  EXPECT_EQ(m["id"], "sim-model");
  EXPECT_EQ(m["object"], "model");
  EXPECT_EQ(m["owned_by"], "vllm");
  EXPECT_EQ(m["root"], "sim-model");
  EXPECT_TRUE(m["parent"].is_null());
  EXPECT_EQ(m["max_model_len"], 4096);
  EXPECT_GT(m["created"].get<long long>(), 1'600'000'000);
}

TEST_F(ServerApi, CompletionDefaultsTo16TokensAndReportsUsage) {
  const Reply r = sim().post("/v1/completions", {{"model", "sim-model"}, {"prompt", "The capital of France is"}});
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const json j = r.json();
  EXPECT_EQ(j["object"], "text_completion");
  EXPECT_EQ(j["id"].get<std::string>().rfind("cmpl-", 0), 0u);
  EXPECT_EQ(j["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(j["usage"]["completion_tokens"], 16);
  EXPECT_EQ(j["usage"]["prompt_tokens"], static_cast<int>(tok().count("The capital of France is")));
  EXPECT_EQ(j["usage"]["total_tokens"], j["usage"]["prompt_tokens"].get<int>() + 16);
  // The text is 16 one-token words that re-tokenize to 16 tokens.
  const std::string text = j["choices"][0]["text"];
  EXPECT_EQ(tok().count(text), 16u) << text;
  // Deterministic: the same prompt gets the same answer.
  const Reply again = sim().post("/v1/completions", {{"model", "sim-model"}, {"prompt", "The capital of France is"}});
  EXPECT_EQ(again.json()["choices"][0]["text"], text);
}

TEST_F(ServerApi, CompletionAcceptsTokenIdsAndMissingModel) {
  const Reply r = sim().post("/v1/completions", {{"prompt", json::array({791, 6864, 315})}, {"max_tokens", 3}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["usage"]["prompt_tokens"], 3);
  EXPECT_EQ(r.json()["usage"]["completion_tokens"], 3);
}

TEST_F(ServerApi, ChatDefaultsToTheRestOfTheContext) {
  const json body = {{"model", "sim-model"}, {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}};
  const Reply r = sim().post("/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const json j = r.json();
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["id"].get<std::string>().rfind("chatcmpl-", 0), 0u);
  EXPECT_EQ(j["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "length");
  const int prompt = j["usage"]["prompt_tokens"];
  EXPECT_EQ(j["usage"]["completion_tokens"], 4096 - prompt);
}

TEST_F(ServerApi, StreamedCompletionWithUsageChunk) {
  const Reply r = sim().post("/v1/completions", {{"model", "sim-model"},
                                                 {"prompt", "Once upon a time"},
                                                 {"max_tokens", 5},
                                                 {"stream", true},
                                                 {"stream_options", {{"include_usage", true}}}});
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.header("content-type"), "text/event-stream");
  const auto events = sse_data(r.body);
  ASSERT_EQ(events.size(), 7u) << r.body;  // 5 tokens, usage, [DONE]
  EXPECT_EQ(events.back(), "[DONE]");
  std::string text;
  for (int i = 0; i < 5; ++i) {
    const json c = json::parse(events[static_cast<std::size_t>(i)]);
    EXPECT_EQ(c["object"], "text_completion");
    text += c["choices"][0]["text"].get<std::string>();
    if (i < 4) {
      EXPECT_TRUE(c["choices"][0]["finish_reason"].is_null());
    } else {
      EXPECT_EQ(c["choices"][0]["finish_reason"], "length");
    }
    EXPECT_FALSE(c.contains("usage"));
  }
  EXPECT_EQ(tok().count(text), 5u);
  const json usage = json::parse(events[5]);
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["completion_tokens"], 5);
  EXPECT_EQ(usage["usage"]["prompt_tokens"], static_cast<int>(tok().count("Once upon a time")));
}

TEST_F(ServerApi, StreamedChatStartsWithRoleAndCanCarryContinuousUsage) {
  const json body = {{"model", "sim-model"},
                     {"messages", json::array({{{"role", "user"}, {"content", "Tell me a story"}}})},
                     {"max_completion_tokens", 4},
                     {"stream", true},
                     {"stream_options", {{"include_usage", true}, {"continuous_usage_stats", true}}}};
  const Reply r = sim().post("/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const auto events = sse_data(r.body);
  ASSERT_EQ(events.size(), 7u) << r.body;  // role, 4 tokens, usage, [DONE]
  const json role = json::parse(events[0]);
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(role["choices"][0]["delta"]["content"], "");
  for (int i = 1; i <= 4; ++i) {
    const json c = json::parse(events[static_cast<std::size_t>(i)]);
    EXPECT_FALSE(c["choices"][0]["delta"]["content"].get<std::string>().empty());
    EXPECT_EQ(c["usage"]["completion_tokens"], i);
  }
  EXPECT_EQ(json::parse(events[4])["choices"][0]["finish_reason"], "length");
  EXPECT_TRUE(json::parse(events[5])["choices"].empty());
  EXPECT_EQ(events[6], "[DONE]");
}

TEST_F(ServerApi, StopStringEndsWithStop) {
  const json base = {{"prompt", "A list of words:"}, {"max_tokens", 10}};
  const std::string full = sim().post("/v1/completions", base).json()["choices"][0]["text"];
  // The answer is " w1 w2 ...": stop at the third word.
  std::size_t at = 0;
  for (int i = 0; i < 3; ++i) at = full.find(' ', at + 1);
  ASSERT_NE(at, std::string::npos) << full;
  const std::size_t next = full.find(' ', at + 1);
  const std::string third = full.substr(at, next - at);
  json with_stop = base;
  with_stop["stop"] = json::array({third});
  const json j = sim().post("/v1/completions", with_stop).json();
  EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(j["choices"][0]["text"], full.substr(0, at));
}

TEST_F(ServerApi, ContextLengthIs400InVllmWords) {
  const Reply r = sim().post("/v1/completions", {{"prompt", "hello"}, {"max_tokens", 5000}});
  EXPECT_EQ(r.status, 400);
  const json e = r.json()["error"];
  EXPECT_NE(e["message"].get<std::string>().find("This model's maximum context length is 4096 tokens"), std::string::npos);
  EXPECT_EQ(e["code"], 400);
  EXPECT_EQ(e["type"], "BadRequestError");
}

TEST_F(ServerApi, UnknownModelIs404) {
  const Reply r = sim().post("/v1/chat/completions",
                             {{"model", "gpt-9"}, {"messages", json::array({{{"role", "user"}, {"content", "x"}}})}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["error"]["code"], 404);
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("gpt-9"), std::string::npos);
}

TEST_F(ServerApi, BadRequestsAre400WithTheParam) {
  Reply r = sim().post("/v1/completions", {{"prompt", "x"}, {"max_tokens", 4}, {"min_tokens", 9}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["param"], "min_tokens");
  r = sim().call("POST", "/v1/completions", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.json().contains("error"));
}

TEST_F(ServerApi, ReturnErrorHeaderAndRequestIdEcho) {
  const json body = {{"prompt", "x"}, {"max_tokens", 2}};
  for (const auto& [code, status] : std::vector<std::pair<std::string, int>>{
           {"429", 429}, {"401", 401}, {"400", 400}, {"503", 503}, {"404", 404}, {"rate_limit", 429},
           {"invalid_request", 400}, {"model_not_found", 404}}) {
    const Reply r = sim().post("/v1/completions", body, {{"X-Return-Error", code}, {"X-Request-Id", "abc-" + code}});
    EXPECT_EQ(r.status, status) << code;
    EXPECT_EQ(r.json()["error"]["code"], status) << code;
    EXPECT_EQ(r.header("x-request-id"), "abc-" + code);
  }
  const Reply ok = sim().post("/v1/completions", body, {{"X-Request-Id", "mine-1"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.header("x-request-id"), "mine-1");
  const Reply generated = sim().get("/health");
  EXPECT_EQ(generated.status, 200);
  EXPECT_FALSE(generated.header("x-request-id").empty());
}

TEST_F(ServerApi, UtilityEndpoints) {
  EXPECT_EQ(sim().get("/health").status, 200);
  EXPECT_EQ(sim().get("/ping").status, 200);
  EXPECT_TRUE(sim().get("/version").json().contains("version"));
  EXPECT_EQ(sim().get("/is_sleeping").json()["is_sleeping"], false);
  EXPECT_EQ(sim().get("/nope").status, 404);
}

TEST_F(ServerApi, TokenizeAndDetokenize) {
  const std::string text = "Hello, simulated world!";
  const Reply r = sim().post("/tokenize", {{"model", "sim-model"}, {"prompt", text}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.json();
  const auto want = tok().encode(text);
  EXPECT_EQ(j["count"], want.size());
  EXPECT_EQ(j["max_model_len"], 4096);
  EXPECT_EQ(j["tokens"].get<std::vector<int>>(), std::vector<int>(want.begin(), want.end()));
  const Reply d = sim().post("/detokenize", {{"tokens", j["tokens"]}});
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json()["prompt"], text);
  EXPECT_EQ(sim().post("/detokenize", {{"tokens", json::array({-1})}}).status, 400);
  EXPECT_EQ(sim().post("/tokenize", {{"nothing", 1}}).status, 400);
}

// A chat turn's prompt plus its answer is a token prefix of the next turn, and the engine's prefix
// cache sees it: the cache lookup of turn 2 covers turn 1's prompt and answer (whole blocks).
TEST_F(ServerApi, ChatTurnIsATokenPrefixOfTheNextAndHitsTheCache) {
  json messages = json::array({{{"role", "system"}, {"content", "You are a helpful assistant."}},
                               {{"role", "user"}, {"content", "Describe the sea in many words."}}});
  const json turn1 = sim().post("/v1/chat/completions", {{"messages", messages}, {"max_tokens", 40}}).json();
  const std::string answer = turn1["choices"][0]["message"]["content"];
  const int prompt1 = turn1["usage"]["prompt_tokens"];
  const auto ids1 = sim().post("/tokenize", {{"messages", messages}}).json()["tokens"].get<std::vector<int>>();
  ASSERT_EQ(static_cast<int>(ids1.size()), prompt1);

  messages.push_back({{"role", "assistant"}, {"content", answer}});
  messages.push_back({{"role", "user"}, {"content", "And the mountains?"}});
  const auto ids2 = sim().post("/tokenize", {{"messages", messages}}).json()["tokens"].get<std::vector<int>>();
  const auto answer_ids = tok().encode(answer);
  ASSERT_EQ(answer_ids.size(), 40u);
  ASSERT_GT(ids2.size(), ids1.size() + answer_ids.size());
  EXPECT_TRUE(std::equal(ids1.begin(), ids1.end(), ids2.begin()));
  EXPECT_TRUE(std::equal(answer_ids.begin(), answer_ids.end(), ids2.begin() + static_cast<long>(ids1.size())));

  const json lookup = sim().post("/lmbench/cache_lookup", {{"messages", messages}}).json();
  // Prompt and answer minus the last sampled token (its KV is never computed), in whole blocks.
  const int cached = (prompt1 + 40 - 1) / 16 * 16;
  EXPECT_EQ(lookup["gpu_tokens"], cached) << lookup.dump();
  EXPECT_EQ(lookup["cpu_tokens"], 0);
  EXPECT_EQ(lookup["total_tokens"], cached);
  EXPECT_EQ(lookup["prompt_tokens"], ids2.size());
  const json by_tokens = sim().post("/lmbench/cache_lookup", {{"tokens", ids2}}).json();
  EXPECT_EQ(by_tokens["gpu_tokens"], cached);

  // The answers say how much of the prompt came from the cache, as vLLM's usage does.
  EXPECT_EQ(turn1["usage"]["prompt_tokens_details"]["cached_tokens"], 0) << turn1.dump();
  const json turn2 = sim().post("/v1/chat/completions", {{"messages", messages}, {"max_tokens", 4}}).json();
  EXPECT_EQ(turn2["usage"]["prompt_tokens_details"]["cached_tokens"], cached) << turn2["usage"].dump();
}

// The model's own times of a request, by its X-Request-Id, and what the server is: what lmbench
// run's calibration and lmbench bench's clock read.
TEST_F(ServerApi, TimingAndInfoEndpoints) {
  const Reply r = sim().post("/v1/completions", {{"prompt", "One two three"}, {"max_tokens", 3}},
                             {{"X-Request-Id", "timing-test-1"}});
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const Reply t = sim().get("/lmbench/timing?request_id=timing-test-1");
  ASSERT_EQ(t.status, 200) << t.body;
  const json j = t.json();
  EXPECT_EQ(j["request_id"], "timing-test-1");
  const double ttft = j["model_ttft_ms"], e2e = j["model_e2e_ms"];
  EXPECT_GT(ttft, 0);
  EXPECT_GT(e2e, ttft);  // two more decode steps after the first token
  EXPECT_NEAR(j["first_token_ms"].get<double>() - j["arrival_ms"].get<double>(), ttft, 1e-6);
  EXPECT_EQ(sim().get("/lmbench/timing?request_id=never-sent").status, 404);
  EXPECT_EQ(sim().get("/lmbench/timing").status, 400);
  const json info = sim().get("/lmbench/info").json();
  EXPECT_EQ(info["model"], "sim-model");
  EXPECT_EQ(info["time_scale"], 50.0);
  EXPECT_EQ(info["max_model_len"], 4096);
}

// A request whose numbers are out of range is a 400 naming the field, never a wrapped value.
TEST_F(ServerApi, OutOfRangeNumbersAre400NamingTheField) {
  for (const auto& [body, param] : std::vector<std::pair<std::string, std::string>>{
           {R"({"prompt":"x","max_tokens":1e20})", "max_tokens"},
           {R"({"prompt":[1,2,4294967297]})", "prompt"},
           {R"({"prompt":"x","max_tokens":4,"min_tokens":1e300})", "min_tokens"},
           {R"({"prompt":"x","top_k":9999999999})", "top_k"}}) {
    const Reply r = sim().call("POST", "/v1/completions", body);
    ASSERT_EQ(r.status, 400) << body << " " << r.body;
    EXPECT_EQ(r.json()["error"]["param"], param) << r.body;
  }
}

}  // namespace
}  // namespace lmbench::sim::testing
