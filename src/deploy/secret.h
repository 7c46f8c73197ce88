#pragma once
// Secrets (HF token, API keys) as a type that cannot be printed by accident: no operator<<, no
// fmt formatter, no implicit conversion. The one place that needs the value (an Authorization
// header, a child's environment, a kubectl/helm stdin) calls reveal().

#include <string>
#include <string_view>
#include <utility>

namespace lmbench::deploy {

class Secret {
 public:
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

inline constexpr std::string_view kRedacted = "<redacted>";

// `text` with every occurrence of the secret replaced by kRedacted. Applied to everything a
// deployment writes or reports that came from outside lmbench (child logs, kubectl output).
std::string redact(std::string text, const Secret& secret);

}  // namespace lmbench::deploy
