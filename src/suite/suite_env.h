#pragma once
// What every part of one `lmbench run` shares: its options, the tokenizer and prompt synthesis,
// the SLO, the clock and the log. Built once by run_plan and passed down by reference (no
// globals between stages, STYLE.md).

#include <ostream>

#include "core/clock.h"
#include "metrics/slo.h"
#include "suite/orchestrator.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"

namespace lmbench::suite {

struct SuiteEnv {
  const OrchestratorOptions& options;
  const text::Tokenizer& tokenizer;
  const text::PromptSynth& synth;
  const metrics::Slo& slo;
  const core::Clock& clock;
  std::ostream& log;
};

}  // namespace lmbench::suite
