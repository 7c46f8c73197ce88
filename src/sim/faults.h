#pragma once
// Fault injection for the simulated server (llm-d-inference-sim's failure set), so clients'
// error handling can be benchmarked:
//   - a random fraction of generation requests (`rate`, 0..1) fails with one of `kinds`:
//     429 and 503 answer at once with an OpenAI error; `reset` closes the connection after some
//     tokens were streamed (no terminating chunk); `stall` stops sending after some tokens and
//     keeps the connection open (the client's idle timeout has to notice);
//   - a request with header `X-Return-Error: <code>` fails with that error: 429 (rate_limit),
//     401 (invalid_api_key), 400 (context_length or invalid_request), 503 (server_error),
//     404 (model_not_found); the header value may be the status or the name.
//
// Thread-safety: FaultInjector::draw may be called from any thread.

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace lmbench::sim {

enum class FaultKind : std::uint8_t { kRateLimit, kUnavailable, kReset, kStall };

// "429", "503", "reset", "stall".
std::string_view fault_kind_name(FaultKind kind);
// A comma-separated list of the names above. Throws core::ConfigError naming the bad entry.
std::vector<FaultKind> parse_fault_kinds(std::string_view list);

struct FaultConfig {
  double rate = 0.0;  // 0..1
  std::vector<FaultKind> kinds = {FaultKind::kRateLimit, FaultKind::kUnavailable, FaultKind::kReset,
                                  FaultKind::kStall};
  std::uint64_t seed = 0;
};

// An error answered instead of a generation.
struct HttpFault {
  int status = 0;
  std::string type;     // the OpenAI error "type"
  std::string code;     // llm-d-sim's name, e.g. "rate_limit"
  std::string message;
};

// The error for an X-Return-Error header value, or nothing when the value is not one we know.
std::optional<HttpFault> fault_for_header(std::string_view value);
HttpFault fault_for_kind(FaultKind kind);  // 429 or 503; reset/stall have no HTTP answer

// What happens to one request.
struct FaultPlan {
  std::optional<FaultKind> kind;
  int after_tokens = 0;  // reset/stall: tokens delivered before the fault (>= 1)
};

class FaultInjector {
 public:
  explicit FaultInjector(FaultConfig config);
  // Throws core::ConfigError on a rate outside [0, 1] or an empty kind list with rate > 0.
  static void validate(const FaultConfig& config);

  // Decides the fate of a request that asks for `max_tokens` outputs.
  FaultPlan draw(int max_tokens);
  const FaultConfig& config() const { return config_; }

 private:
  FaultConfig config_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace lmbench::sim
