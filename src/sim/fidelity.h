#pragma once
// The simulator against published vLLM measurements (bench/fidelity/published_measurements.csv):
// reads the points, maps each to a built-in profile and replays its workload shape on the engine
// in virtual time (no sockets, deterministic), so bench_sim_external_fidelity and the unit test
// compute the same figures.
//
// Replays (all with ignore_eos and exact lengths; unique random prompts unless a point shares a
// prefix on purpose):
//  * closed loop with `concurrency` requests in flight, like `vllm bench serve --max-concurrency`;
//  * Poisson arrivals at `request_rate` (inf: all at once), like `vllm bench serve --request-rate`;
//  * one request alone (concurrency 1 TTFT, and TTFT with the whole KV loaded from the CPU tier);
//  * a prefill-only batch with a share of requests hit in the CPU tier (vLLM's offloading connector);
//  * throughput with vs. without the GPU prefix cache at a given hit rate;
//  * the LMBenchmark multi-round QA (LMCacheSynthetic schedule, steady-state warm-up) with and
//    without LMCache.
// Metrics follow ARCHITECTURE.md: TTFT from the send, TPOT = (last - first) / (n - 1), ITL over all
// gaps, throughputs over the window from the first send to the last answer.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/profile.h"

namespace lmbench::sim::fidelity {

// One row of published_measurements.csv. Empty numeric cells are 0; request_rate is +inf for
// "inf" and 0 when the point is not rate-based.
struct PublishedPoint {
  std::string id;
  std::string source;
  std::string gpu;
  int gpu_mem_gb = 0;
  std::string vllm_version;
  std::string metric;
  int input_len = 0;
  int output_len = 0;
  int concurrency = 0;
  double request_rate = 0;
  double value = 0;
  std::string unit;
  std::string how_read;
  std::string notes;
};

// Throws core::ConfigError on a missing file or a malformed row.
std::vector<PublishedPoint> read_published(const std::filesystem::path& csv);

// The classes the targets of issue 24 are stated in.
enum class MetricClass { kTpotC1, kThroughputC8C32, kTtftC1, kLmcacheSpeedup, kOther };
const char* metric_class_name(MetricClass c);

struct Replayed {
  bool modeled = false;
  std::string profile;    // built-in profile the point ran on
  double ours = 0;        // in the point's unit
  std::string why_not;    // when !modeled
  MetricClass metric_class = MetricClass::kOther;
  double relative_error() const;  // (ours - published) / published; set by replay()
  double published = 0;
};

// The built-in profile a point maps to (GPU, memory, vLLM version), or nothing.
std::optional<std::string> profile_for(const PublishedPoint& p);
MetricClass classify(const PublishedPoint& p);

// Replays one point. Memoizes runs shared by several points (a sweep's TTFT and TPOT come from the
// same run) within a process; not thread-safe for that reason.
Replayed replay(const PublishedPoint& p);

// A derived point: LMCache's multi-round TTFT speed-up (without / with) of one source, vLLM version
// and QPS, from the published pair and the replayed pair.
struct SpeedupPoint {
  std::string id;  // "<without id>/<with id>"
  std::string profile;
  std::string vllm_version;
  double qps = 0;
  double published = 0;
  double ours = 0;
  // The source's engine without LMCache did not keep up (its TTFT over 3x the series' lowest):
  // the ratio then measures a growing queue, not the cache, and is outside "moderate load".
  bool overloaded = false;
  double relative_error() const { return (ours - published) / published; }
};
std::vector<SpeedupPoint> lmcache_speedups(const std::vector<PublishedPoint>& points,
                                           const std::vector<Replayed>& replayed);

// One (GPU, metric class) group of the summary: median absolute relative error and the worst point.
struct GroupSummary {
  std::string group;  // the GPU name of the points' profile family, e.g. "H100", "A100-80GB"
  MetricClass metric_class = MetricClass::kOther;
  int points = 0;
  double median_abs_error = 0;
  std::string worst_id;
  double worst_error = 0;  // signed
};
// The GPU family of a profile name ("llama-3.1-8b-h100-vllm0.6" -> "H100").
std::string gpu_group(const std::string& profile);
// Groups the modeled points (and the speed-ups) by GPU family and class; overloaded speed-ups go to
// kOther.
std::vector<GroupSummary> summarize(const std::vector<PublishedPoint>& points, const std::vector<Replayed>& replayed,
                                    const std::vector<SpeedupPoint>& speedups);

}  // namespace lmbench::sim::fidelity
