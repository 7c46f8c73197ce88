#include "deploy/secret.h"

namespace lmbench::deploy {

std::string redact(std::string text, const Secret& secret) {
  const std::string& s = secret.reveal();
  if (s.empty()) return text;
  for (auto pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + kRedacted.size())) {
    text.replace(pos, s.size(), kRedacted);
  }
  return text;
}

}  // namespace lmbench::deploy
