#pragma once
// One engine step's scheduling decision, with vLLM V1's semantics exactly as SIMULATOR.md §1.2:
//   1. budget = max_num_batched_tokens;
//   2. running requests in FIFO order get min(remaining, budget) tokens (1 for a decode, else the
//      next prefill chunk); when blocks run out the *last* running request is preempted
//      (recompute: blocks freed but left cached, num_computed = 0, prepended to waiting), retrying
//      until the allocation fits or the victim is the request itself;
//   3. only when nothing was preempted, waiting requests in FCFS order are admitted, each with its
//      prefix hit (capped at num_tokens - 1) plus its LMCache hit, until max_num_seqs, an empty
//      budget, or the first allocation failure (waiting requests never preempt).
// num_computed is advanced at scheduling time, as vLLM's _update_after_schedule does. Not
// thread-safe: owned by one engine.

#include <cstdint>
#include <deque>
#include <vector>

#include "core/clock.h"
#include "sim/kv_cache.h"
#include "sim/lmcache.h"
#include "sim/profile.h"
#include "sim/request.h"

namespace lmbench::sim {

struct ScheduledRequest {
  Request* request = nullptr;
  int new_tokens = 0;      // tokens computed this step
  int context_tokens = 0;  // tokens in KV before this step (hits included)
  int loaded_tokens = 0;   // LMCache tokens loaded this step
  bool admitted = false;   // came from the waiting queue this step
};

struct SchedulerOutput {
  std::vector<ScheduledRequest> scheduled;
  std::vector<Request*> preempted;
  int total_tokens = 0;
};

// Cumulative counters, the inputs of vllm:prefix_cache_*, vllm:external_prefix_cache_* and
// vllm:num_preemptions. Like vLLM's PrefixCacheStats, a request counts at its first admission;
// re-admissions after preemption are counted apart (they would inflate the hit rate with the
// request's own blocks).
struct SchedulerCounters {
  std::uint64_t prefix_queries = 0;    // tokens of newly admitted requests
  std::uint64_t prefix_hits = 0;       // their local GPU prefix hits
  std::uint64_t external_queries = 0;  // tokens of newly admitted requests, when LMCache is on
  std::uint64_t external_hits = 0;     // tokens loaded from LMCache (beyond the GPU hit)
  std::uint64_t preempted_queries = 0; // tokens of re-admitted preempted requests
  std::uint64_t preempted_hits = 0;    // their GPU + LMCache hits
  std::uint64_t preemptions = 0;
};

class Scheduler {
 public:
  // `lmcache` may be null (no CPU tier); it must outlive the scheduler.
  Scheduler(const SchedulerConfig& config, KvCacheManager& kv, LmCacheStore* lmcache, int lmcache_chunk_size);

  void add_waiting(Request* request);
  // Decides the next step at virtual time `now` (LMCache visibility). The result stays valid until
  // the next call.
  const SchedulerOutput& schedule(core::Duration now);
  // Frees a finished or aborted request's blocks (in reverse order) and drops it from the queues.
  void finish(Request* request);

  std::size_t num_running() const { return running_.size() - pending_removals_; }
  std::size_t num_waiting() const { return waiting_.size(); }
  const std::vector<Request*>& running() const { return running_; }
  const std::deque<Request*>& waiting() const { return waiting_; }
  const SchedulerCounters& counters() const { return counters_; }

 private:
  void preempt(Request* victim);
  bool admit(Request* request, int& budget, core::Duration now);

  SchedulerConfig config_;
  KvCacheManager& kv_;
  LmCacheStore* lmcache_;
  int chunk_size_;
  std::vector<Request*> running_;
  std::size_t pending_removals_ = 0;  // finished requests still in running_ until the next schedule
  std::deque<Request*> waiting_;
  SchedulerOutput out_;
  SchedulerCounters counters_;
};

}  // namespace lmbench::sim
