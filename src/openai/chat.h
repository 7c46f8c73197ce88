#pragma once
// The smallest OpenAI type every layer shares: one chat message.

#include <string>

namespace lmbench::openai {

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
  bool operator==(const ChatMessage&) const = default;
};

}  // namespace lmbench::openai
