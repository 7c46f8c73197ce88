#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/sse.h"

namespace lmbench::http {
namespace {

struct Got {
  std::string event;
  std::string data;
  std::string id;
  bool operator==(const Got&) const = default;
};

std::vector<Got> decode_in_pieces(const std::string& wire, const std::vector<std::size_t>& cuts, bool finish = true) {
  SseDecoder d;
  std::vector<Got> out;
  auto on = [&](const SseEvent& e) { out.push_back({std::string(e.event), std::string(e.data), std::string(e.id)}); };
  std::size_t prev = 0;
  for (std::size_t cut : cuts) {
    d.feed(std::string_view(wire).substr(prev, cut - prev), on);
    prev = cut;
  }
  d.feed(std::string_view(wire).substr(prev), on);
  if (finish) d.finish(on);
  return out;
}

TEST(SseEncoder, FramesDataLinesAndEvents) {
  EXPECT_EQ(sse_event("{\"a\":1}"), "data: {\"a\":1}\n\n");
  EXPECT_EQ(sse_event("x\ny\r\nz", "update"), "event: update\ndata: x\ndata: y\ndata: z\n\n");
  EXPECT_EQ(sse_event(""), "data: \n\n");
  EXPECT_EQ(sse_comment("ping\nx"), ": ping x\n\n");
  std::string out;
  append_sse_event(out, "a");
  append_sse_event(out, "b");
  EXPECT_EQ(out, "data: a\n\ndata: b\n\n");
}

TEST(SseDecoder, SeveralEventsInOneRead) {
  const auto got = decode_in_pieces("data: 1\n\ndata: 2\n\ndata: [DONE]\n\n", {});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].data, "1");
  EXPECT_EQ(got[1].data, "2");
  EXPECT_EQ(got[2].data, "[DONE]");
}

TEST(SseDecoder, AllLineEndingsCommentsAndFields) {
  const std::string wire =
      ": comment\r\n"
      "event: e1\r\n"
      "id: 7\r\n"
      "retry: 100\r\n"
      "data:no-space\r\n"
      "data:  two spaces\r\n"
      "\r\n"
      "data: cr-only\r"
      "\r"
      "unknown: x\n"
      "data\n"
      "\n"
      "\n\n"  // blank lines without data dispatch nothing
      "data: last\n\n";
  const auto got = decode_in_pieces(wire, {});
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], (Got{"e1", "no-space\n two spaces", "7"}));
  EXPECT_EQ(got[1], (Got{"", "cr-only", "7"}));
  EXPECT_EQ(got[2], (Got{"", "", "7"}));  // a bare "data" line is an empty data field
  EXPECT_EQ(got[3], (Got{"", "last", "7"}));
}

TEST(SseDecoder, SameEventsWhateverTheSplitPoints) {
  std::string wire;
  std::vector<Got> expected;
  for (int i = 0; i < 6; ++i) {
    const std::string data = "{\"i\":" + std::to_string(i) + ",\"t\":\"h\\u00e9\xc3\xa9\"}";
    wire += i % 2 ? "data: " + data + "\r\n\r\n" : ": keep-alive\n" + std::string("data: ") + data + "\n\n";
    expected.push_back({"", data, ""});
  }
  wire += "data: [DONE]\r\n\r\n";
  expected.push_back({"", "[DONE]", ""});
  ASSERT_EQ(decode_in_pieces(wire, {}), expected);
  for (std::size_t a = 0; a <= wire.size(); ++a) {
    ASSERT_EQ(decode_in_pieces(wire, {a}), expected) << "split at " << a;
  }
  for (std::size_t a = 0; a <= wire.size(); a += 7) {
    for (std::size_t b = a; b <= wire.size(); b += 3) ASSERT_EQ(decode_in_pieces(wire, {a, b}), expected);
  }
  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < wire.size(); ++i) every_byte.push_back(i);
  EXPECT_EQ(decode_in_pieces(wire, every_byte), expected);
}

TEST(SseDecoder, FinishDispatchesAnUnterminatedLastEvent) {
  EXPECT_EQ(decode_in_pieces("data: a\n\ndata: [DONE]\n", {}).size(), 2u);
  EXPECT_EQ(decode_in_pieces("data: a\n\ndata: [DONE]", {}).back().data, "[DONE]");
  EXPECT_EQ(decode_in_pieces("data: a\n\ndata: [DONE]", {}, false).size(), 1u);
  SseDecoder d;
  int n = 0;
  d.feed(": only a comment\n", [&](const SseEvent&) { ++n; });
  EXPECT_FALSE(d.finish([&](const SseEvent&) { ++n; }));
  EXPECT_EQ(n, 0);
}

// A line or an event over its limit stops the decoder, whether it arrives whole or a byte at a
// time, and what it held is released; lines and events within the limits decode as before.
TEST(SseDecoder, LineAndEventLimitsStopTheDecoder) {
  const SseLimits limits{.max_line_bytes = 16, .max_event_bytes = 24};
  for (const std::size_t piece : {std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
    SCOPED_TRACE(piece);
    const auto run = [&](const std::string& wire, int& events) {
      SseDecoder d(limits);
      bool ok = true;
      for (std::size_t at = 0; at < wire.size() && ok; at += piece) {
        ok = d.feed(std::string_view(wire).substr(at, piece), [&](const SseEvent&) { ++events; });
      }
      if (ok) d.finish([&](const SseEvent&) { ++events; });
      return d;
    };
    int events = 0;
    SseDecoder fits = run("data: 0123456789\n\ndata: abcdefghi\ndata: abcdefghi\n\n", events);
    EXPECT_FALSE(fits.failed());
    EXPECT_EQ(events, 2);  // a 16-byte line; an event of 9 + 1 + 9 bytes

    events = 0;
    SseDecoder long_line = run("data: a\n\ndata: 0123456789A", events);
    EXPECT_TRUE(long_line.failed());
    EXPECT_EQ(long_line.error(), "an SSE line is longer than 16 bytes (SseLimits::max_line_bytes)");
    EXPECT_EQ(long_line.buffered(), 0u);
    EXPECT_EQ(events, 1);
    EXPECT_FALSE(long_line.feed("\n\ndata: b\n\n", [&](const SseEvent&) { ++events; }));
    EXPECT_EQ(events, 1);  // nothing after the limit

    events = 0;
    SseDecoder long_event = run("data: abcdefghi\ndata: abcdefghi\ndata: abcdefghi\n\n", events);
    EXPECT_TRUE(long_event.failed());
    EXPECT_EQ(long_event.error(), "an SSE event's data is longer than 24 bytes (SseLimits::max_event_bytes)");
    EXPECT_EQ(long_event.buffered(), 0u);
    EXPECT_EQ(events, 0);
  }
}

TEST(SseRoundTrip, EncoderOutputDecodesToTheSameData) {
  const std::vector<std::string> datas = {"plain", "multi\nline", "cr\rlf\r\nmix", "", "  leading spaces"};
  std::string wire;
  for (const auto& d : datas) append_sse_event(wire, d, "ev");
  const auto got = decode_in_pieces(wire, {5, 17, 30});
  ASSERT_EQ(got.size(), datas.size());
  EXPECT_EQ(got[0].data, "plain");
  EXPECT_EQ(got[1].data, "multi\nline");
  EXPECT_EQ(got[2].data, "cr\nlf\nmix");
  EXPECT_EQ(got[3].data, "");
  EXPECT_EQ(got[4].data, "  leading spaces");  // the decoder strips exactly the one space the encoder added
  EXPECT_EQ(got[0].event, "ev");
}

}  // namespace
}  // namespace lmbench::http
