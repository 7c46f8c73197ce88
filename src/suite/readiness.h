#pragma once
// Waiting until a deployed baseline's OpenAI API answers: GET <base>/v1/models returns 200 and
// lists the model. Polls while the baseline itself is alive (deploy::Baseline::failure()).

#include <chrono>
#include <string>

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

}  // namespace lmbench::suite
