#pragma once
// One benchmark run as the store keeps it: the run JSON whole, plus the fields it is indexed by
// (LMBENCH-FORMAT.md "Artifacts").

#include <cstdint>
#include <optional>
#include <string>

#include "store/metric.h"

namespace lmbench::store {

struct Run {
  std::string suite;       // "name"
  std::string session_id;  // "lmbench-session-id"
  std::string timestamp;   // "YYYYMMDD-HHMM", local time of the machine that ran it
  // Orders sessions: Unix seconds from the session id ("lmbench-<seconds>-<hex>"), or, for an id
  // of another shape, `timestamp` read as UTC. Runs of one session share it.
  std::int64_t session_time = 0;
  std::string key;         // the baseline KEY
  std::string workload;    // workload.WORKLOAD, e.g. "synthetic", "vllm_random"
  double qps = 0;          // workload.QPS
  bool ok = false;         // false when results is {"error": ..., "message": ...}
  std::string error;       // results.error (and message) when !ok
  MetricValues metrics;    // all nullopt when !ok
  std::optional<std::int64_t> successful_requests;
  std::optional<double> duration_s;
  bool interrupted = false;  // "interrupted": true: Ctrl-C cut it short (left out of charts and regressions)
  std::string validity;      // "validity"."verdict" (valid | suspect | invalid); "" when the run has none
  // "trial": {"index", "count"} of `lmbench run --repeat N` (1-based); 0 when the run has none.
  int trial_index = 0;
  int trial_count = 0;
  // "capacity_probe"."index" of a capacity search's probe (1-based); 0 when it is not a probe.
  int probe_index = 0;
  std::string json;        // the document exactly as given
};

}  // namespace lmbench::store
