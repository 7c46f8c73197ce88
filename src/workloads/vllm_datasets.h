#pragma once
// The prompt sets of vLLM's benchmark_serving that VLLMBenchmark replays, built locally and
// deterministically (no hub downloads: "hf" datasets are not supported).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "text/prompt_synth.h"
#include "text/tokenizer.h"
#include "workloads/sharegpt_data.h"

namespace lmbench::workloads {

struct VllmPrompt {
  std::string text;
  int prompt_tokens = 0;  // under the project tokenizer
  int output_len = 0;     // max_tokens of the request
};

// random: n prompts; prompt i has L_i tokens and asks for O_i, with L_i uniform over the integers
// in [floor(input_len * (1 - r)), floor(input_len * (1 + r))] and O_i likewise (vLLM's
// RANDOM_RANGE_RATIO semantics), at least 1; drawn from mt19937_64(seed). The text is
// PromptSynth::user_text(i, seed, L_i): no two prompts share a prefix.
// `text_seed` seeds the texts (the lengths come from `seed` alone).
std::vector<VllmPrompt> vllm_random_prompts(const text::PromptSynth& synth, int n, int input_len, int output_len,
                                            double range_ratio, std::uint64_t seed, std::uint64_t text_seed);

// sonnet: vLLM's construction, in tokens. Every prompt starts with the shared prefix
// "Pick as many lines as you can from these poem lines:\n" + the file's first lines, as many whole
// lines as keep the prefix within prefix_len tokens; then lines drawn uniformly (mt19937_64(seed))
// from the whole file are appended while the prompt stays within input_len tokens (a line that
// would overflow ends the prompt). Lines end with "\n", so per-line counts add up. Throws
// core::ConfigError naming `source` when the text has no non-empty line or prefix_len > input_len.
std::vector<VllmPrompt> vllm_sonnet_prompts(const text::Tokenizer& tokenizer, const std::string& file_text,
                                            const std::string& source, int n, int input_len, int prefix_len,
                                            int output_len, std::uint64_t seed);

// sharegpt: the first round of conversations in file order: prompt = the first human turn,
// output_len = fixed_output_len or the recorded answer's tokens. As vLLM does without a fixed
// output length, pairs with prompt or answer under 4 tokens, a prompt over 1024 or a total over
// 2048 tokens are skipped. At most n.
std::vector<VllmPrompt> vllm_sharegpt_prompts(const text::Tokenizer& tokenizer,
                                              const std::vector<ShareGptConversation>& conversations, int n,
                                              std::optional<int> fixed_output_len);

// custom: JSONL lines {"prompt": string, "output_len": integer}; output_len may be left out when
// fixed_output_len is given (which otherwise overrides it). At most n, in file order. Throws
// core::ConfigError "source:line: ..." on a bad line and when there is no prompt.
std::vector<VllmPrompt> vllm_custom_prompts(const text::Tokenizer& tokenizer, const std::string& jsonl,
                                            const std::string& source, int n, std::optional<int> fixed_output_len);

}  // namespace lmbench::workloads
