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
  std::optional<core::Duration> duration;  // caps the workload's own DURATION / schedule
};

// The index of `run`'s rate point within its workload's sweep.
std::size_t rate_index(const config::WorkloadConfig& workload, const PlannedRun& run);

// Throws core::ConfigError for a data file that cannot be read or a config the workload rejects.
std::unique_ptr<workloads::Workload> make_run_workload(const config::WorkloadConfig& workload, const PlannedRun& run,
                                                       const WorkloadSetup& setup);

}  // namespace lmbench::suite
