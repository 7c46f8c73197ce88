#pragma once
// The simulated engine: vLLM V1 scheduling, KV/prefix cache and the optional LMCache tier, in
// virtual time. Each step() schedules one batch, lasts the step model's time and emits one token
// per request whose prefill completed or that decoded.
//
// Time. The engine owns a virtual clock (core::Duration since start) and never reads a wall clock.
// A driver either runs it as fast as possible (tests, benches) or paces it: a wall-clock driver
// (see pacer.h) calls advance_to(virtual now) while idle, calls step(), sleeps until the step's
// end maps to wall time, then delivers the step's emissions. Requests submitted while a step
// "runs" carry their own arrival time and join the next step, as in vLLM.
//
// Outputs. Token ids are drawn from a per-request splitmix64 stream seeded by
// (output.seed, params.seed or else a hash of the prompt): deterministic, and equal prompts get
// equal answers, so a multi-turn conversation replays identically. With output.eos_probability
// p > 0 each token after min_tokens is EOS with chance p unless ignore_eos; with p = 0 (default)
// requests always run to max_tokens, or a stop token id, or max_model_len. A server applies stop
// strings itself and calls abort(id, kStop).
//
// Threading: not thread-safe; one thread (the engine loop) calls everything. Per step the work is
// O(scheduled requests) plus O(blocks allocated), with no allocation once buffers have grown.

#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "sim/engine_metrics.h"
#include "sim/kv_cache.h"
#include "sim/lmcache.h"
#include "sim/profile.h"
#include "sim/request.h"
#include "sim/scheduler.h"
#include "sim/step_model.h"

namespace lmbench::sim {

struct Emission {
  RequestId id = 0;
  TokenId token = 0;
  bool first = false;                          // the request's first output token
  FinishReason finish = FinishReason::kNone;   // set on the request's last token
};

// A request that left the engine: what a server needs for usage and the finish reason.
struct FinishedRequest {
  RequestId id = 0;
  FinishReason reason = FinishReason::kNone;
  int prompt_tokens = 0;
  int output_tokens = 0;
  int cached_tokens = 0;  // prefix + LMCache hit at first admission (prompt_tokens_details)
  int num_preemptions = 0;
  core::Duration arrival{};
  core::Duration first_token{-1};  // -1 when it never produced one
  core::Duration finished{};
};

// One request's part of a step.
struct ScheduledInfo {
  RequestId id = 0;
  int new_tokens = 0;
  int context_tokens = 0;
  int loaded_tokens = 0;
  bool admitted = false;
};

struct StepResult {
  core::Duration start{};
  core::Duration duration{};  // the step model's time (plus jitter)
  int num_tokens = 0;         // tokens computed (prefill chunks + decodes)
  int num_scheduled = 0;
  int num_admitted = 0;
  int num_preempted = 0;
  int loaded_tokens = 0;      // from LMCache
  std::vector<ScheduledInfo> scheduled;  // in scheduling order: running first, then admitted
  std::vector<RequestId> preempted;       // in preemption order
  std::vector<Emission> emissions;
  std::vector<FinishedRequest> finished;
  core::Duration end() const { return start + duration; }
};

// Longest reusable prefix of a token sequence, in tokens.
struct PrefixMatch {
  int gpu_tokens = 0;  // whole blocks in the GPU prefix cache
  int cpu_tokens = 0;  // whole chunks in LMCache (0 without it)
};

class Engine {
 public:
  // With lmcache.enabled, `shared_lmcache` (if given) is used instead of a private store. Throws
  // core::ConfigError when the profile is invalid.
  explicit Engine(Profile profile, std::shared_ptr<LmCacheStore> shared_lmcache = nullptr);

  // Adds a request arriving at `arrival` (default: now()). It enters the waiting queue after the
  // frontend delay. Errors (values, for the server to turn into 400s): kind "invalid_request",
  // "context_length" (message in vLLM's words) or "capacity" (can never fit in the KV pool).
  core::Result<RequestId> submit(RequestSpec spec);
  core::Result<RequestId> submit(RequestSpec spec, core::Duration arrival);
  // Finishes a request now with `reason` (a client disconnect, or a stop string the server
  // matched). Returns its record, or nothing when the id is unknown or already finished.
  std::optional<FinishedRequest> abort(RequestId id, FinishReason reason = FinishReason::kAbort);

  core::Duration now() const { return now_; }
  // The earliest virtual time a step could start: now() when requests are waiting or running,
  // else when the next request leaves the frontend; nothing when the engine is empty.
  std::optional<core::Duration> next_event_time() const;
  // Moves the clock forward while idle (no-op when t <= now()).
  void advance_to(core::Duration t);
  // Runs one step at now(). With nothing to run, returns an empty result of zero duration.
  const StepResult& step();

  PrefixMatch longest_cached_prefix(std::span<const TokenId> tokens, const ExtraKeys& keys = {}) const;
  // vLLM's /reset_prefix_cache for the GPU cache: succeeds only when no block is in use.
  bool reset_prefix_cache();

  std::size_t num_running() const { return scheduler_.num_running(); }
  std::size_t num_waiting() const { return scheduler_.num_waiting(); }
  std::size_t num_in_frontend() const { return frontend_.size(); }
  double kv_cache_usage() const { return kv_.pool().usage(); }
  const EngineMetrics& metrics() const;
  const Profile& profile() const { return profile_; }
  const StepModel& step_model() const { return step_model_; }
  LmCacheStore* lmcache() const { return lmcache_.get(); }
  // A live request, or null (finished requests are gone). For tests and debugging.
  const Request* find(RequestId id) const;
  const Scheduler& scheduler() const { return scheduler_; }
  const BlockPool& block_pool() const { return kv_.pool(); }

 private:
  struct FrontendEntry {
    core::Duration ready;
    std::uint64_t seq;
    Request* request;
    bool operator>(const FrontendEntry& o) const { return ready != o.ready ? ready > o.ready : seq > o.seq; }
  };

  void promote_ready();
  TokenId sample(Request& r);
  FinishReason check_finish(const Request& r, TokenId token) const;
  FinishedRequest finish(Request& r, FinishReason reason);
  void store_to_lmcache(Request& r, core::Duration step_end);
  void retire(RequestId id);

  Profile profile_;
  StepModel step_model_;
  KvCacheManager kv_;
  std::shared_ptr<LmCacheStore> lmcache_;
  Scheduler scheduler_;
  core::Duration now_{0};
  core::Duration store_free_at_{0};  // when this engine's D2H copy engine is next idle
  RequestId next_id_ = 1;
  std::uint64_t next_seq_ = 0;
  std::unordered_map<RequestId, std::unique_ptr<Request>> requests_;
  // Finished requests stay alive until the scheduler has dropped its pointers (next schedule()).
  std::vector<std::unique_ptr<Request>> retired_;
  std::priority_queue<FrontendEntry, std::vector<FrontendEntry>, std::greater<>> frontend_;
  std::vector<StepItem> items_;
  StepResult result_;
  std::mt19937_64 jitter_rng_;
  mutable EngineMetrics metrics_;
};

}  // namespace lmbench::sim
