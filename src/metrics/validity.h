#pragma once
// A run's verdict on its own numbers: valid, suspect or invalid, with every check's figure and
// threshold (README "Can I trust this run?"). A benchmark whose client fell behind, ran out of
// CPU, or stalled measures the client, not the server; this says so in the run itself.
//
// Checks (figures in the run's clock: modelled time on a time-scaled run, since that is the time
// the results are in):
//   client_lag   the client's own lateness (record.h client_lag), p99 and max, against
//                max(budget, a fraction of the mean gap between intended sends)
//   send_rate    requests sent per second over the window against the rate the schedule (and,
//                for a closed loop, the answers) allowed
//   client_cpu   the load thread's share of the wall time on a CPU or waiting for one, and the
//                whole process's CPU over the CPUs it may use: near 100%, the client and not the
//                server set the pace
//   loop_stall   the longest the load thread's event loop was late for a 5 ms heartbeat: every
//                timestamp taken meanwhile (send, first token) is late by up to that much
//   unfinished   requests cancelled at the end (never answered within the drain)
//   failures     failed requests, by kind: the latencies are those of the survivors
//   engine_lag   a simulated engine's own emission lag (its /metrics), p99, when known: wall
//                milliseconds times the time scale, the distortion of every TTFT and ITL
// Stalls and engine lag have thresholds in wall time, scaled to the run's clock like the figures,
// by the time scale up to `threshold_scale_cap` (the shipped default, 5): beyond it they stay at
// those modelled milliseconds, so a very high time scale cannot hide what it distorts.

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/record.h"
#include "metrics/summary.h"

namespace lmbench::metrics {

enum class Verdict { kValid, kSuspect, kInvalid };
std::string_view verdict_name(Verdict v);

// Every threshold is settable (run/bench options); these defaults are the documented ones.
struct ValidityThresholds {
  double lag_budget_ms = 2.0;          // client lag p99 within this is never suspect
  double lag_gap_fraction = 0.10;      // ... nor within this share of the mean inter-arrival gap
  double lag_invalid_factor = 5.0;     // p99 beyond the allowance times this: invalid
  double cpu_suspect = 0.70;           // load thread busy share
  double cpu_invalid = 0.90;
  double stall_suspect_ms = 5.0;       // wall milliseconds, before scaling to the run's clock
  double stall_invalid_ms = 25.0;
  double send_rate_suspect = 0.05;     // shortfall of the achieved send rate against the allowed one
  double send_rate_invalid = 0.20;
  double unfinished_suspect = 0.0;     // share of requests cancelled at the end
  double unfinished_invalid = 0.01;
  double failures_suspect = 0.0;       // share of requests that failed
  double failures_invalid = 0.10;
  double engine_lag_suspect_ms = 1.0;  // simulated engine emission lag p99, wall milliseconds, before
  double engine_lag_invalid_ms = 5.0;   // scaling to the run's clock (the simulator's goal is 1 ms)
  double threshold_scale_cap = 5.0;

  // Sets one threshold from "name=value" (`--validity cpu_invalid=0.95`), the names being the
  // fields above. Throws core::ConfigError naming every known name, or what the value must be.
  void set(std::string_view assignment);
};

// The client's CPU over a run's wall time (load/runner.cc).
struct ClientCpu {
  double thread_busy = 0;                // the load thread's CPU time / wall time
  std::optional<double> thread_waiting;  // its time runnable but waiting for a CPU / wall time
  double process_busy = 0;               // the process's CPU time / (wall time x usable CPUs)
  std::optional<double> process_waiting;  // its threads' time waiting for a CPU / (wall x usable CPUs)
  int cpus = 1;                          // CPUs the process may run on (its affinity)
  // The figure judged: the CPU the load thread, or the whole process, wanted (on a CPU or waiting
  // for one) as a share of what it could have had.
  double share() const {
    return std::max(thread_busy + thread_waiting.value_or(0), process_busy + process_waiting.value_or(0));
  }
};

// What the runner measured about itself during the run.
struct ClientHealth {
  std::optional<ClientCpu> cpu;
  std::optional<double> loop_stall_ms;  // wall milliseconds, the longest heartbeat lateness
  double time_scale = 1.0;              // run clock / wall clock
  std::optional<double> engine_lag_p99_ms;  // wall milliseconds, from a simulated engine
};

struct ValidityCheck {
  std::string check;  // client_lag | send_rate | client_cpu | loop_stall | unfinished | failures | engine_lag
  Verdict verdict = Verdict::kValid;
  double figure = 0;            // in `unit`
  double suspect_above = 0;     // thresholds in the same unit
  double invalid_above = 0;
  std::string unit;             // "ms", "share"
  std::string detail;           // one line: what was measured
};

struct Validity {
  Verdict verdict = Verdict::kValid;  // the worst check
  std::vector<ValidityCheck> checks;
  // "client lag p99 6.8 ms > 2 ms" for each check that is not valid, worst first.
  std::vector<std::string> reasons() const;
};

Validity judge_validity(std::span<const RequestRecord> records, const Summary& summary, const ClientHealth& health,
                        const ValidityThresholds& thresholds = {});

// {"verdict": "suspect", "reasons": [...], "checks": [{"check", "verdict", "figure", "unit",
// "suspect_above", "invalid_above", "detail"}, ...]}
nlohmann::ordered_json validity_json(const Validity& v);

}  // namespace lmbench::metrics
