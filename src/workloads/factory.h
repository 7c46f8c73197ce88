#pragma once
// Builds the Workload of one spec entry (config::WorkloadConfig) for one of its runs: the
// qps_index-th value of its QPS list (TIME_BETWEEN_REQUESTS_PER_USER for StrictSynthetic,
// NEW_USER_INTERVALS for Agentic, REQUEST_RATES for VLLMBenchmark; a TraceReplayer with
// PRESERVE_TIMING has a single run). Data files are read here; their errors are
// core::ConfigError naming the file.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/workloads.h"
#include "core/clock.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"
#include "workloads/shard.h"
#include "workloads/workload.h"

namespace lmbench::workloads {

struct WorkloadContext {
  // Both must be set and must outlive the workload (prompts of exact token lengths need them).
  const text::Tokenizer* tokenizer = nullptr;
  const text::PromptSynth* synth = nullptr;
  Api api = Api::kCompletions;
  // The run's model. Requests leave Request::model empty for it; only Agentic's MODELS name others.
  std::string model;
  std::uint64_t seed = 0;  // prompts and schedules (VLLMBenchmark uses its own SEED key)
  // This run's prompt salt. Every prompt text derives from it too, so a run sends nothing an
  // earlier run on the same server sent (users' contexts and questions, system prompts, random
  // prompts, trace blocks, dataset prompts), while what the workload shares within the run (a
  // system prompt, a trace's common hash ids, a sonnet prefix) stays shared. Schedules and
  // lengths do not depend on it. 0: prompts from `seed` alone.
  std::uint64_t salt = 0;
  // Replaces DURATION where the workload has one (LMCacheSynthetic, Agentic: the measured window,
  // after the warm-up) and caps the schedule of the others (nothing intended at or after start +
  // duration). In the clock's time: modelled time against a time-scaled simulator.
  std::optional<core::Duration> duration;
  // The part of the run this process sends (lmbench worker): the whole run by default.
  Shard shard;
};

// The workload is restricted to context.shard (apply_shard).
// Throws core::ConfigError: qps_index out of range, missing or unreadable data file, options the
// workload rejects, DATASET_NAME hf (needs the Hugging Face hub), or a bad shard.
std::unique_ptr<Workload> make_workload(const config::WorkloadConfig& config, std::size_t qps_index,
                                        const WorkloadContext& context);

// How many runs the entry has (the length of its rate list; 1 for a timed trace replay).
std::size_t run_count(const config::WorkloadConfig& config);

}  // namespace lmbench::workloads
