#pragma once
// Waiting until a deployed baseline's OpenAI API answers: GET <base>/v1/models returns 200 and
// lists the model. Polls while the baseline itself is alive (deploy::Baseline::failure()).

#include <chrono>
#include <string>

#include "config/baselines.h"
#include "core/clock.h"
#include "core/error.h"
#include "deploy/baseline.h"

namespace lmbench::suite {

struct ReadinessOptions {
  core::Duration timeout = std::chrono::minutes(10);
  core::Duration poll_interval = std::chrono::milliseconds(250);
};

// Ok once the model is listed. Errors: "not_ready" (timeout, with the last answer seen),
// "model_missing" (the server answers but serves other models: named), "exited" (from
// baseline.failure()), "interrupted" (Ctrl-C).
core::Result<bool> wait_until_ready(const deploy::ServingEndpoint& endpoint, deploy::Baseline& baseline,
                                    const core::Clock& clock, const ReadinessOptions& options = {});

// One short unmeasured request once the baseline is ready, before its measured runs: a first
// request pays for new connections and lazy start-up work (on a real engine, CUDA graph capture
// and the first kernel launches) that no measured request should carry. A completion or a chat
// completion (as the baseline's apiType) with a fixed short prompt and max_tokens 4, not
// streamed. Returns how long it took; errors: "warm_up" naming the answer (status and the start
// of the body) or the transport error.
core::Result<core::Duration> warm_up(const deploy::ServingEndpoint& endpoint, config::ApiType api,
                                     const core::Clock& clock, core::Duration timeout = std::chrono::seconds(120));

}  // namespace lmbench::suite
