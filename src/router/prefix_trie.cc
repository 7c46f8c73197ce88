#include "router/prefix_trie.h"

#include <algorithm>
#include <iterator>

#include "router/xxh64.h"

namespace lmbench::router {

std::vector<std::uint64_t> PrefixTrie::chunk_hashes(std::string_view prompt) {
  std::vector<std::uint64_t> out;
  out.reserve(prompt.size() / kChunkChars + 1);
  for (std::size_t i = 0; i < prompt.size(); i += kChunkChars) out.push_back(xxh64(prompt.substr(i, kChunkChars)));
  return out;
}

PrefixTrie::Match PrefixTrie::longest_match(std::string_view prompt, const std::set<std::string>& available) const {
  Match m;
  m.backends = available;
  const Node* node = &root_;
  for (const std::uint64_t h : chunk_hashes(prompt)) {
    const auto it = node->children.find(h);
    if (it == node->children.end()) break;
    node = it->second.get();
    std::set<std::string> both;
    std::set_intersection(node->backends.begin(), node->backends.end(), m.backends.begin(), m.backends.end(),
                          std::inserter(both, both.end()));
    if (both.empty()) break;
    m.backends = std::move(both);
    m.length += kChunkChars;
  }
  return m;
}

void PrefixTrie::insert(std::string_view prompt, const std::string& backend) {
  Node* node = &root_;
  for (const std::uint64_t h : chunk_hashes(prompt)) {
    auto& child = node->children[h];
    if (!child) {
      child = std::make_unique<Node>();
      ++nodes_;
    }
    node = child.get();
    node->backends.insert(backend);
  }
}

}  // namespace lmbench::router
