#include <gtest/gtest.h>

#include "http/url.h"

namespace lmbench::http {
namespace {

TEST(Url, ParsesSchemeHostPortAndTarget) {
  auto u = Url::parse("http://127.0.0.1:8000/v1/completions?x=1#frag");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8000);
  EXPECT_EQ(u->target, "/v1/completions?x=1");
  EXPECT_EQ(u->host_header(), "127.0.0.1:8000");
  EXPECT_EQ(u->origin(), "http://127.0.0.1:8000");
}

TEST(Url, DefaultsPortsAndTarget) {
  auto a = Url::parse("HTTPS://example.com");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->port, 443);
  EXPECT_EQ(a->target, "/");
  EXPECT_EQ(a->host_header(), "example.com");
  auto b = Url::parse("http://h?q");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, 80);
  EXPECT_EQ(b->target, "/?q");
}

TEST(Url, ParsesIpv6Literals) {
  auto u = Url::parse("http://[::1]:9000/x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->host_header(), "[::1]:9000");
}

TEST(Url, RejectsBadInputWithAReason) {
  for (const char* bad : {"ftp://x", "localhost:8000", "http://", "http://h:0", "http://h:70000", "http://h:ab",
                          "http://[::1", "http://u@h/", "http://h:/"}) {
    auto u = Url::parse(bad);
    ASSERT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.error().kind, "invalid_url");
    EXPECT_NE(u.error().message.find(bad), std::string::npos) << u.error().message;
  }
}

TEST(Url, WithPathJoinsWithOneSlash) {
  auto u = Url::parse("http://h:1/base/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->with_path("/v1/models").target, "/base/v1/models");
  EXPECT_EQ(Url::parse("http://h:1")->with_path("v1/models").target, "/v1/models");
}

}  // namespace
}  // namespace lmbench::http
