// The simulator against published vLLM measurements (bench/fidelity/published_measurements.csv,
// docs/SIMULATOR.md "Fidelity"), on the engine's virtual time: representative points of each
// target class of issue 24 must stay within its target, so a change of the step model, the
// scheduler or a profile cannot silently leave the published data behind.
// bench_sim_external_fidelity prints every point; these tests hold representative points to the
// targets and every point to the 30% rule (about 5 s in a release build).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/fidelity.h"

namespace lmbench::sim::fidelity {
namespace {

const std::vector<PublishedPoint>& all_points() {
  static const std::vector<PublishedPoint> points =
      read_published(std::filesystem::path(LMBENCH_SOURCE_DIR) / "bench/fidelity/published_measurements.csv");
  return points;
}

struct Checked {
  std::vector<PublishedPoint> points;
  std::vector<Replayed> replayed;
};

Checked replay_ids(const std::vector<std::string>& ids) {
  Checked c;
  for (const auto& id : ids) {
    const auto it = std::find_if(all_points().begin(), all_points().end(), [&](const auto& p) { return p.id == id; });
    EXPECT_NE(it, all_points().end()) << id << " is not in the CSV";
    if (it == all_points().end()) continue;
    c.points.push_back(*it);
    c.replayed.push_back(replay(*it));
    EXPECT_TRUE(c.replayed.back().modeled) << id << ": " << c.replayed.back().why_not;
  }
  return c;
}

// Median |error| of the group within `median_limit`, and no point beyond `point_limit`.
void expect_within(const Checked& c, double median_limit, double point_limit, const std::string& what) {
  std::vector<double> abs;
  for (std::size_t i = 0; i < c.points.size(); ++i) {
    const double e = c.replayed[i].relative_error();
    abs.push_back(std::abs(e));
    EXPECT_LE(std::abs(e), point_limit) << what << ": " << c.points[i].id << " published " << c.points[i].value
                                        << ", ours " << c.replayed[i].ours << " (" << 100 * e << "%)";
  }
  ASSERT_FALSE(abs.empty());
  std::sort(abs.begin(), abs.end());
  const double median = abs.size() % 2 ? abs[abs.size() / 2] : 0.5 * (abs[abs.size() / 2 - 1] + abs[abs.size() / 2]);
  EXPECT_LE(median, median_limit) << what << ": median |error| " << 100 * median << "%";
}

TEST(Fidelity, ReadsEveryPublishedPoint) {
  EXPECT_EQ(all_points().size(), 115u);
  std::map<std::string, int> per_source;
  for (const auto& p : all_points()) ++per_source[p.source];
  EXPECT_EQ(per_source.size(), 6u);
  EXPECT_EQ(classify(all_points().front()), MetricClass::kOther);  // S1-001: a rate sweep
}

TEST(Fidelity, ProfilesFollowGpuMemoryAndVllmVersion) {
  PublishedPoint p;
  p.gpu = "H100";
  p.vllm_version = "0.19.1";
  EXPECT_EQ(profile_for(p), "llama-3.1-8b-h100");
  p.vllm_version = "0.6.0 (--num-scheduler-steps 10)";
  EXPECT_EQ(profile_for(p), "llama-3.1-8b-h100-vllm0.6");
  p.gpu = "A100";
  p.gpu_mem_gb = 40;
  EXPECT_EQ(profile_for(p), "llama-3.1-8b-a100-40gb");
  p.gpu_mem_gb = 0;
  EXPECT_EQ(profile_for(p), "llama-3.1-8b-a100-80gb");
}

// Decode at concurrency 1 (H100, vLLM 0.19.1): within 15% (median), no point beyond 30%.
TEST(Fidelity, H100DecodeTpotAtConcurrencyOne) {
  expect_within(replay_ids({"S3-001", "S3-003", "S3-005", "S3-007", "S3-009"}), 0.15, 0.30, "H100 ITL c=1");
}

// Output throughput at concurrency 8 (the only published c=8/32 point with fixed lengths).
TEST(Fidelity, H100OutputThroughputAtConcurrencyEight) {
  expect_within(replay_ids({"S3-019"}), 0.15, 0.15, "H100 output tok/s c=8");
}

// TTFT of one request alone: the published points nearest to 16k (10k, 20k) and 32k. No published
// 1k or 4k point survived the data set's checks (bench/fidelity/README.md).
TEST(Fidelity, H100TtftAtConcurrencyOne) {
  expect_within(replay_ids({"S2-001", "S2-002", "S3-010"}), 0.20, 0.20, "H100 TTFT c=1");
}

// A100: no published concurrency-1 or c=8/32 point exists; the nearest are LMBenchmark's ITL at
// QPS 0.1 (mostly one request at a time, A100-40GB) and vLLM 0.6.0's saturated throughput.
TEST(Fidelity, A100DecodeAndThroughput) {
  expect_within(replay_ids({"S5-025", "S5-028", "S1-011", "S1-012"}), 0.15, 0.30, "A100");
}

// LMCache's multi-round TTFT speed-up at moderate load stays inside the published 3-10x.
TEST(Fidelity, LmcacheMultiRoundSpeedupInsidePublishedRange) {
  const Checked c = replay_ids({"S5-009", "S5-012", "S5-010", "S5-013"});
  const auto speedups = lmcache_speedups(c.points, c.replayed);
  ASSERT_EQ(speedups.size(), 2u);
  for (const auto& s : speedups) {
    EXPECT_GE(s.ours, 3.0) << s.id << " at QPS " << s.qps;
    EXPECT_LE(s.ours, 10.0) << s.id << " at QPS " << s.qps;
  }
}

// Every modeled point off by more than 30% has a written reason in docs/SIMULATOR.md ("Points off
// by more than 30%, and why"): vLLM 0.6.0's V0 scheduler at saturation (S1) and the overloaded
// QPS 0.5 multi-round run (S5-003). A new one needs a reason there, and here, or a fix.
TEST(Fidelity, PointsOffByMoreThan30PercentAreTheDocumentedOnes) {
  const std::set<std::string> documented = {"S1-004", "S1-005", "S1-006", "S1-007", "S1-009", "S1-010",
                                            "S1-015", "S1-017", "S1-018", "S1-019", "S1-021", "S5-003"};
  int modeled = 0;
  for (const auto& p : all_points()) {
    const Replayed r = replay(p);
    if (!r.modeled) {
      EXPECT_EQ(p.source, "S6") << p.id << ": " << r.why_not;  // only ShareGPT is not replayed
      continue;
    }
    ++modeled;
    if (std::abs(r.relative_error()) > 0.30) {
      EXPECT_TRUE(documented.count(p.id)) << p.id << " published " << p.value << ", ours " << r.ours << " ("
                                          << 100 * r.relative_error() << "%) has no written reason";
    }
  }
  EXPECT_EQ(modeled, 105);
}

}  // namespace
}  // namespace lmbench::sim::fidelity
