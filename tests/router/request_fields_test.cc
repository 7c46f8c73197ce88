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
  EXPECT_NE(f->lookup_body.find("\"messages\""), std::string::npos);
}

TEST(RequestFields, BadBodiesSayWhy) {
  EXPECT_EQ(parse_request_fields("{nope", false, "", "").error().message, "the request body is not valid JSON");
  EXPECT_EQ(parse_request_fields("[1]", false, "", "").error().message, "the request body must be a JSON object");
  EXPECT_EQ(parse_request_fields("{}", true, "", "").error().message, "'messages' must be a list");
  EXPECT_EQ(parse_request_fields("{}", false, "", "").error().message, "'prompt' is required");
}

}  // namespace
}  // namespace lmbench::router
