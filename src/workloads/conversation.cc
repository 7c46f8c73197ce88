#include "workloads/conversation.h"

#include <cctype>

namespace lmbench::workloads {

namespace {

std::string role_label(const std::string& role) {
  if (role == "system") return "System:";
  if (role == "user") return "User:";
  if (role == "assistant") return "Assistant:";
  std::string label = role;
  if (!label.empty()) label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  return label + ":";
}

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::string completions_prompt(const Messages& messages) {
  std::string out;
  for (const auto& m : messages) {
    if (!out.empty()) out += '\n';
    out += role_label(m.role);
    if (m.content.empty() || !std::isspace(static_cast<unsigned char>(m.content.front()))) out += ' ';
    out += m.content;
  }
  if (!out.empty()) out += '\n';
  out += "Assistant: ";
  return out;
}

void set_conversation(Request& req, Api api, const Messages& messages, text::IncrementalEncoder& counter) {
  req.api = api;
  if (api == Api::kChat) {
    req.messages = messages;
    std::size_t n = 0;
    for (const auto& m : messages) n += counter.count(m.content);
    req.prompt_tokens = static_cast<int>(n);
  } else {
    req.prompt = completions_prompt(messages);
    req.prompt_tokens = static_cast<int>(counter.count(req.prompt));
  }
}

void set_single_turn(Request& req, Api api, std::string text, int tokens) {
  req.api = api;
  if (api == Api::kChat) {
    req.messages.push_back(openai::ChatMessage{"user", std::move(text)});
  } else {
    req.prompt = std::move(text);
  }
  req.prompt_tokens = tokens;
}

std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  return splitmix(splitmix(splitmix(a) ^ b) ^ c);
}

std::uint64_t salted(std::uint64_t seed, std::uint64_t salt) { return salt == 0 ? seed : mix_seed(seed, salt, 0x5a17); }

std::string salt_tag(const text::PromptSynth& synth, std::uint64_t salt) {
  return synth.user_text(salt, 0x7a6, kSaltTagTokens);
}

}  // namespace lmbench::workloads
