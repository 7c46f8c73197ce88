#pragma once
// One planned run's workload: the typed config at this run's point of its sweep, built by the
// workload factory with what the suite provides (prompt synthesis, API form, model, seed).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/baselines.h"
#include "config/workloads.h"
#include "core/clock.h"
#include "suite/plan.h"
#include "workloads/workload.h"

namespace lmbench::text {
class PromptSynth;
class Tokenizer;
}  // namespace lmbench::text

namespace lmbench::suite {

struct WorkloadSetup {
  const text::PromptSynth* synth = nullptr;
  const text::Tokenizer* tokenizer = nullptr;
  config::ApiType api = config::ApiType::kCompletions;
  std::string model;
  std::uint64_t seed = 0;
  std::uint64_t salt = 0;                  // this run's prompt salt (run_salt)
  std::optional<core::Duration> duration;  // caps the workload's own DURATION / schedule
};

// The prompt salt of one run: a function of the invocation's salt (--prompt-salt, random by
// default and recorded in every run JSON) and the run's place in its spec (workload config, rate,
// trial), never 0. Every baseline gets the same salt for the same run, so baselines are compared
// on the same prompts; no two runs of an invocation share one, so no run finds its prompts
// already cached by an earlier run on the same deployment.
std::uint64_t run_salt(std::uint64_t invocation_salt, const config::WorkloadConfig& workload, const PlannedRun& run,
                       int trial = 0);

// The index of `run`'s rate point within its workload's sweep.
std::size_t rate_index(const config::WorkloadConfig& workload, const PlannedRun& run);

// Throws core::ConfigError for a data file that cannot be read or a config the workload rejects.
std::unique_ptr<workloads::Workload> make_run_workload(const config::WorkloadConfig& workload, const PlannedRun& run,
                                                       const WorkloadSetup& setup);

}  // namespace lmbench::suite
