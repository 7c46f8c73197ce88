#pragma once
// Token ids of texts that repeat or extend earlier ones, at the cost of their new part: a
// conversation's next round carries the whole history again (17k tokens in the default suite),
// and tokenizing it whole on every request is most of what the simulator's request path and the
// client's request preparation cost.
//
// How it stays exact: encode(a + b) == encode(a) + encode(b) when `a` ends at a boundary where the
// pre-tokenizer starts a new piece whatever follows, and no added token spans it. Such a "safe
// cut" here is a position just before a '\n' whose preceding byte is an ASCII letter or digit: a
// letter or digit piece of the Llama 3 (and GPT-2-style) split regex ends there, and newline
// pieces start there. (Punctuation is not enough: "word.\n" is one piece.) The constructor checks
// the property on the tokenizer it is given and disables the cache when it does not hold, so a
// tokenizer with a different pre-tokenizer is correct, only slower.
//
// The cache remembers, for texts it encoded, the ids of the whole text and of its last safe cut,
// keyed by a 64-bit hash of the bytes (xxHash64) and their length; least recently used entries go
// when the ids held pass `capacity_tokens`. A lookup hashes the text once and tries its safe cuts
// from the last.
//
// Thread-safety: encode and count may be called from any number of threads at once.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <unordered_map>
#include <vector>

#include "text/tokenizer.h"

namespace lmbench::text {

class IncrementalEncoder {
 public:
  struct Stats {
    std::uint64_t calls = 0;
    std::uint64_t bytes = 0;          // of the texts asked for
    std::uint64_t bytes_encoded = 0;  // of them, tokenized afresh (the rest came from the cache)
  };

  // `tokenizer` must outlive the encoder.
  explicit IncrementalEncoder(const Tokenizer& tokenizer, std::size_t capacity_tokens = 8u << 20);
  ~IncrementalEncoder();
  IncrementalEncoder(const IncrementalEncoder&) = delete;
  IncrementalEncoder& operator=(const IncrementalEncoder&) = delete;

  // tokenizer.encode(text), exactly.
  std::vector<TokenId> encode(std::string_view text);
  // tokenizer.count(text), exactly. Counts have a cache of their own that keeps only numbers, so
  // a client that counts its prompts (and never needs their ids) holds a few bytes per text.
  std::size_t count(std::string_view text);

  Stats stats() const;
  // Whether the tokenizer has the safe-cut property (otherwise every call encodes afresh).
  bool caching() const { return caching_; }

 private:
  using Ids = std::shared_ptr<const std::vector<TokenId>>;
  struct Entry {
    std::uint64_t key;
    Ids ids;
  };

  // The cache keys of `text`'s safe cuts (in order) and of the whole text.
  struct Keys {
    std::vector<std::size_t> cuts;
    std::vector<std::uint64_t> at_cut;
    std::uint64_t whole = 0;
  };
  static Keys keys_of(std::string_view text);

  Ids find(std::uint64_t key);
  void remember(std::uint64_t key, Ids ids);
  std::optional<std::size_t> find_count(std::uint64_t key);
  void remember_count(std::uint64_t key, std::size_t count);

  const Tokenizer& tokenizer_;
  std::size_t capacity_tokens_;
  bool caching_ = true;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::uint64_t, std::list<Entry>::iterator> index_;
  std::size_t held_tokens_ = 0;
  std::list<std::pair<std::uint64_t, std::size_t>> count_lru_;  // most recent first
  std::unordered_map<std::uint64_t, std::list<std::pair<std::uint64_t, std::size_t>>::iterator> count_index_;
  static constexpr std::size_t kMaxCounts = 1u << 20;
  Stats stats_;
};

}  // namespace lmbench::text
