#include "text/prompt_synth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "text/tokenizer_fixture.h"

namespace lmbench::text {
namespace {

const PromptSynth& synth() {
  static const PromptSynth s(testing::llama3());
  return s;
}

TEST(PromptSynth, TextHasExactlyTheRequestedTokenCount) {
  const Tokenizer& tok = testing::llama3();
  for (std::uint64_t seed : {0ULL, 1ULL, 7ULL, 123456789ULL, ~0ULL}) {
    for (int n : {0, 1, 2, 3, 5, 17, 100, 511, 512, 513, 1000, 4000}) {
      const SynthText t = synth().text_with_ids(seed, n);
      ASSERT_EQ(tok.count(t.text), static_cast<std::size_t>(n)) << "seed " << seed << " n " << n;
      ASSERT_EQ(tok.encode(t.text), t.ids);
      EXPECT_EQ(synth().text(seed, n), t.text);
    }
  }
}

TEST(PromptSynth, TextIsDeterministicAndDependsOnTheSeed) {
  EXPECT_EQ(synth().text(42, 300), synth().text(42, 300));
  EXPECT_NE(synth().text(42, 300), synth().text(43, 300));
  // Looks like sentences: starts with a space and a capital, has periods, ends with a letter.
  const std::string t = synth().text(42, 300);
  ASSERT_GE(t.size(), 2u);
  EXPECT_EQ(t[0], ' ');
  EXPECT_TRUE(std::isupper(static_cast<unsigned char>(t[1]))) << t.substr(0, 40);
  EXPECT_NE(t.find(". "), std::string::npos);
  EXPECT_TRUE(std::isalpha(static_cast<unsigned char>(t.back())));
}

TEST(PromptSynth, ShorterTextIsAPrefixUpToItsLastToken) {
  const SynthText long_text = synth().text_with_ids(9, 2000);
  for (int n : {1, 2, 10, 99, 512, 1999}) {
    const SynthText short_text = synth().text_with_ids(9, n);
    ASSERT_TRUE(std::equal(short_text.ids.begin(), short_text.ids.end() - 1, long_text.ids.begin())) << n;
  }
}

TEST(PromptSynth, CountsAddUpWhenTextsAreJoined) {
  const Tokenizer& tok = testing::llama3();
  const std::string a = synth().text(1, 300);
  const std::string b = synth().user_text(5, 1, 200);
  const std::string c = synth().text(2, 17);
  EXPECT_EQ(tok.count(a + b + c), 517u);
  EXPECT_EQ(tok.count(a + "\n" + b), tok.count("\n") + 500);
  EXPECT_EQ(tok.count(a + "\n\n" + b + "\n\n" + c), 2 * tok.count("\n\n") + 517);
  EXPECT_EQ(tok.count(a + "?"), 301u);
}

TEST(PromptSynth, UserTextsHaveExactLengthAndUniqueTags) {
  const Tokenizer& tok = testing::llama3();
  const int tag = synth().user_tag_tokens();
  ASSERT_GE(tag, 1);
  ASSERT_LE(tag, 5);
  std::set<std::vector<TokenId>> tags;
  std::set<TokenId> first_tokens;
  const int users = 3000;
  for (int u = 0; u < users; ++u) {
    const std::string t = synth().user_text(u, 77, 40);
    const auto ids = tok.encode(t);
    ASSERT_EQ(ids.size(), 40u) << u;
    tags.insert(std::vector<TokenId>(ids.begin(), ids.begin() + tag));
    if (u < synth().word_count()) first_tokens.insert(ids[0]);
  }
  EXPECT_EQ(tags.size(), static_cast<std::size_t>(users));
  EXPECT_EQ(first_tokens.size(), static_cast<std::size_t>(std::min(users, synth().word_count())));
  // Far apart ids too, and the same user twice gives the same text.
  EXPECT_NE(synth().user_text(0, 1, 30), synth().user_text(std::uint64_t{1} << 31, 1, 30));
  EXPECT_EQ(synth().user_text(99, 1, 30), synth().user_text(99, 1, 30));
  EXPECT_NE(synth().user_text(99, 1, 30), synth().user_text(99, 2, 30));
}

TEST(PromptSynth, BlockIsAlwaysTheSame512Tokens) {
  const Tokenizer& tok = testing::llama3();
  for (std::uint64_t id : {0ULL, 1ULL, 2ULL, 4000000000ULL, ~0ULL}) {
    const SynthText b = synth().block_with_ids(id);
    EXPECT_EQ(b.ids.size(), 512u);
    EXPECT_EQ(tok.encode(b.text), b.ids);
    EXPECT_EQ(synth().block(id), b.text);
  }
  EXPECT_NE(synth().block(0), synth().block(1));
}

TEST(PromptSynth, ConcatenatedBlocksTokenizeToTheConcatenatedBlockTokens) {
  const Tokenizer& tok = testing::llama3();
  std::uint64_t x = 5;
  for (int trial = 0; trial < 20; ++trial) {
    std::string text;
    std::vector<TokenId> ids;
    for (int k = 0; k < 1 + trial % 7; ++k) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const SynthText b = synth().block_with_ids(x >> 20);
      text += b.text;
      ids.insert(ids.end(), b.ids.begin(), b.ids.end());
    }
    ASSERT_EQ(tok.encode(text), ids) << "trial " << trial;
  }
}

TEST(PromptSynth, BlocksAreCutOrExtendedToTheExactLength) {
  const Tokenizer& tok = testing::llama3();
  const std::vector<std::uint64_t> ids = {10, 20, 30};
  for (int n : {0, 1, 300, 511, 512, 513, 1024, 1300, 1536, 1537, 2000}) {
    const SynthText t = synth().blocks_with_ids(ids, n);
    ASSERT_EQ(t.ids.size(), static_cast<std::size_t>(n));
    ASSERT_EQ(tok.encode(t.text), t.ids) << n;
  }
  // Full blocks are the blocks themselves; a cut block keeps the block's first tokens.
  const SynthText full = synth().blocks_with_ids(ids, 1536);
  EXPECT_EQ(full.text, synth().block(10) + synth().block(20) + synth().block(30));
  const SynthText cut = synth().blocks_with_ids(ids, 1300);
  const SynthText b30 = synth().block_with_ids(30);
  EXPECT_TRUE(std::equal(cut.ids.begin() + 1024, cut.ids.end() - 1, b30.ids.begin()));
}

TEST(PromptSynth, SharedLeadingIdsShareExactlyThoseBlocks) {
  const std::vector<std::uint64_t> a = {1, 2, 3, 4};
  const std::vector<std::uint64_t> b = {1, 2, 9, 4};
  const SynthText ta = synth().blocks_with_ids(a, 2000);
  const SynthText tb = synth().blocks_with_ids(b, 1800);
  EXPECT_TRUE(std::equal(ta.ids.begin(), ta.ids.begin() + 1024, tb.ids.begin()));
  EXPECT_FALSE(std::equal(ta.ids.begin() + 1024, ta.ids.begin() + 1536, tb.ids.begin() + 1024));
}

}  // namespace
}  // namespace lmbench::text
