#pragma once
// A request inside the simulated engine, and what a server submits.

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "sim/block_hash.h"
#include "sim/kv_cache.h"

namespace lmbench::sim {

using RequestId = std::uint64_t;

enum class FinishReason : std::uint8_t { kNone, kStop, kLength, kAbort };
// "stop", "length", "abort" (the OpenAI/vLLM finish_reason strings); "" for kNone.
std::string_view finish_reason_name(FinishReason reason);

struct SamplingParams {
  int max_tokens = 16;
  int min_tokens = 0;       // EOS and stop token ids are ignored before this many outputs
  bool ignore_eos = false;  // never finish on EOS (stop token ids still apply)
  std::vector<TokenId> stop_token_ids;
  std::uint64_t seed = 0;   // 0: outputs derive from the prompt, so equal prompts get equal answers
};

// What a server submits.
struct RequestSpec {
  std::vector<TokenId> prompt;
  SamplingParams params;
  ExtraKeys keys;
};

enum class RequestStatus : std::uint8_t { kFrontend, kWaiting, kRunning, kPreempted, kFinished };

// Engine-internal state. Times are virtual (engine time since start).
struct Request {
  RequestId id = 0;
  std::vector<TokenId> tokens;  // prompt then outputs
  int num_prompt_tokens = 0;
  int num_computed = 0;         // tokens whose KV exists (or will by the end of the current step)
  std::vector<BlockHash> block_hashes;  // chain over the full blocks of `tokens`
  RequestKv kv;
  SamplingParams params;
  ExtraKeys keys;
  RequestStatus status = RequestStatus::kFrontend;
  std::uint64_t rng = 0;        // output token generator state
  int lmcache_stored_chunks = 0;
  int num_preemptions = 0;
  int cached_prompt_tokens = -1;  // local + external hit at first admission; -1 before it

  core::Duration arrival{};
  core::Duration queued{};            // entered the waiting queue (after the frontend)
  core::Duration first_scheduled{-1};
  core::Duration first_token{-1};
  core::Duration last_token{-1};

  int num_tokens() const { return static_cast<int>(tokens.size()); }
  int num_output_tokens() const { return num_tokens() - num_prompt_tokens; }
};

}  // namespace lmbench::sim
