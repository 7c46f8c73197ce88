#include "sim/scheduler.h"

#include <algorithm>

namespace lmbench::sim {

std::string_view finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kAbort:
      return "abort";
    case FinishReason::kNone:
      break;
  }
  return "";
}

Scheduler::Scheduler(const SchedulerConfig& config, KvCacheManager& kv, LmCacheStore* lmcache,
                     int lmcache_chunk_size)
    : config_(config), kv_(kv), lmcache_(lmcache), chunk_size_(lmcache_chunk_size) {
  running_.reserve(static_cast<std::size_t>(config.max_num_seqs));
  out_.scheduled.reserve(static_cast<std::size_t>(config.max_num_seqs));
}

void Scheduler::add_waiting(Request* request) {
  request->status = RequestStatus::kWaiting;
  waiting_.push_back(request);
}

void Scheduler::finish(Request* request) {
  const RequestStatus was = request->status;
  kv_.free(request->kv);
  request->status = RequestStatus::kFinished;
  if (was == RequestStatus::kRunning) {
    ++pending_removals_;
  } else if (was == RequestStatus::kWaiting || was == RequestStatus::kPreempted) {
    const auto it = std::find(waiting_.begin(), waiting_.end(), request);
    if (it != waiting_.end()) waiting_.erase(it);
  }
}

void Scheduler::preempt(Request* victim) {
  kv_.free(victim->kv);
  victim->num_computed = 0;
  victim->status = RequestStatus::kPreempted;
  ++victim->num_preemptions;
  ++counters_.preemptions;
  waiting_.push_front(victim);
  out_.preempted.push_back(victim);
}

bool Scheduler::admit(Request* request, int& budget, core::Duration now) {
  const int num_tokens = request->num_tokens();
  const int local = kv_.find_computed_blocks(request->block_hashes, num_tokens);
  int external = 0;
  int lmcache_chunks = 0;
  if (lmcache_ != nullptr) {
    const int blocks_per_chunk = chunk_size_ / kv_.block_size();
    const std::size_t chunks =
        lmcache_->lookup(request->block_hashes, blocks_per_chunk, static_cast<std::size_t>(num_tokens / chunk_size_), now);
    // Like the GPU hit, an LMCache hit leaves at least the last token to compute.
    lmcache_chunks = static_cast<int>(chunks);
    const int hit = std::min(lmcache_chunks * chunk_size_, num_tokens - 1);
    external = std::max(0, hit - local);
  }
  const int computed = local + external;
  const int n = std::min(num_tokens - computed, budget);
  if (!kv_.allocate_slots(request->kv, request->block_hashes, 0, n + external, kv_.computed_blocks(), num_tokens)) {
    return false;
  }
  if (request->num_preemptions == 0) {
    counters_.prefix_queries += static_cast<std::uint64_t>(num_tokens);
    counters_.prefix_hits += static_cast<std::uint64_t>(local);
    if (lmcache_ != nullptr) {
      counters_.external_queries += static_cast<std::uint64_t>(num_tokens);
      counters_.external_hits += static_cast<std::uint64_t>(external);
    }
  } else {
    counters_.preempted_queries += static_cast<std::uint64_t>(num_tokens);
    counters_.preempted_hits += static_cast<std::uint64_t>(local + external);
  }
  if (request->cached_prompt_tokens < 0) request->cached_prompt_tokens = computed;
  // LMCache already holds its hit; storing resumes after it (GPU-hit chunks it lacks are stored).
  request->lmcache_stored_chunks = std::max(request->lmcache_stored_chunks, lmcache_chunks);
  request->status = RequestStatus::kRunning;
  request->num_computed = computed + n;
  running_.push_back(request);
  out_.scheduled.push_back({request, n, computed, external, true});
  out_.total_tokens += n;
  budget -= n;
  return true;
}

const SchedulerOutput& Scheduler::schedule(core::Duration now) {
  if (pending_removals_ > 0) {
    std::erase_if(running_, [](const Request* r) { return r->status == RequestStatus::kFinished; });
    pending_removals_ = 0;
  }
  out_.scheduled.clear();
  out_.preempted.clear();
  out_.total_tokens = 0;
  int budget = config_.max_num_batched_tokens;

  std::size_t i = 0;
  while (i < running_.size() && budget > 0) {
    Request* request = running_[i];
    const int n = std::min(request->num_tokens() - request->num_computed, budget);
    if (n <= 0) {
      ++i;
      continue;
    }
    bool scheduled = false;
    while (true) {
      if (kv_.allocate_slots(request->kv, request->block_hashes, request->num_computed, n, {},
                             request->num_tokens())) {
        scheduled = true;
        break;
      }
      Request* victim = running_.back();
      running_.pop_back();
      preempt(victim);
      if (victim == request) break;
    }
    if (!scheduled) break;
    out_.scheduled.push_back({request, n, request->num_computed, 0, false});
    out_.total_tokens += n;
    request->num_computed += n;
    budget -= n;
    ++i;
  }

  if (out_.preempted.empty()) {
    while (!waiting_.empty() && budget > 0 && running_.size() < static_cast<std::size_t>(config_.max_num_seqs)) {
      Request* request = waiting_.front();
      if (!admit(request, budget, now)) break;
      waiting_.pop_front();
    }
  }
  return out_;
}

}  // namespace lmbench::sim
