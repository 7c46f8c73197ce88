#include "sim/server_tokens.h"

#include <algorithm>
#include <unordered_set>

#include "core/error.h"

namespace lmbench::sim {
namespace {

bool is_space_word(std::string_view bytes) {
  if (bytes.size() < 3 || bytes[0] != ' ') return false;
  return std::all_of(bytes.begin() + 1, bytes.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::int32_t marker(const text::Tokenizer& t, std::string_view text) {
  const auto id = t.token_id(text);
  if (!id) throw core::ConfigError("tokenizer: no token for the chat marker " + std::string(text));
  return *id;
}

}  // namespace

TokenCodec::TokenCodec(const text::Tokenizer& tokenizer, int max_words)
    : tokenizer_(tokenizer), encoder_(std::make_unique<text::IncrementalEncoder>(tokenizer)) {
  const auto vocab = static_cast<std::int32_t>(tokenizer.vocab_size());
  for (std::int32_t id = 0; id < vocab && static_cast<int>(words_.size()) < max_words; ++id) {
    std::string_view bytes;
    try {
      bytes = tokenizer.token_bytes(id);
    } catch (const std::out_of_range&) {
      continue;  // holes in the id space
    }
    if (!is_space_word(bytes)) continue;
    const auto ids = tokenizer.encode(bytes);
    if (ids.size() == 1 && ids[0] == id) words_.push_back(id);
  }
  if (words_.size() < 16) throw core::ConfigError("tokenizer: fewer than 16 one-token words for simulated outputs");

  // The permutation: words_[k] <-> k, and each id of [0, N) that is not itself a word takes the
  // place of a word id outside [0, N), paired in order.
  const auto n = static_cast<std::int32_t>(words_.size());
  const std::unordered_set<std::int32_t> word_set(words_.begin(), words_.end());
  std::vector<std::int32_t> free_low;   // in [0, N) and not words
  std::vector<std::int32_t> high_words;  // words >= N
  for (std::int32_t k = 0; k < n; ++k) {
    if (!word_set.count(k)) free_low.push_back(k);
  }
  for (const std::int32_t w : words_) {
    if (w >= n) high_words.push_back(w);
  }
  real_to_engine_.resize(static_cast<std::size_t>(vocab));
  for (std::int32_t id = 0; id < vocab; ++id) real_to_engine_[static_cast<std::size_t>(id)] = id;
  engine_to_real_ = real_to_engine_;
  for (std::int32_t k = 0; k < n; ++k) {
    real_to_engine_[words_[static_cast<std::size_t>(k)]] = k;
    engine_to_real_[k] = words_[static_cast<std::size_t>(k)];
  }
  for (std::size_t i = 0; i < free_low.size(); ++i) {
    real_to_engine_[free_low[i]] = high_words[i];
    engine_to_real_[high_words[i]] = free_low[i];
  }

  begin_of_text_ = marker(tokenizer, "<|begin_of_text|>");
  start_header_ = marker(tokenizer, "<|start_header_id|>");
  end_header_ = marker(tokenizer, "<|end_header_id|>");
  eot_ = marker(tokenizer, "<|eot_id|>");
  newlines_ = tokenizer.encode("\n\n");
}

std::int32_t TokenCodec::to_engine(std::int32_t real_id) const {
  return real_id >= 0 && static_cast<std::size_t>(real_id) < real_to_engine_.size()
             ? real_to_engine_[static_cast<std::size_t>(real_id)]
             : real_id;
}

std::int32_t TokenCodec::to_real(std::int32_t engine_id) const {
  return engine_id >= 0 && static_cast<std::size_t>(engine_id) < engine_to_real_.size()
             ? engine_to_real_[static_cast<std::size_t>(engine_id)]
             : engine_id;
}

std::vector<std::int32_t> TokenCodec::to_engine(std::span<const std::int32_t> real_ids) const {
  std::vector<std::int32_t> out;
  out.reserve(real_ids.size());
  for (const std::int32_t id : real_ids) out.push_back(to_engine(id));
  return out;
}

std::vector<std::int32_t> TokenCodec::real_text(std::string_view text) const { return encoder_->encode(text); }

std::vector<std::int32_t> TokenCodec::real_chat(const std::vector<openai::ChatMessage>& messages) const {
  std::vector<std::int32_t> ids;
  ids.push_back(begin_of_text_);
  const auto header = [&](std::string_view role) {
    ids.push_back(start_header_);
    tokenizer_.encode_into(role, ids);
    ids.push_back(end_header_);
    ids.insert(ids.end(), newlines_.begin(), newlines_.end());
  };
  for (const auto& m : messages) {
    header(m.role);
    const auto content = encoder_->encode(m.content);
    ids.insert(ids.end(), content.begin(), content.end());
    ids.push_back(eot_);
  }
  header("assistant");
  return ids;
}

std::vector<std::int32_t> TokenCodec::encode_text(std::string_view text) const { return to_engine(real_text(text)); }

std::vector<std::int32_t> TokenCodec::encode_chat(const std::vector<openai::ChatMessage>& messages) const {
  return to_engine(real_chat(messages));
}

std::string_view TokenCodec::output_text(std::int32_t engine_id) const {
  if (engine_id >= 0 && engine_id < num_output_words()) {
    return tokenizer_.token_bytes(words_[static_cast<std::size_t>(engine_id)]);
  }
  return {};  // EOS or another special id: no text
}

}  // namespace lmbench::sim
