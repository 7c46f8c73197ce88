#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "openai/request.h"

namespace lmbench::openai {
namespace {

using nlohmann::json;

TEST(RequestBody, Completions) {
  RequestParams p;
  p.model = "meta-llama/Llama-3.1-8B";
  p.prompt = "Say \"hi\"\n";
  p.max_tokens = 16;
  p.temperature = 0.7;
  p.top_p = 0.95;
  p.top_k = 20;
  p.ignore_eos = true;
  EXPECT_EQ(build_request_body(p),
            R"({"model":"meta-llama/Llama-3.1-8B","prompt":"Say \"hi\"\n","max_tokens":16,"temperature":0.7,)"
            R"("top_p":0.95,"top_k":20,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true}})");
  const json j = json::parse(build_request_body(p));
  EXPECT_EQ(j["prompt"], "Say \"hi\"\n");
}

TEST(RequestBody, ChatAndOptionalFieldsLeftOut) {
  RequestParams p;
  p.api = Api::kChat;
  p.model = "m";
  p.messages = {{"system", "be brief"}, {"user", "日本\u0001"}};
  p.include_usage = false;
  const json j = json::parse(build_request_body(p));
  EXPECT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][1]["role"], "user");
  EXPECT_EQ(j["messages"][1]["content"], "日本\u0001");
  EXPECT_EQ(j["stream"], true);
  EXPECT_FALSE(j.contains("stream_options"));
  EXPECT_FALSE(j.contains("max_tokens"));
  EXPECT_FALSE(j.contains("temperature"));
  EXPECT_FALSE(j.contains("ignore_eos"));
  EXPECT_FALSE(j.contains("prompt"));
  p.stream = false;
  EXPECT_EQ(json::parse(build_request_body(p))["stream"], false);
}

TEST(RequestUrl, AddsV1OnlyWhenTheBaseHasNone) {
  EXPECT_EQ(api_url(*http::Url::parse("http://h:8000"), "v1/completions").target, "/v1/completions");
  EXPECT_EQ(api_url(*http::Url::parse("http://h:8000/"), "v1/models").target, "/v1/models");
  EXPECT_EQ(api_url(*http::Url::parse("http://h:8000/v1"), "v1/chat/completions").target, "/v1/chat/completions");
  EXPECT_EQ(api_url(*http::Url::parse("http://h/proxy/v1/"), "v1/models").target, "/proxy/v1/models");
  EXPECT_EQ(api_url(*http::Url::parse("http://h/proxy"), "v1/models").target, "/proxy/v1/models");
}

TEST(RequestUrl, MakeRequestIsAJsonPost) {
  RequestParams p;
  p.api = Api::kChat;
  p.model = "m";
  const http::Request r = make_request(*http::Url::parse("https://api.example.com/v1"), p, {{"x-user-id", "3"}});
  EXPECT_EQ(r.method, "POST");
  EXPECT_TRUE(r.url.tls);
  EXPECT_EQ(r.url.target, "/v1/chat/completions");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(http::find_header(r.headers, "X-User-Id"), "3");
}

}  // namespace
}  // namespace lmbench::openai
