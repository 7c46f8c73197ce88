#include "text/prompt_synth.h"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

#include "text/word_list.h"

namespace lmbench::text {

namespace {

// Salts keep the seed spaces of free text, user texts, blocks and block tails apart.
constexpr std::uint64_t kTextSalt = 0x7465787400000000ULL;
constexpr std::uint64_t kUserSalt = 0x7573657200000000ULL;
constexpr std::uint64_t kBlockSalt = 0x626c6f636b000000ULL;
constexpr std::uint64_t kTailSalt = 0x7461696c00000000ULL;

// splitmix64's finaliser: a bijective 64-bit mix, the same on every platform (std:: distributions
// are not, so none is used here).
std::uint64_t mix(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

constexpr int kMinWords = 64;

// The stream seed of one trace block; salt 0 keeps the unsalted texts.
std::uint64_t block_seed(std::uint64_t hash_id, std::uint64_t salt) {
  const std::uint64_t seed = mix(kBlockSalt ^ mix(hash_id));
  return salt == 0 ? seed : mix(seed ^ mix(salt));
}

}  // namespace

// English-like sentences: a capitalised word, 5 to 16 words with an occasional comma, a period.
class PromptSynth::Stream {
 public:
  Stream(const PromptSynth& synth, std::uint64_t seed) : synth_(synth), state_(seed) {}

  std::uint64_t draw() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return mix(state_);
  }

  const Unit& word() { return synth_.words_[draw() % synth_.words_.size()]; }

  const Unit& next() {
    if (words_left_ == 0) {
      if (in_sentence_) {
        in_sentence_ = false;
        return synth_.period_;
      }
      in_sentence_ = true;
      words_left_ = 5 + static_cast<int>(draw() % 12) - 1;
      last_was_word_ = true;
      return synth_.capitals_[draw() % synth_.capitals_.size()];
    }
    if (last_was_word_ && words_left_ >= 2 && draw() % 10 == 0) {
      last_was_word_ = false;
      return synth_.comma_;
    }
    --words_left_;
    last_was_word_ = true;
    return word();
  }

 private:
  const PromptSynth& synth_;
  std::uint64_t state_;
  int words_left_ = 0;
  bool in_sentence_ = false;
  bool last_was_word_ = false;
};

PromptSynth::PromptSynth(const Tokenizer& tokenizer) {
  const auto one_token = [&](const std::string& s) -> std::optional<TokenId> {
    const auto ids = tokenizer.encode(s);
    if (ids.size() != 1) return std::nullopt;
    return ids[0];
  };
  for (const std::string_view w : english_words()) {
    const std::string lower = " " + std::string(w);
    const auto id = one_token(lower);
    if (!id) continue;
    words_.push_back({lower, *id});
    std::string upper = lower;
    upper[1] = static_cast<char>(upper[1] - 'a' + 'A');
    const auto upper_id = one_token(upper);
    capitals_.push_back(upper_id ? Unit{upper, *upper_id} : Unit{lower, *id});
  }
  if (words_.size() < kMinWords) {
    throw std::runtime_error(fmt::format("prompt synthesis: only {} built-in words are one token under this tokenizer, "
                                         "at least {} are needed",
                                         words_.size(), kMinWords));
  }
  const auto comma = one_token(",");
  const auto period = one_token(".");
  if (!comma || !period) throw std::runtime_error("prompt synthesis: ',' or '.' is not one token under this tokenizer");
  comma_ = {",", *comma};
  period_ = {".", *period};
  std::uint64_t span = words_.size();
  user_tag_tokens_ = 1;
  while (span < (1ULL << 32)) {
    span *= words_.size();
    ++user_tag_tokens_;
  }

  // The exactness argument above rests on how the tokenizer splits; check it once, end to end.
  SynthText sample = text_with_ids(1, 3000);
  const SynthText second = block_with_ids(2);
  sample.text += second.text;
  sample.ids.insert(sample.ids.end(), second.ids.begin(), second.ids.end());
  if (tokenizer.encode(sample.text) != sample.ids) {
    throw std::runtime_error("prompt synthesis: this tokenizer does not split synthetic text into one token per word");
  }
}

void PromptSynth::append_unit(const Unit& u, SynthText& out) const {
  out.text += u.bytes;
  out.ids.push_back(u.id);
}

void PromptSynth::append_stream(std::uint64_t seed, int n, SynthText& out) const {
  if (n <= 0) return;
  Stream stream(*this, seed);
  for (int i = 0; i + 1 < n; ++i) append_unit(stream.next(), out);
  const Unit& last = stream.next();
  append_unit(&last == &comma_ || &last == &period_ ? stream.word() : last, out);
}

SynthText PromptSynth::text_with_ids(std::uint64_t seed, int n_tokens) const {
  SynthText out;
  out.ids.reserve(n_tokens > 0 ? n_tokens : 0);
  append_stream(mix(kTextSalt ^ seed), n_tokens, out);
  return out;
}

std::string PromptSynth::text(std::uint64_t seed, int n_tokens) const { return text_with_ids(seed, n_tokens).text; }

std::string PromptSynth::user_text(std::uint64_t user, std::uint64_t seed, int n_tokens) const {
  SynthText out;
  std::uint64_t rest = user;
  int tag = 0;
  for (; tag < user_tag_tokens_ && tag < n_tokens; ++tag) {
    append_unit(words_[rest % words_.size()], out);
    rest /= words_.size();
  }
  append_stream(mix(mix(kUserSalt ^ seed) ^ user), n_tokens - tag, out);
  return std::move(out.text);
}

SynthText PromptSynth::block_with_ids(std::uint64_t hash_id, std::uint64_t salt) const {
  SynthText out;
  out.ids.reserve(kBlockTokens);
  append_stream(block_seed(hash_id, salt), kBlockTokens, out);
  return out;
}

std::string PromptSynth::block(std::uint64_t hash_id, std::uint64_t salt) const {
  return block_with_ids(hash_id, salt).text;
}

SynthText PromptSynth::blocks_with_ids(std::span<const std::uint64_t> hash_ids, int n_tokens,
                                       std::uint64_t salt) const {
  SynthText out;
  out.ids.reserve(n_tokens > 0 ? n_tokens : 0);
  int left = n_tokens;
  std::uint64_t tail_seed = salt == 0 ? kTailSalt : mix(kTailSalt ^ mix(salt));
  for (const std::uint64_t id : hash_ids) {
    tail_seed = mix(tail_seed ^ id);
    if (left <= 0) continue;
    const int take = left < kBlockTokens ? left : kBlockTokens;
    append_stream(block_seed(id, salt), take, out);
    left -= take;
  }
  append_stream(tail_seed, left, out);
  return out;
}

std::string PromptSynth::blocks(std::span<const std::uint64_t> hash_ids, int n_tokens, std::uint64_t salt) const {
  return blocks_with_ids(hash_ids, n_tokens, salt).text;
}

}  // namespace lmbench::text
