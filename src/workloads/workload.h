#pragma once
// The seam between *what* to send (a workload) and *how and when* it is sent (load::Runner).
// A Workload is pure logic: it never sleeps and never touches a socket (ARCHITECTURE.md), so
// every workload is tested with a ManualClock and scripted responses.
//
// Protocol, driven by one thread (the runner's event loop):
//   start(t0)                          once, before anything else
//   loop:
//     t = next_send_time()             when the next request is meant to go, if one is known
//     at now >= t: req = take(now)     the request; its intended_send is t (never moved)
//     on_response(resp, now)           for every finished request, failed ones included
//   until finished()
// Open-loop workloads know their schedule up front. A closed-loop one (a user waits for the
// answer) returns nullopt from next_send_time() until on_response() makes the next one known.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "openai/chat.h"
#include "openai/request.h"

namespace lmbench::workloads {

// One Api type for the whole project: the workload picks it, openai::make_request uses it.
using Api = openai::Api;

struct Request {
  std::uint64_t id = 0;              // unique within a run, assigned by the workload
  core::TimePoint intended_send{};   // the schedule's time; lag = actual send - this
  // The earliest moment the workload could have produced this request: a closed loop's new
  // user after its predecessor's last round, a round after the previous answer. The client's own
  // lag is measured from max(intended_send, available); a schedule that slipped because the
  // server was slow is the workload's wait, not the client's lateness. Epoch: known from the start.
  core::TimePoint available{};
  std::string user_id;               // "" when the workload has no users; sent as x-user-id
  int round = 0;                     // question number within the user's conversation
  bool warmup = false;               // warm-up requests are sent but not summarised
  Api api = Api::kCompletions;
  std::string prompt;                              // Api::kCompletions
  std::vector<openai::ChatMessage> messages;       // Api::kChat
  int prompt_tokens = 0;             // the workload's own count under the project tokenizer
  int max_tokens = 0;
  bool ignore_eos = false;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;
  std::string model;                 // empty: the run's model (Agentic may name one per agent)
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"x-user-id", "3"}
};

struct Response {
  std::uint64_t request_id = 0;
  bool ok = false;
  std::string text;                  // the generated text (multi-turn histories append it)
  int output_tokens = 0;
  std::string error;                 // when !ok: a one-line reason
};

class Workload {
 public:
  virtual ~Workload() = default;

  // The WORKLOAD part of artifact names: "synthetic", "random", "trace_replayer", ...
  virtual std::string name() const = 0;

  virtual void start(core::TimePoint t0) = 0;

  // Intended send time of the next request, or nullopt when none is known yet (waiting for a
  // response) or the workload has finished.
  virtual std::optional<core::TimePoint> next_send_time() = 0;

  // The next request. Precondition: next_send_time() has a value.
  virtual Request take(core::TimePoint now) = 0;

  virtual void on_response(const Response& response, core::TimePoint now) = 0;

  // True when no request will ever be produced again (in-flight ones may still finish).
  virtual bool finished() const = 0;

  // Skips the next request (precondition as take): the schedule advances exactly as take()
  // would advance it, but no request is built. For open-arrival workloads under a ShardFilter
  // (shard.h), which overrides it where building a prompt costs; the default takes and drops.
  virtual void skip(core::TimePoint now) { (void)take(now); }

  // Sharding by user (shard.h): keep only the users of shard `index` of `count`, called before
  // start(). Workloads with users implement it and return true; the default (false) says the
  // workload has no users and is sharded by arrival order instead.
  virtual bool restrict_to_shard(int /*index*/, int /*count*/) { return false; }
};

}  // namespace lmbench::workloads
