#pragma once
// Synthetic prompt text of an exact token count under the model's tokenizer, deterministic from a
// seed: `SYSTEM_PROMPT: 1000` means 1000 tokens, not 1000 words.
//
// How the count is exact: the text is a sequence of units that are each one token and that the
// pre-tokenizer always splits apart — " word" (a space and a lower- or upper-case word that is
// one vocabulary entry), "," and "." — so n units are n tokens. The constructor verifies this
// against the tokenizer and throws if it does not hold.
//
// Composition contract: every text starts with a space followed by a letter and ends with a
// letter (never with punctuation). Two such texts concatenated tokenize to the concatenation of
// their tokens, and so does one placed after "\n" or before "\n" or punctuation. Counts therefore
// add up when a workload joins system prompt, user context and questions.
//
// Thread-safety: immutable after construction.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace lmbench::text {

struct SynthText {
  std::string text;
  std::vector<TokenId> ids;  // tokenizer.encode(text) == ids
};

class PromptSynth {
 public:
  // Tokens per trace hash id (LMBENCH-FORMAT.md, TraceReplayer).
  static constexpr int kBlockTokens = 512;

  // Keeps what it needs from `tokenizer` (no reference is held). Throws std::runtime_error when
  // the tokenizer has too few one-token words or splits the units differently than assumed.
  explicit PromptSynth(const Tokenizer& tokenizer);

  // Exactly n_tokens tokens of English-like sentences; a function of (seed, n_tokens) only.
  // text(s, n) and text(s, m) agree on their first min(n, m) - 1 tokens.
  std::string text(std::uint64_t seed, int n_tokens) const;
  SynthText text_with_ids(std::uint64_t seed, int n_tokens) const;

  // Exactly n_tokens tokens whose first user_tag_tokens() tokens spell `user` (least significant
  // digit first, in base word_count()): texts of different users below 2^32 differ within those
  // first tokens, and already at the first token when the users differ modulo word_count(). So
  // users never share more than what is put before this text (the shared system prompt). With
  // n_tokens < user_tag_tokens() the tag is cut short and uniqueness is not guaranteed.
  std::string user_text(std::uint64_t user, std::uint64_t seed, int n_tokens) const;
  int user_tag_tokens() const { return user_tag_tokens_; }

  // The 512 tokens that trace hash id `hash_id` stands for: the same (id, salt) always gives the
  // same text, different ids or salts (almost surely) different text from the first token on.
  // A salt gives a run its own blocks: shared within the run, new to a server an earlier run
  // (another salt) filled. Salt 0 is the unsalted text.
  std::string block(std::uint64_t hash_id, std::uint64_t salt = 0) const;
  SynthText block_with_ids(std::uint64_t hash_id, std::uint64_t salt = 0) const;

  // A trace request's prompt: the blocks of `hash_ids` in order, cut to exactly n_tokens. The
  // last block used is cut short (its first tokens, the final one possibly replaced by a word so
  // the text ends with a letter); past the last block, extra tokens come from a stream seeded by
  // the ids. Requests sharing k leading hash ids share the first k * 512 tokens exactly. With no
  // ids at all the text depends on n_tokens only: callers wanting unique prompts for id-less
  // trace lines use user_text() instead.
  std::string blocks(std::span<const std::uint64_t> hash_ids, int n_tokens, std::uint64_t salt = 0) const;
  SynthText blocks_with_ids(std::span<const std::uint64_t> hash_ids, int n_tokens, std::uint64_t salt = 0) const;

  // Number of distinct one-token words available (the base of user tags).
  int word_count() const { return static_cast<int>(words_.size()); }

 private:
  struct Unit {
    std::string bytes;
    TokenId id;
  };
  class Stream;

  // Appends the first n units of the stream seeded with `seed` to `out`; the last unit appended
  // is always a word (a punctuation unit there is replaced by one).
  void append_stream(std::uint64_t seed, int n, SynthText& out) const;
  void append_unit(const Unit& u, SynthText& out) const;

  std::vector<Unit> words_;     // " word"
  std::vector<Unit> capitals_;  // " Word", or " word" where the capitalised form is not one token
  Unit comma_;
  Unit period_;
  int user_tag_tokens_ = 1;
};

}  // namespace lmbench::text
