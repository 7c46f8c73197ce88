#pragma once
// production-stack's HashTrie: the prompt is cut into 128-character chunks (the last one may be
// shorter), each hashed with xxh64; the trie's nodes are keyed by chunk hash and hold the set of
// backends that were sent a prompt with that prefix. Nothing is ever evicted, as upstream (it
// assumes the engines' caches never evict).

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lmbench::router {

class PrefixTrie {
 public:
  static constexpr std::size_t kChunkChars = 128;

  struct Match {
    std::size_t length = 0;           // characters: kChunkChars x matched chunks
    std::set<std::string> backends;   // the narrowed set; `available` when nothing matched
  };

  // Walks the prompt's chunks while the node's backends intersect the narrowed set.
  Match longest_match(std::string_view prompt, const std::set<std::string>& available) const;
  // Adds `backend` to every node on the prompt's path, creating nodes as needed.
  void insert(std::string_view prompt, const std::string& backend);
  std::size_t node_count() const { return nodes_; }

  // Characters are bytes here, where upstream's Python slices code points; for the ASCII text
  // the benchmarks send they agree.
  static std::vector<std::uint64_t> chunk_hashes(std::string_view prompt);

 private:
  struct Node {
    std::unordered_map<std::uint64_t, std::unique_ptr<Node>> children;
    std::set<std::string> backends;
  };
  Node root_;
  std::size_t nodes_ = 0;
};

}  // namespace lmbench::router
