#include "router/request_fields.h"

#include <gtest/gtest.h>

namespace lmbench::router {
namespace {

TEST(RequestFields, CompletionPromptAndSessionFromHeaderFirst) {
  auto f = parse_request_fields(R"({"prompt":"hello","x-user-id":"body-user"})", false, "x-user-id", "header-user");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->prompt, "hello");
  EXPECT_EQ(f->session_id, "header-user");
  EXPECT_EQ(f->lookup_body, R"({"prompt":"hello"})");
  f = parse_request_fields(R"({"prompt":"hello","x-user-id":17})", false, "x-user-id", "");
  EXPECT_EQ(f->session_id, "17");
  f = parse_request_fields(R"({"prompt":"hello","x-user-id":17})", false, "", "");
  EXPECT_EQ(f->session_id, "");
}

TEST(RequestFields, ChatContentsJoinedWithNewlines) {
  const auto f = parse_request_fields(
      R"({"messages":[{"role":"system","content":"sys"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]})",
      true, "x-user-id", "");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->prompt, "sys\nab");
  EXPECT_EQ(f->session_id, "");
  EXPECT_EQ(f->lookup_body,
            R"({"messages":[{"role":"system","content":"sys"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]})");
}

TEST(RequestFields, OnlyWhatThePolicyWantsIsBuiltButTheBodyIsStillChecked) {
  const FieldsWanted nothing{.prompt = false, .lookup_body = false};
  auto f = parse_request_fields(R"({"prompt":["a","b\"c"],"x-user-id":"u7"})", false, "x-user-id", "", nothing);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->prompt, "");
  EXPECT_EQ(f->lookup_body, "");
  EXPECT_EQ(f->session_id, "u7");
  f = parse_request_fields(R"({"prompt":["a","b\"c"]})", false, "", "", {.prompt = false, .lookup_body = true});
  EXPECT_EQ(f->prompt, "");
  EXPECT_EQ(f->lookup_body, R"({"prompt":"a\nb\"c"})");
  EXPECT_EQ(parse_request_fields("{\"prompt\":\"x\"", false, "", "", nothing).error().message, "the request body is not valid JSON");
  EXPECT_EQ(parse_request_fields("{}", true, "", "", nothing).error().message, "'messages' must be a list");
}

TEST(RequestFields, BadBodiesSayWhy) {
  EXPECT_EQ(parse_request_fields("{nope", false, "", "").error().message, "the request body is not valid JSON");
  EXPECT_EQ(parse_request_fields("[1]", false, "", "").error().message, "the request body must be a JSON object");
  EXPECT_EQ(parse_request_fields("{}", true, "", "").error().message, "'messages' must be a list");
  EXPECT_EQ(parse_request_fields("{}", false, "", "").error().message, "'prompt' is required");
}

}  // namespace
}  // namespace lmbench::router
