#include "sim/block_pool.h"

#include <stdexcept>

namespace lmbench::sim {

BlockPool::BlockPool(int num_blocks, bool enable_caching) : enable_caching_(enable_caching) {
  if (num_blocks < 2) throw std::invalid_argument("BlockPool needs at least 2 blocks (one is the null block)");
  blocks_.resize(static_cast<std::size_t>(num_blocks));
  blocks_[0].ref = 1;  // the null block is permanently "in use" and never queued
  for (BlockId id = 1; id < num_blocks; ++id) push_tail(id);
  cached_.reserve(static_cast<std::size_t>(num_blocks));
}

double BlockPool::usage() const {
  const int usable = num_blocks() - 1;
  return 1.0 - static_cast<double>(num_free_) / usable;
}

BlockId BlockPool::cached_block(BlockHash hash) const {
  if (!enable_caching_) return -1;
  const auto it = cached_.find(hash);
  return it == cached_.end() ? -1 : it->second;
}

bool BlockPool::is_cached(BlockId id) const { return blocks_[static_cast<std::size_t>(id)].registered; }

void BlockPool::push_tail(BlockId id) {
  Block& b = blocks_[static_cast<std::size_t>(id)];
  b.prev = tail_;
  b.next = -1;
  if (tail_ >= 0) {
    blocks_[static_cast<std::size_t>(tail_)].next = id;
  } else {
    head_ = id;
  }
  tail_ = id;
  ++num_free_;
}

void BlockPool::unlink(BlockId id) {
  Block& b = blocks_[static_cast<std::size_t>(id)];
  if (b.prev >= 0) {
    blocks_[static_cast<std::size_t>(b.prev)].next = b.next;
  } else {
    head_ = b.next;
  }
  if (b.next >= 0) {
    blocks_[static_cast<std::size_t>(b.next)].prev = b.prev;
  } else {
    tail_ = b.prev;
  }
  b.prev = b.next = -1;
  --num_free_;
}

void BlockPool::touch(BlockId id) {
  Block& b = blocks_[static_cast<std::size_t>(id)];
  if (b.ref == 0) unlink(id);
  ++b.ref;
}

void BlockPool::allocate(int n, std::vector<BlockId>& out) {
  if (n > num_free_) throw std::logic_error("BlockPool::allocate: not enough free blocks");
  for (int i = 0; i < n; ++i) {
    const BlockId id = head_;
    unlink(id);
    Block& b = blocks_[static_cast<std::size_t>(id)];
    if (b.registered) {
      cached_.erase(b.hash);
      b.registered = false;
      ++num_evictions_;
    }
    b.hash = 0;
    b.ref = 1;
    out.push_back(id);
  }
}

void BlockPool::release(BlockId id) {
  Block& b = blocks_[static_cast<std::size_t>(id)];
  if (b.ref <= 0) throw std::logic_error("BlockPool::release: block is already free");
  if (--b.ref == 0) push_tail(id);
}

void BlockPool::cache_block(BlockId id, BlockHash hash) {
  if (!enable_caching_) return;
  Block& b = blocks_[static_cast<std::size_t>(id)];
  if (b.registered) return;
  b.hash = hash;
  b.registered = cached_.emplace(hash, id).second;
}

bool BlockPool::reset_prefix_cache() {
  if (num_free_ != num_blocks() - 1) return false;
  for (auto& b : blocks_) {
    b.registered = false;
    b.hash = 0;
  }
  cached_.clear();
  return true;
}

std::vector<BlockId> BlockPool::free_queue_order() const {
  std::vector<BlockId> order;
  order.reserve(static_cast<std::size_t>(num_free_));
  for (BlockId id = head_; id >= 0; id = blocks_[static_cast<std::size_t>(id)].next) order.push_back(id);
  return order;
}

}  // namespace lmbench::sim
