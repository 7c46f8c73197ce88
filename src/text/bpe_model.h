#pragma once
// The BPE model of a byte-level tokenizer: vocabulary and ranked merges over raw bytes. Internal
// to Tokenizer (tokenizer.h is the public face), kept apart so the merge loop reads on its own.
//
// Thread-safety: immutable after construction.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/tokenizer.h"

namespace lmbench::text {

// Heterogeneous lookup by string_view. Deliberately not noexcept: libstdc++ then stores each
// node's hash, so a lookup walking a bucket does not rehash every string it passes (measured: a
// quarter of the tokenizer's load time went there).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class BpeModel {
 public:
  struct Merge {
    std::int32_t rank;  // position in tokenizer.json's merges: lower merges first
    TokenId result;
  };

  // `vocab` maps raw bytes to ids and must hold every single byte; each merge is a pair of ids
  // whose concatenated bytes are in `vocab`. `ignore_merges`: a piece that is a whole vocabulary
  // entry becomes that token directly (Hugging Face's BPE.ignore_merges, set for Llama 3).
  // Throws std::invalid_argument when a single byte has no token.
  BpeModel(std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> vocab,
           std::unordered_map<std::uint64_t, Merge> merges, bool ignore_merges);

  // Appends the ids of one pre-tokenized piece (raw bytes).
  void encode_piece(std::string_view piece, std::vector<TokenId>& out) const;

  const std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>>& vocab() const { return vocab_; }

  static std::uint64_t pair_key(TokenId left, TokenId right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
  }

 private:
  const Merge* find_merge(TokenId left, TokenId right) const;

  std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> vocab_;
  std::unordered_map<std::uint64_t, Merge> merges_;
  std::array<TokenId, 256> byte_ids_{};
  bool ignore_merges_ = false;
};

}  // namespace lmbench::text
