#include "text/bpe_model.h"

#include <algorithm>
#include <stdexcept>

namespace lmbench::text {

BpeModel::BpeModel(std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> vocab,
                   std::unordered_map<std::uint64_t, Merge> merges, bool ignore_merges)
    : vocab_(std::move(vocab)), merges_(std::move(merges)), ignore_merges_(ignore_merges) {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const auto it = vocab_.find(std::string_view(&c, 1));
    if (it == vocab_.end()) {
      throw std::invalid_argument("the vocabulary has no token for byte " + std::to_string(b) +
                                  " (not a byte-level BPE vocabulary)");
    }
    byte_ids_[b] = it->second;
  }
}

const BpeModel::Merge* BpeModel::find_merge(TokenId left, TokenId right) const {
  const auto it = merges_.find(pair_key(left, right));
  return it == merges_.end() ? nullptr : &it->second;
}

void BpeModel::encode_piece(std::string_view piece, std::vector<TokenId>& out) const {
  if (piece.empty()) return;
  if (ignore_merges_ || piece.size() == 1) {
    const auto it = vocab_.find(piece);
    if (it != vocab_.end()) {
      out.push_back(it->second);
      return;
    }
  }
  // Hugging Face's Word::merge_all: repeatedly apply the lowest-ranked merge among adjacent
  // symbols, leftmost first on ties, with a heap of candidate merges; stale candidates (a side
  // already merged away) are skipped when popped.
  struct Symbol {
    TokenId id;
    std::int32_t prev;
    std::int32_t next;
    bool alive;
  };
  struct Candidate {
    std::int32_t rank;
    std::int32_t pos;
    TokenId result;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  thread_local std::vector<Symbol> symbols;
  thread_local std::vector<Candidate> heap;
  const auto n = static_cast<std::int32_t>(piece.size());
  symbols.resize(n);
  for (std::int32_t i = 0; i < n; ++i) {
    symbols[i] = {byte_ids_[static_cast<unsigned char>(piece[i])], i - 1, i + 1 < n ? i + 1 : -1, true};
  }
  heap.clear();
  const auto push_pair = [&](std::int32_t i) {
    const std::int32_t j = symbols[i].next;
    if (j < 0) return;
    if (const Merge* m = find_merge(symbols[i].id, symbols[j].id)) {
      heap.push_back({m->rank, i, m->result});
      std::push_heap(heap.begin(), heap.end(), std::greater<>{});
    }
  };
  for (std::int32_t i = 0; i + 1 < n; ++i) push_pair(i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    const Candidate top = heap.back();
    heap.pop_back();
    Symbol& left = symbols[top.pos];
    if (!left.alive || left.next < 0) continue;
    Symbol& right = symbols[left.next];
    const Merge* m = find_merge(left.id, right.id);
    if (m == nullptr || m->result != top.result) continue;
    left.id = top.result;
    right.alive = false;
    left.next = right.next;
    if (left.next >= 0) symbols[left.next].prev = top.pos;
    if (left.prev >= 0) push_pair(left.prev);
    push_pair(top.pos);
  }
  for (std::int32_t i = 0; i >= 0; i = symbols[i].next) out.push_back(symbols[i].id);
}

}  // namespace lmbench::text
