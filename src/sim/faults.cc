#include "sim/faults.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace lmbench::sim {
namespace {

std::string trim_lower(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::string_view fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kRateLimit: return "429";
    case FaultKind::kUnavailable: return "503";
    case FaultKind::kReset: return "reset";
    case FaultKind::kStall: return "stall";
  }
  return "";
}

std::vector<FaultKind> parse_fault_kinds(std::string_view list) {
  std::vector<FaultKind> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const std::size_t comma = std::min(list.find(',', pos), list.size());
    const std::string item = trim_lower(list.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) continue;
    if (item == "429" || item == "rate_limit") {
      out.push_back(FaultKind::kRateLimit);
    } else if (item == "503" || item == "server_error") {
      out.push_back(FaultKind::kUnavailable);
    } else if (item == "reset") {
      out.push_back(FaultKind::kReset);
    } else if (item == "stall") {
      out.push_back(FaultKind::kStall);
    } else {
      throw core::ConfigError("--fault-kinds: expected a list of 429, 503, reset, stall, found '" + item + "'");
    }
  }
  return out;
}

std::optional<HttpFault> fault_for_header(std::string_view value) {
  const std::string v = trim_lower(value);
  if (v == "429" || v == "rate_limit") {
    return HttpFault{429, "RateLimitError", "rate_limit", "Rate limit reached (injected by X-Return-Error)"};
  }
  if (v == "401" || v == "invalid_api_key") {
    return HttpFault{401, "AuthenticationError", "invalid_api_key", "Incorrect API key provided (injected by X-Return-Error)"};
  }
  if (v == "400" || v == "context_length") {
    return HttpFault{400, "BadRequestError", "context_length",
                     "This model's maximum context length is exceeded (injected by X-Return-Error)"};
  }
  if (v == "invalid_request") {
    return HttpFault{400, "BadRequestError", "invalid_request", "Invalid request (injected by X-Return-Error)"};
  }
  if (v == "503" || v == "server_error") {
    return HttpFault{503, "ServiceUnavailableError", "server_error", "The server is overloaded (injected by X-Return-Error)"};
  }
  if (v == "404" || v == "model_not_found") {
    return HttpFault{404, "NotFoundError", "model_not_found", "The model does not exist (injected by X-Return-Error)"};
  }
  return std::nullopt;
}

HttpFault fault_for_kind(FaultKind kind) {
  if (kind == FaultKind::kRateLimit) return *fault_for_header("429");
  return *fault_for_header("503");
}

void FaultInjector::validate(const FaultConfig& config) {
  if (!(config.rate >= 0.0 && config.rate <= 1.0)) {
    throw core::ConfigError("--fault-rate: expected a number between 0 and 1, found " + std::to_string(config.rate));
  }
  if (config.rate > 0 && config.kinds.empty()) throw core::ConfigError("--fault-kinds: empty list with --fault-rate > 0");
}

FaultInjector::FaultInjector(FaultConfig config) : config_(std::move(config)), rng_(config_.seed ^ 0x6661756c7473ULL) {
  validate(config_);
}

FaultPlan FaultInjector::draw(int max_tokens) {
  FaultPlan plan;
  if (config_.rate <= 0) return plan;
  std::lock_guard lock(mu_);
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  if (u >= config_.rate) return plan;
  plan.kind = config_.kinds[rng_() % config_.kinds.size()];
  // At least one token goes out first, so the client has started reading a stream.
  const int span = std::max(1, max_tokens / 2);
  plan.after_tokens = 1 + static_cast<int>(rng_() % static_cast<std::uint64_t>(span));
  return plan;
}

}  // namespace lmbench::sim
