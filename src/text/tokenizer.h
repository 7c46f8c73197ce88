#pragma once
// A byte-level BPE tokenizer loaded from a Hugging Face tokenizer.json (Llama 3 and other
// GPT-2-style models). It produces exactly the ids of Hugging Face `tokenizers` encoding with
// add_special_tokens=false: added/special tokens written in the text (e.g. "<|eot_id|>") are
// recognised and become their ids, the rest goes through the Split pre-tokenizer regex, the
// byte-level alphabet and BPE merges. Nothing is prepended (no <|begin_of_text|>).
//
// Thread-safety: immutable after construction; encode/decode/count may be called from any
// number of threads at once.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lmbench::text {

using TokenId = std::int32_t;

class Tokenizer {
 public:
  // Loads tokenizer.json. Throws core::ConfigError naming the file and what is wrong: unreadable,
  // not JSON (with line and column), or a feature this tokenizer does not implement (a
  // normalizer, a model other than BPE, a pre-tokenizer other than Split + ByteLevel, ...).
  static Tokenizer from_file(const std::filesystem::path& path);
  // Same from the JSON text; `source` names it in errors.
  static Tokenizer from_json(std::string_view json, const std::string& source);

  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;

  // Token ids of `text`. Any bytes are accepted; invalid UTF-8 is encoded byte by byte.
  std::vector<TokenId> encode(std::string_view text) const;
  // Appends the ids of `text` to `out` (no reallocation churn for callers that batch).
  void encode_into(std::string_view text, std::vector<TokenId>& out) const;
  // Number of tokens of `text`, i.e. encode(text).size(), without building the vector.
  std::size_t count(std::string_view text) const;

  // The bytes the ids stand for, special tokens included as their text. Ids that cut a UTF-8
  // character in two give its partial bytes (no replacement characters are inserted), so
  // decode(encode(s)) == s for every s. Throws std::out_of_range on an id outside the vocabulary.
  std::string decode(std::span<const TokenId> ids) const;

  // The raw bytes of one token (its text for added tokens). Throws std::out_of_range.
  std::string_view token_bytes(TokenId id) const;
  // The id of a token given as raw bytes (" world", not "Ġworld"), or of an added token's text.
  std::optional<TokenId> token_id(std::string_view bytes) const;
  // One past the largest id (vocabulary plus added tokens).
  std::size_t vocab_size() const;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lmbench::text
