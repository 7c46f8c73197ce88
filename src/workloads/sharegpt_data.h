#pragma once
// ShareGPT-format conversation files:
//   [{"id": "...", "conversations": [{"from": "human", "value": "..."}, {"from": "gpt", "value": "..."}, ...]}, ...]
// Shared by the ShareGPT workload (multi-turn replay) and VLLMBenchmark's sharegpt dataset (first
// turn only).

#include <filesystem>
#include <string>
#include <vector>

namespace lmbench::workloads {

struct ShareGptRound {
  std::string question;  // the human turn
  std::string answer;    // the recorded gpt turn that follows it
};

struct ShareGptConversation {
  std::string id;        // the entry's "id", or its 0-based index in the file
  std::vector<ShareGptRound> rounds;
};

// Reads the file. Each conversation's rounds are its (human, gpt) turn pairs from the first human
// turn on ("human"/"user" ask; "gpt"/"chatgpt"/"bard"/"assistant" answer; other roles, e.g.
// "system", are skipped before the first question), up to the first turn out of that order.
// Throws core::ConfigError naming the file when it cannot be read, is not JSON (with the parser's
// position), or is not a list of objects with a "conversations" list of {from, value} strings.
std::vector<ShareGptConversation> read_sharegpt(const std::filesystem::path& path);
std::vector<ShareGptConversation> parse_sharegpt(const std::string& json, const std::string& source);

}  // namespace lmbench::workloads
