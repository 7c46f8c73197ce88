#include "text/incremental_encoder.h"

#include <xxhash.h>

#include <array>
#include <string>

namespace lmbench::text {

namespace {

bool ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Positions just before a '\n' that follows an ASCII letter or digit.
std::vector<std::size_t> safe_cuts(std::string_view text) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = text.find('\n', 1); i != std::string_view::npos; i = text.find('\n', i + 1)) {
    if (ascii_alnum(text[i - 1])) cuts.push_back(i);
  }
  return cuts;
}

// The cache key of a prefix: its bytes' hash and its length.
std::uint64_t key_of(std::uint64_t hash, std::size_t length) {
  return hash ^ (static_cast<std::uint64_t>(length) * 0x9E3779B97F4A7C15ULL);
}

}  // namespace

IncrementalEncoder::IncrementalEncoder(const Tokenizer& tokenizer, std::size_t capacity_tokens)
    : tokenizer_(tokenizer), capacity_tokens_(capacity_tokens) {
  // The safe-cut property, checked on this tokenizer: texts cut at their safe cuts must encode to
  // the same ids piecewise as whole.
  static const std::array<std::string_view, 6> kSamples = {
      "System: be brief\nUser: hello there\nAssistant: hi\nUser: and 42\nAssistant: ",
      "word\n\nword2\n \nmore text\r\nend9\n\n\nx",
      "caf\xc3\xa9 na\xc3\xafve\nsmile \xf0\x9f\x99\x82\ntab\tx\nlast",
      "it's\nthey'll\nWE'RE\n123456\nabc",
      "<|eot_id|>a\n<|start_header_id|>user<|end_header_id|>\n\nhello\nworld",
      "x\ny\n\n\nz.\nw!\n(a)\nb"};
  for (std::string_view s : kSamples) {
    const auto whole = tokenizer_.encode(s);
    std::vector<TokenId> pieces;
    std::size_t from = 0;
    for (std::size_t cut : safe_cuts(s)) {
      tokenizer_.encode_into(s.substr(from, cut - from), pieces);
      from = cut;
    }
    tokenizer_.encode_into(s.substr(from), pieces);
    if (pieces != whole) caching_ = false;
  }
}

IncrementalEncoder::~IncrementalEncoder() = default;

IncrementalEncoder::Ids IncrementalEncoder::find(std::uint64_t key) {
  const auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);  // now the most recent
  return it->second->ids;
}

void IncrementalEncoder::remember(std::uint64_t key, Ids ids) {
  if (index_.contains(key) || ids->size() > capacity_tokens_) return;
  held_tokens_ += ids->size();
  lru_.push_front(Entry{key, std::move(ids)});
  index_[key] = lru_.begin();
  while (held_tokens_ > capacity_tokens_ && !lru_.empty()) {
    held_tokens_ -= lru_.back().ids->size();
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

IncrementalEncoder::Keys IncrementalEncoder::keys_of(std::string_view text) {
  // One pass of the hash over the text, a digest at each safe cut and at the end.
  Keys k;
  k.cuts = safe_cuts(text);
  k.at_cut.reserve(k.cuts.size());
  XXH64_state_t* state = XXH64_createState();
  XXH64_reset(state, 0);
  std::size_t hashed = 0;
  for (std::size_t cut : k.cuts) {
    XXH64_update(state, text.data() + hashed, cut - hashed);
    hashed = cut;
    k.at_cut.push_back(key_of(XXH64_digest(state), cut));
  }
  XXH64_update(state, text.data() + hashed, text.size() - hashed);
  k.whole = key_of(XXH64_digest(state), text.size());
  XXH64_freeState(state);
  return k;
}

std::vector<TokenId> IncrementalEncoder::encode(std::string_view text) {
  if (!caching_) {
    std::lock_guard lock(mu_);
    ++stats_.calls;
    stats_.bytes += text.size();
    stats_.bytes_encoded += text.size();
    return tokenizer_.encode(text);
  }
  const Keys k = keys_of(text);
  const std::vector<std::size_t>& cuts = k.cuts;
  const std::vector<std::uint64_t>& keys = k.at_cut;
  const std::uint64_t whole_key = k.whole;

  // The longest remembered prefix: the whole text, else the last safe cut that is known.
  Ids known;
  std::size_t known_len = 0;
  {
    std::lock_guard lock(mu_);
    ++stats_.calls;
    stats_.bytes += text.size();
    if (Ids whole = find(whole_key)) return *whole;
    for (std::size_t i = cuts.size(); i-- > 0;) {
      if ((known = find(keys[i]))) {
        known_len = cuts[i];
        break;
      }
    }
    stats_.bytes_encoded += text.size() - known_len;
  }
  auto out = std::make_shared<std::vector<TokenId>>();
  out->reserve((known ? known->size() : 0) + (text.size() - known_len) / 4 + 8);
  if (known) out->assign(known->begin(), known->end());
  // Up to the last safe cut (remembered, so the next round of a conversation starts there), then
  // the rest.
  Ids prefix;
  if (!cuts.empty() && cuts.back() > known_len) {
    tokenizer_.encode_into(text.substr(known_len, cuts.back() - known_len), *out);
    prefix = std::make_shared<const std::vector<TokenId>>(*out);
    known_len = cuts.back();
  }
  tokenizer_.encode_into(text.substr(known_len), *out);
  std::vector<TokenId> result = *out;
  {
    std::lock_guard lock(mu_);
    if (prefix) remember(keys.back(), std::move(prefix));
    remember(whole_key, std::move(out));
  }
  return result;
}

std::optional<std::size_t> IncrementalEncoder::find_count(std::uint64_t key) {
  const auto it = count_index_.find(key);
  if (it == count_index_.end()) return std::nullopt;
  count_lru_.splice(count_lru_.begin(), count_lru_, it->second);
  return it->second->second;
}

void IncrementalEncoder::remember_count(std::uint64_t key, std::size_t count) {
  if (count_index_.contains(key)) return;
  count_lru_.emplace_front(key, count);
  count_index_[key] = count_lru_.begin();
  if (count_lru_.size() > kMaxCounts) {
    count_index_.erase(count_lru_.back().first);
    count_lru_.pop_back();
  }
}

std::size_t IncrementalEncoder::count(std::string_view text) {
  if (!caching_) {
    std::lock_guard lock(mu_);
    ++stats_.calls;
    stats_.bytes += text.size();
    stats_.bytes_encoded += text.size();
    return tokenizer_.count(text);
  }
  const Keys k = keys_of(text);
  std::size_t known = 0, known_len = 0;
  {
    std::lock_guard lock(mu_);
    ++stats_.calls;
    stats_.bytes += text.size();
    if (const auto whole = find_count(k.whole)) return *whole;
    for (std::size_t i = k.cuts.size(); i-- > 0;) {
      if (const auto c = find_count(k.at_cut[i])) {
        known = *c;
        known_len = k.cuts[i];
        break;
      }
    }
    stats_.bytes_encoded += text.size() - known_len;
  }
  std::size_t n = known;
  std::optional<std::size_t> at_last_cut;
  if (!k.cuts.empty() && k.cuts.back() > known_len) {
    n += tokenizer_.count(text.substr(known_len, k.cuts.back() - known_len));
    at_last_cut = n;
    known_len = k.cuts.back();
  }
  n += tokenizer_.count(text.substr(known_len));
  std::lock_guard lock(mu_);
  if (at_last_cut) remember_count(k.at_cut.back(), *at_last_cut);
  remember_count(k.whole, n);
  return n;
}

IncrementalEncoder::Stats IncrementalEncoder::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace lmbench::text
