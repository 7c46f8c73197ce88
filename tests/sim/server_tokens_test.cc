// TokenCodec: output words re-tokenize to themselves, and the id relabelling is a permutation.

#include <gtest/gtest.h>

#include "sim/server_fixture.h"
#include "sim/server_tokens.h"

namespace lmbench::sim::testing {
namespace {

TEST(ServerTokens, OutputWordsAreOneTokenAndRoundTrip) {
  const auto tok = shared_tokenizer();
  const TokenCodec codec(*tok);
  ASSERT_GE(codec.num_output_words(), 1000);
  std::string text;
  std::vector<std::int32_t> engine_ids;
  for (int k = 0; k < codec.num_output_words(); k += 7) {
    text += codec.output_text(k);
    engine_ids.push_back(k);
  }
  // Appended answers re-tokenize to the ids the engine generated.
  EXPECT_EQ(codec.encode_text(text), engine_ids);
  EXPECT_EQ(codec.output_text(128009), "");  // EOS has no text
}

TEST(ServerTokens, RelabellingIsAPermutation) {
  const auto tok = shared_tokenizer();
  const TokenCodec codec(*tok);
  std::vector<bool> seen(tok->vocab_size(), false);
  for (std::int32_t id = 0; id < static_cast<std::int32_t>(tok->vocab_size()); ++id) {
    const std::int32_t e = codec.to_engine(id);
    ASSERT_GE(e, 0);
    ASSERT_LT(e, static_cast<std::int32_t>(tok->vocab_size()));
    ASSERT_FALSE(seen[static_cast<std::size_t>(e)]) << id;
    seen[static_cast<std::size_t>(e)] = true;
    ASSERT_EQ(codec.to_real(e), id);
  }
}

TEST(ServerTokens, ChatTemplateIsLlama3AndPrefixStable) {
  const auto tok = shared_tokenizer();
  const TokenCodec codec(*tok);
  const std::vector<openai::ChatMessage> one = {{"user", "Hi there"}};
  const auto ids = codec.real_chat(one);
  EXPECT_EQ(tok->decode(ids),
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
  auto two = one;
  two.push_back({"assistant", " the sea"});
  const auto ids2 = codec.real_chat(two);
  ASSERT_GT(ids2.size(), ids.size());
  EXPECT_TRUE(std::equal(ids.begin(), ids.end(), ids2.begin()));
}

}  // namespace
}  // namespace lmbench::sim::testing
