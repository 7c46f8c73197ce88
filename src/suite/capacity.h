#pragma once
// Capacity at an SLO (README "Capacity"): the highest rate a baseline carries while the share of
// its measured requests that meet every SLO bound (its goodput share) stays at or above the
// target. Found by probing: every probe is an ordinary run with its own artifacts.
//
//   bracket   probe min_qps, then double (never past max_qps) until a probe fails;
//   bisect    between the highest passing and the lowest failing rate, at their geometric mean,
//             until (upper - lower) / lower <= precision;
//   re-probe  a probe whose goodput share is within two standard errors of the target
//             (sqrt(g (1 - g) / n), n its measured requests) is "too close to call": run once more
//             at the same rate and judged on both runs' requests together, at once when it failed
//             or a failing rate is already known (the boundary), and before the search ends when
//             it is the capacity found (a pass while doubling is followed by a higher probe
//             anyway). A noisy boundary is not trusted once.
//
// The search itself (CapacitySearch) is pure logic; suite/orchestrator.cc runs its probes.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/workloads.h"
#include "metrics/record.h"
#include "metrics/slo.h"
#include "suite/plan.h"

namespace lmbench::suite {

// What one probe run measured.
struct ProbeResult {
  double rate = 0;
  std::size_t requests = 0;  // measured (warm-up excluded), failed and cancelled included
  std::size_t good = 0;      // succeeded and met every per-request bound
  std::optional<double> ttft_p99_ms, tpot_p99_ms;
  bool early_stop = false;   // ended once its failure was certain (capacity_stop_rule)
  std::string run;           // its run JSON's file name
  // Set by CapacitySearch::add: judged alone or, for a re-probe, with its first run.
  bool passed = false;
  bool repeat = false;       // the second run at a rate whose first was too close to call
  double share() const { return requests == 0 ? 0.0 : static_cast<double>(good) / static_cast<double>(requests); }
};

enum class CapacityStatus { kSearching, kFound, kBelowMin, kAtMax };
const char* to_string(CapacityStatus status);

class CapacitySearch {
 public:
  explicit CapacitySearch(config::CapacitySpec spec);

  // The next rate to probe, or nullopt when the search is over.
  std::optional<double> next() const;
  // The outcome of probing next(). A rate probed before is judged on every run at it together.
  void add(ProbeResult probe);

  CapacityStatus status() const;
  // The highest rate that passed below the lowest that failed (kFound, kAtMax); nullopt below
  // min_qps.
  std::optional<double> capacity() const { return lower(); }
  std::optional<double> lower() const;
  std::optional<double> upper() const;
  // (upper - lower) / lower once both exist.
  std::optional<double> precision_reached() const;
  const std::vector<ProbeResult>& probes() const { return probes_; }
  const config::CapacitySpec& spec() const { return spec_; }

 private:
  // Every run at one rate, judged together.
  struct Verdict {
    std::size_t good = 0, requests = 0;
    bool passed = false;
    bool p99_ok = true;
    bool close = false;  // within two standard errors of the target
    int runs = 0;
  };
  bool judge_p99(const ProbeResult& p) const;
  std::optional<double> confirm() const;

  config::CapacitySpec spec_;
  std::vector<ProbeResult> probes_;
  std::vector<std::pair<double, Verdict>> verdicts_;  // by rate, in probe order
  std::optional<double> repeat_at_;                   // a failing or bracketing probe too close to call
};

// The per-request part of the SLO, as metrics::Slo.
metrics::Slo capacity_slo(const config::CapacitySpec& spec);

// A probe's run may stop sending once its failure is certain: at least 50 measured answers and
// the 99.9% Wilson upper bound of their good share below the target. Answers finish fastest
// first, so the share of those finished so far overstates the probe's final share.
bool capacity_stop_rule(std::size_t finished, std::size_t good, double goodput);

// `workload` at one probe rate: its sweep key holds just that value (in the spec's unit, e.g.
// TIME_BETWEEN_REQUESTS_PER_USER = users / rate), CAPACITY removed from its raw keys (so a fleet
// worker rebuilds exactly this run). For a timed trace replay the rate is its SPEED_UP.
struct ProbePoint {
  config::WorkloadConfig workload;
  RatePoint rate;
};
ProbePoint probe_point(const config::WorkloadConfig& workload, double rate);

// The unit of a workload's searched rate: "req/s", "users/s" (Agentic), "x" (trace SPEED_UP).
std::string capacity_unit(const config::WorkloadConfig& workload);
// The spec key the rate is written into ("QPS", "TIME_BETWEEN_REQUESTS_PER_USER", ...).
std::string capacity_rate_key(const config::WorkloadConfig& workload);

// Rates are probed at 4 significant digits, so a file name and the JSON say the same number.
double round_rate(double rate);

// {WORKLOAD}_capacity.json: the search of `key` merged into the file's other baselines (kept
// when they were searched with the same SLO, goodput and bounds; dropped with `note` set
// otherwise).
struct CapacityEntry {
  std::string key;
  std::string session_id;
  std::string timestamp;
  std::string status;  // to_string(CapacityStatus), or "interrupted" / "failed"
  std::string detail;  // why, for interrupted / failed
  const CapacitySearch* search = nullptr;
};
nlohmann::ordered_json capacity_file_json(const nlohmann::ordered_json& existing, const std::string& workload_label,
                                          const config::WorkloadConfig& workload, const CapacityEntry& entry,
                                          std::string* note);
std::filesystem::path capacity_file_path(const std::filesystem::path& suite_dir, const std::string& workload_label);

}  // namespace lmbench::suite
