#include "dashboard/multipart.h"

#include <gtest/gtest.h>

#include "dashboard/upload_client.h"

namespace lmbench::dashboard {
namespace {

TEST(MultipartBoundary, ReadsQuotedAndBareBoundariesCaseInsensitively) {
  EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(*multipart_boundary("Multipart/Form-Data;charset=utf-8;  BOUNDARY=\"a b:c\""), "a b:c");
  EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
            "----WebKitFormBoundary7MA4YWxkTrZu0gW");
}

TEST(MultipartBoundary, RejectsOtherTypesMissingAndForbiddenBoundaries) {
  EXPECT_EQ(multipart_boundary("application/json").error().kind, "multipart");
  EXPECT_NE(multipart_boundary("multipart/form-data").error().message.find("without a boundary"), std::string::npos);
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"\"").ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"trailing \"").ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"unterminated").ok());
}

TEST(MultipartParse, SplitsPartsAndReadsTheirHeaders) {
  const std::string body =
      "This is the preamble.\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n"
      "\r\n"
      "line one\r\nline two\r\n"
      "--XyZ  \r\n"  // transport padding after a delimiter is allowed
      "Content-Disposition: form-data; name=\"file\"; filename=\"dir\\\\a \\\"b\\\".json\"\r\n"
      "Content-Type: application/json\r\n"
      "\r\n"
      "{\"a\": \"--XyZ not at a line start\"}\r\n"
      "--XyZ--\r\n"
      "epilogue --XyZ\r\n";
  auto parts = parse_multipart(body, "XyZ");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "note");
  EXPECT_EQ((*parts)[0].body, "line one\r\nline two");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "dir\\a \"b\".json");
  EXPECT_EQ((*parts)[1].content_type, "application/json");
  EXPECT_EQ((*parts)[1].body, "{\"a\": \"--XyZ not at a line start\"}");
}

TEST(MultipartParse, KeepsBinaryAndEmptyBodies) {
  const std::string content("\0\r\n\xff--B-", 7);
  const std::string body = "--B\r\nContent-Disposition: form-data; name=file\r\n\r\n" + content +
                           "\r\n--B\r\nContent-Disposition: form-data; name=empty\r\n\r\n\r\n--B--";
  auto parts = parse_multipart(body, "B");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].body, content);
  EXPECT_EQ((*parts)[1].body, "");
}

TEST(MultipartParse, ReportsWhatIsMissing) {
  EXPECT_NE(parse_multipart("no delimiter here", "B").error().message.find("no '--B' delimiter"), std::string::npos);
  EXPECT_NE(parse_multipart("--B\r\nContent-Disposition: form-data; name=file\r\n\r\n{}", "B")
                .error()
                .message.find("closing"),
            std::string::npos);
  EXPECT_NE(parse_multipart("--B\r\nContent-Disposition: form-data; name=file", "B").error().message.find("blank line"),
            std::string::npos);
  EXPECT_NE(parse_multipart("--Bjunk\r\n", "B").error().message.find("CRLF"), std::string::npos);
  EXPECT_NE(parse_multipart("--B\r\nno colon\r\n\r\nx\r\n--B--", "B").error().message.find("malformed"),
            std::string::npos);
  // Bare LF line ends are not multipart/form-data.
  EXPECT_FALSE(parse_multipart("--B\nContent-Disposition: form-data; name=file\n\n{}\n--B--\n", "B").ok());
}

TEST(MultipartParse, ReadsWhatTheUploadClientWrites) {
  const std::string doc = "{\"x\": \"\\r\\n--\"}\r\n--lmbench-\r\n";
  const MultipartBody mp = make_multipart("file", "we\"ird\\name.json", doc);
  auto boundary = multipart_boundary(mp.content_type);
  ASSERT_TRUE(boundary.ok());
  auto parts = parse_multipart(mp.body, *boundary);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "file");
  EXPECT_EQ((*parts)[0].filename, "we\"ird\\name.json");
  EXPECT_EQ((*parts)[0].body, doc);
}

TEST(HeaderParams, SkipsBareTokensAndUnquotes) {
  auto p = parse_header_params("form-data; junk; Name = \"a;b\" ; x=1");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].name, "name");
  EXPECT_EQ((*p)[0].value, "a;b");
  EXPECT_EQ((*p)[1].value, "1");
}

}  // namespace
}  // namespace lmbench::dashboard
