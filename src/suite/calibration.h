#pragma once
// The client's own overhead against a time-scaled simulator. Against a simulator running S times
// faster than the hardware it models, every wall microsecond spent outside the model (the
// client writing and reading, loopback, the simulator's HTTP path, thread wake-ups) weighs S
// modelled microseconds in each measured TTFT. Measured once per simulated baseline: a few
// short streamed requests 100 modelled ms apart, sent and stamped by the same load::Runner as
// every run, whose
// model TTFT the simulator reports (GET /lmbench/timing?request_id=...). The overhead is the
// median of (measured TTFT - model TTFT), in modelled and in wall milliseconds.

#include <cstdint>

#include "config/baselines.h"
#include "core/clock.h"
#include "core/error.h"
#include "deploy/baseline.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"

namespace lmbench::suite {

struct ClientOverhead {
  double scale = 1;
  double modelled_ms = 0;  // median over the requests, in the run's (modelled) time
  double wall_ms = 0;      // the same in wall time: modelled_ms / scale
  double max_modelled_ms = 0;
  int requests = 0;
};

struct CalibrationOptions {
  int requests = 8;
  int prompt_tokens = 32;
  // A prefix shared by every request (0: none): with one, requests after the first find it in
  // every cache (the engine's and the simulator's tokenizer), as a multi-round chat's later
  // rounds do, and measure what a long prompt itself costs outside the model.
  int shared_prefix_tokens = 0;
  core::Duration gap = std::chrono::milliseconds(100);  // between sends, in the run's (modelled) time
  std::uint64_t salt = 1;  // the prompts' salt, so no request finds another's cache
};

// Errors: the requests failed, or the server is not an lmbench simulator (no /lmbench/timing).
core::Result<ClientOverhead> measure_client_overhead(const deploy::ServingEndpoint& endpoint, config::ApiType api,
                                                     double scale, const core::Clock& clock,
                                                     const text::Tokenizer& tokenizer, const text::PromptSynth& synth,
                                                     const CalibrationOptions& options = {});

}  // namespace lmbench::suite
