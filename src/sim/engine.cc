#include "sim/engine.h"

#include <algorithm>
#include <cmath>

namespace lmbench::sim {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double seconds(core::Duration d) { return core::to_seconds(d); }

std::shared_ptr<LmCacheStore> make_store(const Profile& p, std::shared_ptr<LmCacheStore> shared) {
  if (!p.lmcache.enabled) return nullptr;
  if (shared) return shared;
  return std::make_shared<LmCacheStore>(LmCacheStore::capacity_for(p.lmcache, p.step.kv_bytes_per_token));
}

Profile validated(Profile p) {
  validate_profile(p, p.name.empty() ? "profile" : p.name);
  return p;
}

}  // namespace

Engine::Engine(Profile profile, std::shared_ptr<LmCacheStore> shared_lmcache)
    : profile_(validated(std::move(profile))),
      step_model_(profile_),
      kv_(profile_.scheduler.num_gpu_blocks, profile_.scheduler.block_size, profile_.scheduler.enable_prefix_caching),
      lmcache_(make_store(profile_, std::move(shared_lmcache))),
      scheduler_(profile_.scheduler, kv_, lmcache_.get(), profile_.lmcache.chunk_size),
      jitter_rng_(profile_.output.seed ^ 0x6a69747465727273ULL),
      metrics_(profile_.scheduler.max_model_len) {}

core::Result<RequestId> Engine::submit(RequestSpec spec) { return submit(std::move(spec), now_); }

core::Result<RequestId> Engine::submit(RequestSpec spec, core::Duration arrival) {
  const auto& sc = profile_.scheduler;
  const int prompt = static_cast<int>(spec.prompt.size());
  if (prompt == 0) return core::Error{"invalid_request", "The prompt is empty."};
  if (spec.params.max_tokens < 1) {
    return core::Error{"invalid_request", "max_tokens must be at least 1, got " + std::to_string(spec.params.max_tokens)};
  }
  if (spec.params.min_tokens < 0 || spec.params.min_tokens > spec.params.max_tokens) {
    return core::Error{"invalid_request", "min_tokens must be between 0 and max_tokens, got " +
                                              std::to_string(spec.params.min_tokens)};
  }
  for (const TokenId t : spec.prompt) {
    if (t < 0 || t >= profile_.step.vocab_size) {
      return core::Error{"invalid_request", "Token id " + std::to_string(t) + " is out of vocabulary range"};
    }
  }
  const long long total = static_cast<long long>(prompt) + spec.params.max_tokens;
  if (total > sc.max_model_len) {
    return core::Error{"context_length",
                       "This model's maximum context length is " + std::to_string(sc.max_model_len) +
                           " tokens. However, you requested " + std::to_string(total) + " tokens (" +
                           std::to_string(prompt) + " in the messages, " + std::to_string(spec.params.max_tokens) +
                           " in the completion). Please reduce the length of the messages or completion."};
  }
  const long long blocks = (total + sc.block_size - 1) / sc.block_size;
  if (blocks > sc.num_gpu_blocks - 1) {
    return core::Error{"capacity", "The request needs " + std::to_string(blocks) + " KV blocks but the engine has " +
                                       std::to_string(sc.num_gpu_blocks - 1)};
  }

  auto r = std::make_unique<Request>();
  r->id = next_id_++;
  r->num_prompt_tokens = prompt;
  r->tokens = std::move(spec.prompt);
  r->tokens.reserve(static_cast<std::size_t>(total));
  r->params = std::move(spec.params);
  r->keys = spec.keys;
  r->block_hashes.reserve(static_cast<std::size_t>(blocks));
  r->kv.blocks.reserve(static_cast<std::size_t>(blocks));  // no allocation in steps
  extend_block_hashes(r->block_hashes, r->tokens, sc.block_size, sc.hash_seed, r->keys);
  std::uint64_t seed = r->params.seed;
  if (seed == 0) {
    seed = hash_string(std::string_view(reinterpret_cast<const char*>(r->tokens.data()),
                                        r->tokens.size() * sizeof(TokenId)));
  }
  r->rng = seed ^ (profile_.output.seed * 0xd1b54a32d192ed03ULL);
  r->arrival = arrival;
  r->queued = arrival + step_model_.frontend_delay(prompt);
  r->status = RequestStatus::kFrontend;
  const RequestId id = r->id;
  frontend_.push({r->queued, next_seq_++, r.get()});
  requests_.emplace(id, std::move(r));
  return id;
}

std::optional<FinishedRequest> Engine::abort(RequestId id, FinishReason reason) {
  const auto it = requests_.find(id);
  if (it == requests_.end() || it->second->status == RequestStatus::kFinished) return std::nullopt;
  Request& r = *it->second;
  const bool in_frontend = r.status == RequestStatus::kFrontend;
  FinishedRequest record = finish(r, reason);
  // A request still in the frontend queue is erased when it is popped from there.
  if (!in_frontend) retire(id);
  return record;
}

std::optional<core::Duration> Engine::next_event_time() const {
  if (scheduler_.num_running() > 0 || scheduler_.num_waiting() > 0) return now_;
  if (!frontend_.empty()) return std::max(now_, frontend_.top().ready);
  return std::nullopt;
}

void Engine::advance_to(core::Duration t) { now_ = std::max(now_, t); }

void Engine::promote_ready() {
  while (!frontend_.empty() && frontend_.top().ready <= now_) {
    Request* r = frontend_.top().request;
    frontend_.pop();
    if (r->status == RequestStatus::kFinished) {
      requests_.erase(r->id);
      continue;
    }
    scheduler_.add_waiting(r);
  }
}

TokenId Engine::sample(Request& r) {
  const auto& out = profile_.output;
  const bool may_stop = r.num_output_tokens() >= r.params.min_tokens;
  if (may_stop && !r.params.ignore_eos && out.eos_probability > 0) {
    const double u = static_cast<double>(splitmix64(r.rng) >> 11) * 0x1.0p-53;
    if (u < out.eos_probability) return out.eos_token_id;
  }
  const auto span = static_cast<std::uint64_t>(out.token_id_max - out.token_id_min);
  return out.token_id_min + static_cast<TokenId>(splitmix64(r.rng) % span);
}

FinishReason Engine::check_finish(const Request& r, TokenId token) const {
  const int outputs = r.num_output_tokens();
  if (outputs >= r.params.min_tokens) {
    if (!r.params.ignore_eos && token == profile_.output.eos_token_id) return FinishReason::kStop;
    for (const TokenId s : r.params.stop_token_ids) {
      if (s == token) return FinishReason::kStop;
    }
  }
  if (outputs >= r.params.max_tokens) return FinishReason::kLength;
  if (r.num_tokens() >= profile_.scheduler.max_model_len) return FinishReason::kLength;
  return FinishReason::kNone;
}

FinishedRequest Engine::finish(Request& r, FinishReason reason) {
  if (r.status != RequestStatus::kFrontend) scheduler_.finish(&r);
  r.status = RequestStatus::kFinished;
  FinishedRequest f;
  f.id = r.id;
  f.reason = reason;
  f.prompt_tokens = r.num_prompt_tokens;
  f.output_tokens = r.num_output_tokens();
  f.cached_tokens = std::max(0, r.cached_prompt_tokens);
  f.num_preemptions = r.num_preemptions;
  f.arrival = r.arrival;
  f.first_token = r.first_token;
  f.finished = now_;

  auto& m = metrics_;
  ++m.request_success[static_cast<std::size_t>(reason)];
  m.e2e_request_latency.observe(seconds(now_ - r.arrival));
  if (r.first_scheduled.count() >= 0) {
    m.request_queue_time.observe(seconds(r.first_scheduled - r.queued));
    m.request_inference_time.observe(seconds(now_ - r.first_scheduled));
    if (r.first_token.count() >= 0) {
      m.request_prefill_time.observe(seconds(r.first_token - r.first_scheduled));
      m.request_decode_time.observe(seconds(now_ - r.first_token));
    }
  }
  m.request_prompt_tokens.observe(r.num_prompt_tokens);
  m.request_generation_tokens.observe(r.num_output_tokens());
  m.request_params_max_tokens.observe(r.params.max_tokens);
  return f;
}

void Engine::store_to_lmcache(Request& r, core::Duration step_end) {
  const int chunk = profile_.lmcache.chunk_size;
  const int ready = std::min(r.num_computed, r.num_prompt_tokens) / chunk;
  if (ready <= r.lmcache_stored_chunks) return;
  const int blocks_per_chunk = chunk / profile_.scheduler.block_size;
  const double copy_s = chunk * profile_.step.kv_bytes_per_token / (profile_.lmcache.store_gbps * 1e9);
  const auto copy = std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(copy_s));
  for (int j = r.lmcache_stored_chunks; j < ready; ++j) {
    const BlockHash key = r.block_hashes[static_cast<std::size_t>((j + 1) * blocks_per_chunk - 1)];
    const core::Duration done = std::max(store_free_at_, step_end) + copy;
    if (lmcache_->insert(key, done)) store_free_at_ = done;
  }
  r.lmcache_stored_chunks = ready;
}

const StepResult& Engine::step() {
  promote_ready();
  StepResult& res = result_;
  res.start = now_;
  res.duration = core::Duration{0};
  res.num_tokens = res.num_scheduled = res.num_admitted = res.num_preempted = res.loaded_tokens = 0;
  res.scheduled.clear();
  res.preempted.clear();
  res.emissions.clear();
  res.finished.clear();

  const SchedulerOutput& out = scheduler_.schedule(now_);
  retired_.clear();  // schedule() has dropped finished requests from its lists
  res.num_preempted = static_cast<int>(out.preempted.size());
  for (const Request* p : out.preempted) res.preempted.push_back(p->id);
  if (out.scheduled.empty()) return res;

  items_.clear();
  for (const auto& s : out.scheduled) {
    const bool samples = s.request->num_computed >= s.request->num_tokens();
    items_.push_back({s.new_tokens, s.context_tokens, s.loaded_tokens, samples});
    res.scheduled.push_back({s.request->id, s.new_tokens, s.context_tokens, s.loaded_tokens, s.admitted});
    res.loaded_tokens += s.loaded_tokens;
    res.num_admitted += s.admitted ? 1 : 0;
    if (s.request->first_scheduled.count() < 0) s.request->first_scheduled = now_;
  }
  core::Duration duration = step_model_.step_time(items_);
  if (profile_.step.jitter_sigma > 0) {
    std::normal_distribution<double> normal(0.0, profile_.step.jitter_sigma);
    const double f = std::clamp(normal(jitter_rng_), -0.7, 0.7);
    duration = std::chrono::duration_cast<core::Duration>(duration * (1.0 + f));
  }
  res.duration = duration;
  res.num_tokens = out.total_tokens;
  res.num_scheduled = static_cast<int>(out.scheduled.size());
  now_ += duration;
  metrics_.iteration_tokens.observe(out.total_tokens);

  const auto& sc = profile_.scheduler;
  for (const auto& s : out.scheduled) {
    Request& r = *s.request;
    if (lmcache_) store_to_lmcache(r, now_);
    if (r.num_computed < r.num_tokens()) continue;  // a prefill chunk: nothing to emit yet
    const TokenId token = sample(r);
    r.tokens.push_back(token);
    extend_block_hashes(r.block_hashes, r.tokens, sc.block_size, sc.hash_seed, r.keys);
    const bool first = r.first_token.count() < 0;
    if (first) {
      r.first_token = now_;
      metrics_.time_to_first_token.observe(seconds(now_ - r.arrival));
      metrics_.prompt_tokens += static_cast<std::uint64_t>(r.num_prompt_tokens);
    } else {
      metrics_.inter_token_latency.observe(seconds(now_ - r.last_token));
    }
    r.last_token = now_;
    ++metrics_.generation_tokens;
    const FinishReason reason = check_finish(r, token);
    res.emissions.push_back({r.id, token, first, reason});
    if (reason != FinishReason::kNone) {
      res.finished.push_back(finish(r, reason));
      retire(r.id);
    }
  }
  return res;
}

PrefixMatch Engine::longest_cached_prefix(std::span<const TokenId> tokens, const ExtraKeys& keys) const {
  std::vector<BlockHash> hashes;
  hashes.reserve(tokens.size() / static_cast<std::size_t>(profile_.scheduler.block_size));
  extend_block_hashes(hashes, tokens, profile_.scheduler.block_size, profile_.scheduler.hash_seed, keys);
  PrefixMatch m;
  m.gpu_tokens = kv_.longest_cached_prefix(hashes);
  if (lmcache_) {
    const int chunk = profile_.lmcache.chunk_size;
    m.cpu_tokens = static_cast<int>(lmcache_->peek(hashes, chunk / profile_.scheduler.block_size, now_)) * chunk;
  }
  return m;
}

void Engine::retire(RequestId id) {
  const auto it = requests_.find(id);
  if (it == requests_.end()) return;
  retired_.push_back(std::move(it->second));
  requests_.erase(it);
}

bool Engine::reset_prefix_cache() { return kv_.pool().reset_prefix_cache(); }

const EngineMetrics& Engine::metrics() const {
  const auto& c = scheduler_.counters();
  metrics_.prefix_cache_queries = c.prefix_queries;
  metrics_.prefix_cache_hits = c.prefix_hits;
  metrics_.external_prefix_cache_queries = c.external_queries;
  metrics_.external_prefix_cache_hits = c.external_hits;
  metrics_.num_preemptions = c.preemptions;
  return metrics_;
}

const Request* Engine::find(RequestId id) const {
  const auto it = requests_.find(id);
  return it == requests_.end() || it->second->status == RequestStatus::kFinished ? nullptr : it->second.get();
}

}  // namespace lmbench::sim
