#pragma once
// What the multi-turn workloads share: a conversation kept as chat messages, turned into the
// request's chat messages or into one completions prompt, with its token count; and seed mixing
// so every synthesized piece (question, pre-built answer) is a pure function of its coordinates.
//
// Completions form (the template): each message as "Role:" + content, joined by "\n",
// then "\nAssistant: ", e.g. "System: be brief\nUser: hi\nAssistant: hello\nUser: more\nAssistant: ".
// A content that does not start with whitespace is given one space after the colon. Round k's
// prompt, minus its final "\nAssistant: ", is a text prefix of round k+1's.
//
// Single-turn workloads (TraceReplayer, VLLMBenchmark) send their text bare in completions form
// (no template), so the prompt has exactly the dataset's token count.

#include <cstdint>
#include <string>
#include <vector>

#include "openai/chat.h"
#include "text/incremental_encoder.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"
#include "workloads/workload.h"

namespace lmbench::workloads {

using Messages = std::vector<openai::ChatMessage>;

// The completions prompt of a conversation, as described above.
std::string completions_prompt(const Messages& messages);

// Sets req.messages (chat) or req.prompt (completions) from `messages`, and req.prompt_tokens:
// the tokens of the completions prompt, or for chat the sum of the contents' tokens (the chat
// template's own tokens are the server's and are not counted). Counted through `counter`, so a
// conversation's next round costs the counting of its new part only (request preparation stays
// short even for 17k-token histories: issue "Every run says whether its numbers can be trusted").
void set_conversation(Request& req, Api api, const Messages& messages, text::IncrementalEncoder& counter);

// Sets the prompt of a single-turn request: chat = one user message, completions = `text` bare.
// prompt_tokens = `tokens` (the caller's exact count).
void set_single_turn(Request& req, Api api, std::string text, int tokens);

// A well-mixed 64-bit value of its inputs (splitmix64 chained), for deterministic sub-seeds.
std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0);

// `seed` given a run's prompt salt (WorkloadContext::salt): itself when the salt is 0.
std::uint64_t salted(std::uint64_t seed, std::uint64_t salt);

// A short text unique to `salt` (kSaltTagTokens tokens of PromptSynth::user_text), put before
// prompts that come from a file (ShareGPT, sonnet, custom JSONL) so that a run's prompts are new
// to a server an earlier run filled, while prompts of the same run keep their common prefix.
inline constexpr int kSaltTagTokens = 6;
std::string salt_tag(const text::PromptSynth& synth, std::uint64_t salt);

}  // namespace lmbench::workloads
