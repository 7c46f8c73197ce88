#include "router/xxh64.h"

#include <gtest/gtest.h>

#include <string>

namespace lmbench::router {
namespace {

// Reference values of XXH64 with seed 0 (xxHash's published test vectors / the Python package).
TEST(Xxh64, KnownVectors) {
  EXPECT_EQ(xxh64(""), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(xxh64("abc"), 0x44BC2CF5AD770999ULL);
  EXPECT_EQ(xxh64("Nobody inspects the spammish repetition"), 0xFBCEA83C8A378BF1ULL);
}

TEST(Xxh64, SeedAndEveryTailLengthMatter) {
  EXPECT_NE(xxh64("abc", 1), xxh64("abc", 0));
  const std::string s(70, 'x');
  for (std::size_t n = 1; n < s.size(); ++n) EXPECT_NE(xxh64(s.substr(0, n)), xxh64(s.substr(0, n + 1))) << n;
}

}  // namespace
}  // namespace lmbench::router
