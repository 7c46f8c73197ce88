#pragma once
// Added tokens of a tokenizer.json ("<|begin_of_text|>", "<|eot_id|>", ...): found in the text
// before pre-tokenization, leftmost-longest as Hugging Face's aho-corasick does, and turned into
// their ids whatever the BPE would have made of them. Internal to Tokenizer.
//
// Thread-safety: immutable after construction.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer.h"

namespace lmbench::text {

class AddedVocabulary {
 public:
  struct Token {
    std::string content;
    TokenId id;
  };

  AddedVocabulary() = default;
  // Hugging Face matches tokens marked normalized=false on the raw text first, then the others on
  // the normalized text; without a normalizer that is two passes over the same text.
  AddedVocabulary(std::vector<Token> raw_pass, std::vector<Token> normalized_pass);

  // Calls on_text(segment) for text between added tokens and on_token(id) for each added token,
  // in order.
  template <typename OnText, typename OnToken>
  void split(std::string_view text, OnText&& on_text, OnToken&& on_token) const {
    passes_[0].split(text, [&](std::string_view segment) { passes_[1].split(segment, on_text, on_token); }, on_token);
  }

 private:
  struct Pass {
    std::array<bool, 256> first_byte{};
    std::vector<Token> tokens;  // longest first, so the first match at a position is the longest

    explicit Pass(std::vector<Token> t = {});

    template <typename OnText, typename OnToken>
    void split(std::string_view text, OnText&& on_text, OnToken&& on_token) const {
      if (tokens.empty()) {
        if (!text.empty()) on_text(text);
        return;
      }
      std::size_t segment_start = 0;
      std::size_t i = 0;
      while (i < text.size()) {
        if (!first_byte[static_cast<unsigned char>(text[i])]) {
          ++i;
          continue;
        }
        const Token* hit = nullptr;
        for (const auto& t : tokens) {
          if (text.compare(i, t.content.size(), t.content) == 0) {
            hit = &t;
            break;
          }
        }
        if (hit == nullptr) {
          ++i;
          continue;
        }
        if (i > segment_start) on_text(text.substr(segment_start, i - segment_start));
        on_token(hit->id);
        i += hit->content.size();
        segment_start = i;
      }
      if (segment_start < text.size()) on_text(text.substr(segment_start));
    }
  };
  std::array<Pass, 2> passes_;
};

}  // namespace lmbench::text
