#pragma once
// One RequestRecord per request sent, failed ones included (STYLE.md: samples are never dropped
// silently). The load engine fills it; summaries, CSVs, reports and the store read it.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace lmbench::metrics {

// Where output_tokens came from (ARCHITECTURE.md "Metric definitions").
enum class TokenSource { kNone, kServerUsage, kTokenizer };

// How a request ended.
enum class Outcome {
  kOk,         // finished normally
  kFailed,     // connection error, HTTP error, malformed stream, timeout: see error_kind
  kCancelled,  // still in flight when the run stopped and was cancelled rather than drained
};

struct RequestRecord {
  std::uint64_t request_id = 0;
  std::string user_id;
  int round = 0;                 // CSV question_id
  bool warmup = false;           // excluded from summaries
  std::string backend;           // engine chosen by a router, when it said (x-lmbench-backend)
  std::optional<int> worker;     // the fleet worker that sent it (fleet/); none for one process

  core::TimePoint intended_send{};
  // max(intended_send, when the workload could first produce the request): the client's own
  // lateness is actual_send - ready_send (workloads::Request::available).
  core::TimePoint ready_send{};
  core::TimePoint actual_send{};
  core::TimePoint first_token{};  // first non-empty content chunk; == TimePoint{} when none
  core::TimePoint end{};          // last byte (or the failure)
  // Wall time: the longest the load thread's event loop stalled (beyond 1 ms) while this request
  // was in flight; its timestamps may be late by as much (metrics/validity.h, loop_stall).
  core::Duration loop_stall{0};
  std::vector<core::TimePoint> chunk_times;  // arrival of every content chunk, in order
  // Wall-clock time of actual_send: labels the record (CSV launch_time), never used to measure.
  // The run's wall-clock start plus the run's clock since then, so on a time-scaled run
  // launch times are spaced like the latencies, in modelled time.
  std::chrono::system_clock::time_point launch_wall{};

  int prompt_tokens = 0;
  int output_tokens = 0;
  std::optional<int> cached_tokens;  // prompt tokens the server served from its prefix cache, if it said
  TokenSource output_token_source = TokenSource::kNone;

  Outcome outcome = Outcome::kOk;
  std::string error_kind;        // e.g. "connect", "timeout", "http_429", "reset", "malformed"
  std::string error_message;

  bool ok() const { return outcome == Outcome::kOk; }
  // actual_send - intended_send: how late against the schedule (a closed loop's wait included).
  core::Duration scheduling_lag() const { return actual_send - intended_send; }
  bool has_first_token() const { return first_token != core::TimePoint{}; }
};

// The names records are written with (CSV outcome/output_tokens_source, the fleet's wire format),
// and back; nullopt for a name that is none of them.
const char* outcome_name(Outcome outcome);
const char* token_source_name(TokenSource source);
std::optional<Outcome> outcome_named(std::string_view name);
std::optional<TokenSource> token_source_named(std::string_view name);

// actual_send - max(intended_send, ready_send): how late the client itself was.
inline core::Duration client_lag(const RequestRecord& r) { return r.actual_send - std::max(r.intended_send, r.ready_send); }

}  // namespace lmbench::metrics
