#include "text/incremental_encoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/prompt_synth.h"
#include "text/tokenizer_fixture.h"

namespace lmbench::text {
namespace {

// The ids are the tokenizer's, exactly, whatever was cached before; a conversation's next round
// is tokenized only from where the previous round's prompt left off.
TEST(IncrementalEncoder, GivesTheTokenizersIdsAndEncodesOnlyTheNewPartOfAGrowingConversation) {
  const Tokenizer& tok = testing::llama3();
  const PromptSynth synth(tok);
  IncrementalEncoder enc(tok);
  ASSERT_TRUE(enc.caching());
  std::string history = "System: " + synth.text(1, 300) + "\nUser:" + synth.user_text(5, 2, 2000);
  std::size_t new_bytes = 0;
  for (int round = 1; round <= 6; ++round) {
    const std::string prompt = history + "\nAssistant: ";
    const auto before = enc.stats();
    EXPECT_EQ(enc.encode(prompt), tok.encode(prompt)) << round;
    const auto after = enc.stats();
    if (round > 1) {
      // Only what this round added (an answer and a question), not the 2,300-token history.
      EXPECT_LE(after.bytes_encoded - before.bytes_encoded, new_bytes + 40) << round;
    }
    const std::string answer = synth.text(100 + round, 40);
    const std::string question = synth.text(200 + round, 20);
    history += "\nAssistant: " + answer + "\nUser:" + question;
    new_bytes = answer.size() + question.size() + 20;
  }
  // The same text again: no tokenizing at all.
  const std::string again = history + "\nAssistant: ";
  enc.encode(again);
  const auto before = enc.stats();
  EXPECT_EQ(enc.encode(again), tok.encode(again));
  EXPECT_EQ(enc.stats().bytes_encoded, before.bytes_encoded);
}

// Texts whose pieces would cross a naive cut (punctuation before a newline, contractions,
// numbers, non-ASCII letters, special tokens) still come out exactly as the tokenizer says, first
// time and from the cache.
TEST(IncrementalEncoder, ExactOnTrickyBoundaries) {
  const Tokenizer& tok = testing::llama3();
  IncrementalEncoder enc(tok);
  const std::vector<std::string> texts = {
      "end.\nnext", "end.\nnext line\nand more", "it's\nthey'll\n", "caf\xc3\xa9\nna\xc3\xafve\n\n", "1234\n5678\n9",
      "a  \nb", "<|eot_id|>\nx\n<|eot_id|>", "word\r\nword", "", "\n\n\n", "x\n"};
  for (const auto& t : texts) {
    EXPECT_EQ(enc.encode(t), tok.encode(t)) << t;
    EXPECT_EQ(enc.encode(t), tok.encode(t)) << t;
    EXPECT_EQ(enc.count(t + " more"), tok.count(t + " more")) << t;
  }
}

// A full cache forgets the least recently used texts and stays exact.
TEST(IncrementalEncoder, EvictsWithinItsCapacity) {
  const Tokenizer& tok = testing::llama3();
  const PromptSynth synth(tok);
  IncrementalEncoder enc(tok, 2000);
  for (int i = 0; i < 30; ++i) {
    const std::string t = synth.user_text(static_cast<std::uint64_t>(i), 3, 300) + "\nUser: x";
    EXPECT_EQ(enc.encode(t), tok.encode(t));
  }
  const std::string first = synth.user_text(0, 3, 300) + "\nUser: x";
  const auto before = enc.stats();
  EXPECT_EQ(enc.encode(first), tok.encode(first));
  EXPECT_GT(enc.stats().bytes_encoded, before.bytes_encoded) << "evicted long ago, tokenized again";
}

// Counting keeps only numbers, with the same incremental behaviour and exact results.
TEST(IncrementalEncoder, CountsAGrowingConversationIncrementally) {
  const Tokenizer& tok = testing::llama3();
  const PromptSynth synth(tok);
  IncrementalEncoder enc(tok);
  std::string history = "System: " + synth.text(1, 300) + "\nUser:" + synth.user_text(9, 2, 3000);
  for (int round = 1; round <= 5; ++round) {
    const std::string prompt = history + "\nAssistant: ";
    const auto before = enc.stats();
    EXPECT_EQ(enc.count(prompt), tok.count(prompt)) << round;
    if (round > 1) {
      EXPECT_LT(enc.stats().bytes_encoded - before.bytes_encoded, 1000u) << round;
    }
    history += "\nAssistant: " + synth.text(100 + round, 40) + "\nUser:" + synth.text(200 + round, 20);
  }
  EXPECT_EQ(enc.count("end.\nnext"), tok.count("end.\nnext"));
  EXPECT_EQ(enc.count("end.\nnext"), tok.count("end.\nnext"));
}

}  // namespace
}  // namespace lmbench::text
