#include "workloads/vllm_datasets.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace lmbench::workloads {

namespace {

constexpr std::string_view kSonnetBase = "Pick as many lines as you can from these poem lines:\n";

int draw_len(std::mt19937_64& rng, int len, double r) {
  const int lo = std::max(1, static_cast<int>(std::floor(len * (1.0 - r))));
  const int hi = std::max(lo, static_cast<int>(std::floor(len * (1.0 + r))));
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

}  // namespace

std::vector<VllmPrompt> vllm_random_prompts(const text::PromptSynth& synth, int n, int input_len, int output_len,
                                            double range_ratio, std::uint64_t seed, std::uint64_t text_seed) {
  std::mt19937_64 rng(seed);
  std::vector<VllmPrompt> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    VllmPrompt p;
    p.prompt_tokens = draw_len(rng, input_len, range_ratio);
    p.output_len = draw_len(rng, output_len, range_ratio);
    p.text = synth.user_text(static_cast<std::uint64_t>(i), text_seed, p.prompt_tokens);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<VllmPrompt> vllm_sonnet_prompts(const text::Tokenizer& tokenizer, const std::string& file_text,
                                            const std::string& source, int n, int input_len, int prefix_len,
                                            int output_len, std::uint64_t seed) {
  if (prefix_len > input_len) {
    throw core::ConfigError(source + ": SONNET_PREFIX_LEN (" + std::to_string(prefix_len) +
                            ") must not exceed SONNET_INPUT_LEN (" + std::to_string(input_len) + ")");
  }
  std::vector<std::string> lines;
  std::vector<int> counts;
  std::size_t pos = 0;
  while (pos < file_text.size()) {
    std::size_t end = file_text.find('\n', pos);
    if (end == std::string::npos) end = file_text.size();
    std::string line = file_text.substr(pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    line += '\n';
    counts.push_back(static_cast<int>(tokenizer.count(line)));
    lines.push_back(std::move(line));
  }
  if (lines.empty()) throw core::ConfigError(source + ": the sonnet file has no non-empty line");

  std::string prefix(kSonnetBase);
  int prefix_tokens = static_cast<int>(tokenizer.count(prefix));
  for (std::size_t i = 0; i < lines.size() && prefix_tokens + counts[i] <= prefix_len; ++i) {
    prefix += lines[i];
    prefix_tokens += counts[i];
  }
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, lines.size() - 1);
  std::vector<VllmPrompt> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    VllmPrompt p;
    p.text = prefix;
    int tokens = prefix_tokens;
    for (;;) {
      const std::size_t l = pick(rng);
      if (tokens + counts[l] > input_len) break;
      p.text += lines[l];
      tokens += counts[l];
    }
    p.prompt_tokens = static_cast<int>(tokenizer.count(p.text));
    p.output_len = output_len;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<VllmPrompt> vllm_sharegpt_prompts(const text::Tokenizer& tokenizer,
                                              const std::vector<ShareGptConversation>& conversations, int n,
                                              std::optional<int> fixed_output_len) {
  std::vector<VllmPrompt> out;
  for (const auto& c : conversations) {
    if (static_cast<int>(out.size()) >= n) break;
    if (c.rounds.empty()) continue;
    VllmPrompt p;
    p.text = c.rounds.front().question;
    p.prompt_tokens = static_cast<int>(tokenizer.count(p.text));
    const int answer = static_cast<int>(tokenizer.count(c.rounds.front().answer));
    p.output_len = fixed_output_len ? *fixed_output_len : answer;
    if (!fixed_output_len &&
        (p.prompt_tokens < 4 || answer < 4 || p.prompt_tokens > 1024 || p.prompt_tokens + answer > 2048)) {
      continue;
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<VllmPrompt> vllm_custom_prompts(const text::Tokenizer& tokenizer, const std::string& jsonl,
                                            const std::string& source, int n, std::optional<int> fixed_output_len) {
  std::vector<VllmPrompt> out;
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < jsonl.size() && static_cast<int>(out.size()) < n) {
    std::size_t end = jsonl.find('\n', pos);
    if (end == std::string::npos) end = jsonl.size();
    const std::string line = jsonl.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = source + ":" + std::to_string(line_no) + ": ";
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw core::ConfigError(where + "not JSON: " + e.what());
    }
    if (!j.is_object()) throw core::ConfigError(where + "expected an object {\"prompt\", \"output_len\"}");
    const auto prompt = j.find("prompt");
    if (prompt == j.end() || !prompt->is_string()) {
      throw core::ConfigError(where + "prompt: expected a string");
    }
    VllmPrompt p;
    p.text = prompt->get<std::string>();
    p.prompt_tokens = static_cast<int>(tokenizer.count(p.text));
    if (fixed_output_len) {
      p.output_len = *fixed_output_len;
    } else {
      const auto len = j.find("output_len");
      if (len == j.end() || !len->is_number_integer() || len->get<long long>() < 1) {
        throw core::ConfigError(where + "output_len: expected a positive integer (or give CUSTOM_OUTPUT_LEN)");
      }
      p.output_len = static_cast<int>(len->get<long long>());
    }
    out.push_back(std::move(p));
  }
  if (out.empty()) throw core::ConfigError(source + ": no prompt in the custom dataset");
  return out;
}

}  // namespace lmbench::workloads
