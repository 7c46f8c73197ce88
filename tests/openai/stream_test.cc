// StreamParser on its own: bytes in, StreamResult out, with a recorded stream split at every
// byte boundary.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "core/files.h"
#include "openai/stream.h"

namespace lmbench::openai {
namespace {

using namespace std::chrono_literals;

const std::string kChatText = "Hello, w\xc3\xb6rld! \"quoted\" tab\there \xe6\x97\xa5\xe6\x9c\xac\n \xf0\x9f\x99\x82 end";

std::string data_file(const char* name) {
  return core::read_file(std::filesystem::path(LMBENCH_SOURCE_DIR) / "tests/openai/data" / name);
}

core::TimePoint at(std::chrono::milliseconds ms) { return core::TimePoint{} + ms; }

StreamResult parse_split(const std::string& wire, std::size_t cut, std::string_view content_type = "text/event-stream") {
  StreamParser p;
  p.on_head(200, content_type);
  p.on_body(std::string_view(wire).substr(0, cut), at(10ms));
  p.on_body(std::string_view(wire).substr(cut), at(20ms));
  return p.finish(nullptr, at(30ms));
}

TEST(StreamParser, RecordedChatStreamAtEveryByteBoundary) {
  const std::string wire = data_file("chat_stream.sse");
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    const StreamResult r = parse_split(wire, cut);
    ASSERT_TRUE(r.ok) << cut << ": " << r.error.message;
    ASSERT_EQ(r.text, kChatText) << cut;
    ASSERT_EQ(r.chunk_times.size(), 10u) << cut;  // the role chunk has no content
    ASSERT_TRUE(r.usage);
    ASSERT_EQ(*r.usage, (Usage{12, 10, 22}));
    ASSERT_EQ(r.finish_reason, "stop");
    ASSERT_TRUE(r.saw_done);
    // Events complete in the first piece are stamped with its time, the others with the second.
    ASSERT_EQ(r.first_token, r.chunk_times.front());
    ASSERT_TRUE(r.chunk_times.front() == at(10ms) || r.chunk_times.front() == at(20ms));
    ASSERT_EQ(r.end, at(30ms));
  }
}

TEST(StreamParser, RecordedCompletionStreamWithCrLfOneByteAtATime) {
  const std::string wire = data_file("completion_stream.sse");
  StreamParser p;
  p.on_head(200, "text/event-stream; charset=utf-8");
  for (std::size_t i = 0; i < wire.size(); ++i) p.on_body(std::string_view(wire).substr(i, 1), at(std::chrono::milliseconds(i)));
  const StreamResult& r = p.finish(nullptr, at(10000ms));
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(r.text, kChatText);
  EXPECT_EQ(r.finish_reason, "length");
  EXPECT_EQ(r.usage->completion_tokens, 10);
  ASSERT_EQ(r.chunk_times.size(), 10u);
  for (std::size_t i = 1; i < r.chunk_times.size(); ++i) EXPECT_GT(r.chunk_times[i], r.chunk_times[i - 1]);
}

TEST(StreamParser, UsageAbsentIsFine) {
  std::string wire = data_file("chat_stream.sse");
  const std::size_t usage_at = wire.find("data: {\"id\":\"chatcmpl-9f2c1b7e4a5d4c0b8e6f\",\"object\":\"chat.completion.chunk\",\"created\":1732700000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"choices\":[],");
  ASSERT_NE(usage_at, std::string::npos);
  wire.erase(usage_at, wire.find("\n\n", usage_at) + 2 - usage_at);
  const StreamResult r = parse_split(wire, 100);
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.usage);
  EXPECT_EQ(r.text, kChatText);
}

TEST(StreamParser, FailureKinds) {
  {
    const StreamResult r = parse_split("data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"error\":{\"message\":\"engine died\","
                                       "\"type\":\"InternalServerError\",\"code\":500}}\n\n",
                                       5);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error.kind, "stream_error");
    EXPECT_NE(r.error.message.find("engine died"), std::string::npos);
    EXPECT_EQ(r.text, "a");  // what arrived before the failure is kept
  }
  {
    const StreamResult r = parse_split("data: {\"choices\":[{\"text\":\"a\"}\n\ndata: [DONE]\n\n", 5);
    EXPECT_EQ(r.error.kind, "malformed");
  }
  {
    const StreamResult r = parse_split("data: {\"choices\":[{\"text\":\"a\"}]}\n\n", 5);
    EXPECT_EQ(r.error.kind, "incomplete");
  }
  {
    const StreamResult r = parse_split("data: {\"choices\":[{\"text\":\"a\",\"finish_reason\":\"stop\"}]}\n\n", 5);
    EXPECT_TRUE(r.ok) << "a finish_reason without [DONE] is a complete answer";
  }
  {
    StreamParser p;
    p.on_head(200, "text/event-stream");
    p.on_body("data: {\"choices\":[{\"text\":\"a\"}]}\n\n", at(1ms));
    const core::Error reset{"reset", "connection closed"};
    const StreamResult& r = p.finish(&reset, at(2ms));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error.kind, "reset");
    EXPECT_EQ(r.chunk_times.size(), 1u);
  }
}

TEST(StreamParser, NonOkStatusTakesTheMessageFromTheErrorBody) {
  StreamParser p;
  p.on_head(400, "application/json");
  p.on_body(R"({"error":{"message":"maximum context length is 8","type":"BadRequestError","param":null,"code":400}})", at(1ms));
  const StreamResult& r = p.finish(nullptr, at(2ms));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.kind, "http_400");
  EXPECT_EQ(r.error.message, "HTTP 400: maximum context length is 8");
  StreamParser q;
  q.on_head(503, "text/html");
  q.on_body("<html>Service\nUnavailable</html>", at(1ms));
  EXPECT_EQ(q.finish(nullptr, at(2ms)).error.message, "HTTP 503: <html>Service Unavailable</html>");
}

TEST(StreamParser, AWholeJsonAnswerCountsAsOneChunk) {
  StreamParser p;
  p.on_head(200, "application/json");
  p.on_body(R"({"choices":[{"message":{"role":"assistant","content":"all at once"},"finish_reason":"stop"}],)", at(1ms));
  p.on_body(R"("usage":{"prompt_tokens":1,"completion_tokens":3,"total_tokens":4}})", at(2ms));
  const StreamResult& r = p.finish(nullptr, at(3ms));
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(r.text, "all at once");
  EXPECT_EQ(r.first_token, at(3ms));
  EXPECT_EQ(r.usage->completion_tokens, 3);
}

}  // namespace
}  // namespace lmbench::openai
