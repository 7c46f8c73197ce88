#pragma once
// Token ids between the simulator's HTTP API and its engine.
//
// Prompts are tokenized with the project tokenizer (Llama 3 tokenizer.json); chat messages go
// through a fixed Llama 3 template (see encode_chat) whose pieces are tokenized one by one, so a
// conversation's turn N is a token prefix of turn N+1 whenever the client sends back the
// answer text it received.
//
// Outputs. The engine samples ids uniformly from [0, N) (Profile::output token_id_min/max, which
// the server sets). Those engine ids are mapped to N "one-token words" (" the", " house", ...:
// tokens whose bytes are a space and lower-case letters and that re-tokenize to themselves), so
// generated text is valid UTF-8 and, appended to a history, re-tokenizes to the same ids. To keep
// the engine's prefix cache exact across turns, prompt ids go through the same mapping: it is a
// permutation of the id space (word k <-> engine id k, with the displaced ids swapped in), so the
// engine sees a consistent relabelling of real token ids and hashes generated blocks the way the
// next turn's prompt will be hashed.
//
// Prompts go through a text::IncrementalEncoder: a conversation's next round costs the
// tokenizing of its new part only, so the simulator's own request path stays far below the
// frontend delay it models even for 17k-token histories at a high time scale.
//
// Thread-safety: any thread may call it (the encoder's cache is internally synchronised).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "openai/chat.h"
#include "text/incremental_encoder.h"
#include "text/tokenizer.h"

namespace lmbench::sim {

class TokenCodec {
 public:
  // `tokenizer` must outlive the codec. Picks up to `max_words` output words (the most common
  // first: BPE ids grow with merge order). Throws core::ConfigError when the vocabulary has
  // fewer than 16 such words or lacks the Llama 3 chat markers.
  explicit TokenCodec(const text::Tokenizer& tokenizer, int max_words = 4096);

  // Engine ids of a completion prompt.
  std::vector<std::int32_t> encode_text(std::string_view text) const;
  // Engine ids of chat messages under the template, generation prompt included:
  //   <|begin_of_text|> { <|start_header_id|>role<|end_header_id|>"\n\n" content <|eot_id|> }*
  //   <|start_header_id|>assistant<|end_header_id|>"\n\n"
  std::vector<std::int32_t> encode_chat(const std::vector<openai::ChatMessage>& messages) const;
  // The same templates as real tokenizer ids (what /tokenize returns).
  std::vector<std::int32_t> real_text(std::string_view text) const;
  std::vector<std::int32_t> real_chat(const std::vector<openai::ChatMessage>& messages) const;

  // Text of one generated engine id ("" for special tokens such as EOS).
  std::string_view output_text(std::int32_t engine_id) const;

  std::int32_t to_engine(std::int32_t real_id) const;
  std::int32_t to_real(std::int32_t engine_id) const;
  std::vector<std::int32_t> to_engine(std::span<const std::int32_t> real_ids) const;

  // N: the engine must sample output ids in [0, N).
  int num_output_words() const { return static_cast<int>(words_.size()); }
  const text::Tokenizer& tokenizer() const { return tokenizer_; }

 private:
  const text::Tokenizer& tokenizer_;
  std::unique_ptr<text::IncrementalEncoder> encoder_;  // of prompts and message contents
  std::vector<std::int32_t> words_;  // real ids of output words; engine id k is words_[k]
  // The permutation as a table over the whole vocabulary (a lookup per prompt token: a hash map
  // cost a quarter of the request path for a 17k-token prompt).
  std::vector<std::int32_t> real_to_engine_;
  std::vector<std::int32_t> engine_to_real_;
  std::int32_t begin_of_text_ = 0;
  std::int32_t start_header_ = 0;
  std::int32_t end_header_ = 0;
  std::int32_t eot_ = 0;
  std::vector<std::int32_t> newlines_;  // ids of "\n\n"
};

}  // namespace lmbench::sim
