// The simulator against published vLLM measurements (issue 24): replays every point of
// bench/fidelity/published_measurements.csv that the simulator can model on the matching built-in
// profile, in the engine's virtual time (sim/fidelity.h: closed loop, Poisson rate, single
// requests, CPU-tier loads, prefix-cache and LMCache multi-round setups), and prints per point the
// published figure, ours and the relative error, then LMCache's multi-round speed-ups and a
// summary per GPU and metric class (median absolute relative error, worst point).
//
// Usage: bench_sim_external_fidelity [--markdown] [--csv path]
//   --markdown  print the tables as markdown (docs/SIMULATOR.md pastes this output)
// Deterministic: the same binary prints the same numbers. Takes about a minute on one core.

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "sim/fidelity.h"

namespace {

using namespace lmbench::sim::fidelity;

std::string workload(const PublishedPoint& p) {
  char buf[160];
  std::string shape;
  if (p.input_len > 0) {
    std::snprintf(buf, sizeof buf, "%d in", p.input_len);
    shape = buf;
    if (p.output_len > 0) {
      std::snprintf(buf, sizeof buf, " / %d out", p.output_len);
      shape += buf;
    }
  } else {
    shape = "ShareGPT";
  }
  if (p.concurrency > 0) {
    std::snprintf(buf, sizeof buf, ", c=%d", p.concurrency);
    shape += buf;
  } else if (std::isinf(p.request_rate)) {
    shape += ", rate inf";
  } else if (p.request_rate > 0) {
    std::snprintf(buf, sizeof buf, ", %s %g", p.source == "S5" ? "QPS" : "rate", p.request_rate);
    shape += buf;
  }
  if (p.source == "S5") shape += p.notes.find("with LMCache") != std::string::npos ? ", LMCache" : ", no LMCache";
  if (p.metric == "prompt_throughput_tok_s") {
    const auto at = p.notes.find("CPU hit rate ");
    shape += at != std::string::npos ? ", CPU hit " + p.notes.substr(at + 13, p.notes.find('%', at) - at - 12)
                                     : ", no connector";
  }
  if (p.metric == "prefix_cache_throughput_speedup") {
    const auto at = p.notes.find("hit rate ");
    if (at != std::string::npos) shape += ", hit " + p.notes.substr(at + 9, p.notes.find('%', at) - at - 8);
  }
  return shape;
}

std::string version(const std::string& v) {
  const auto cut = v.find_first_of(" (");
  return cut == std::string::npos ? v : v.substr(0, cut);
}

}  // namespace

int main(int argc, char** argv) {
  bool markdown = false;
  std::string csv = std::string(LMBENCH_SOURCE_DIR) + "/bench/fidelity/published_measurements.csv";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--markdown") == 0) {
      markdown = true;
    } else if (std::strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
      csv = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--markdown] [--csv path]\n", argv[0]);
      return 2;
    }
  }
  std::vector<PublishedPoint> points;
  try {
    points = read_published(csv);
  } catch (const lmbench::core::ConfigError& e) {
    std::fprintf(stderr, "bench_sim_external_fidelity: %s\n", e.what());
    return 1;
  }
  std::vector<Replayed> replayed;
  for (const auto& p : points) replayed.push_back(replay(p));

  if (markdown) {
    std::printf("| id | GPU | vLLM | profile | workload | metric | published | ours | error |\n");
    std::printf("|---|---|---|---|---|---|---:|---:|---:|\n");
  } else {
    std::printf("%-8s %-4s %-8s %-26s %-44s %-26s %10s %10s %8s\n", "id", "GPU", "vLLM", "profile", "workload",
                "metric", "published", "ours", "error");
  }
  int modeled = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    const auto& r = replayed[i];
    const std::string gpu = p.gpu + (p.gpu_mem_gb ? "-" + std::to_string(p.gpu_mem_gb) : "");
    if (!r.modeled) {
      if (markdown) {
        std::printf("| %s | %s | %s | - | %s | %s | %g | - | not modeled: %s |\n", p.id.c_str(), gpu.c_str(),
                    version(p.vllm_version).c_str(), workload(p).c_str(), p.metric.c_str(), p.value, r.why_not.c_str());
      } else {
        std::printf("%-8s %-4s %-8s %-26s %-44s %-26s %10g %10s  not modeled: %s\n", p.id.c_str(), p.gpu.c_str(),
                    version(p.vllm_version).c_str(), "-", workload(p).c_str(), p.metric.c_str(), p.value, "-",
                    r.why_not.c_str());
      }
      continue;
    }
    ++modeled;
    if (markdown) {
      std::printf("| %s | %s | %s | %s | %s | %s | %.4g | %.4g | %+.1f%% |\n", p.id.c_str(), gpu.c_str(),
                  version(p.vllm_version).c_str(), r.profile.c_str(), workload(p).c_str(), p.metric.c_str(), p.value,
                  r.ours, 100 * r.relative_error());
    } else {
      std::printf("%-8s %-4s %-8s %-26s %-44s %-26s %10.4g %10.4g %+7.1f%%\n", p.id.c_str(), p.gpu.c_str(),
                  version(p.vllm_version).c_str(), r.profile.c_str(), workload(p).c_str(), p.metric.c_str(), p.value,
                  r.ours, 100 * r.relative_error());
    }
  }
  std::printf("\n%d of %zu points modeled.\n\n", modeled, points.size());

  const auto speedups = lmcache_speedups(points, replayed);
  if (markdown) {
    std::printf("LMCache multi-round TTFT speed-up (without / with LMCache):\n\n");
    std::printf("| pair | vLLM | profile | QPS | published | ours | error | load |\n|---|---|---|---:|---:|---:|---:|---|\n");
  } else {
    std::printf("LMCache multi-round TTFT speed-up (without / with LMCache):\n");
    std::printf("%-16s %-8s %-26s %5s %10s %10s %8s  %s\n", "pair", "vLLM", "profile", "QPS", "published", "ours", "error",
                "load");
  }
  for (const auto& s : speedups) {
    if (markdown) {
      std::printf("| %s | %s | %s | %g | %.2fx | %.2fx | %+.1f%% | %s |\n", s.id.c_str(),
                  version(s.vllm_version).c_str(), s.profile.c_str(), s.qps, s.published, s.ours,
                  100 * s.relative_error(), s.overloaded ? "overloaded" : "moderate");
    } else {
      std::printf("%-16s %-8s %-26s %5g %9.2fx %9.2fx %+7.1f%%  %s\n", s.id.c_str(), version(s.vllm_version).c_str(),
                  s.profile.c_str(), s.qps, s.published, s.ours, 100 * s.relative_error(),
                  s.overloaded ? "overloaded" : "moderate");
    }
  }

  const auto summary = summarize(points, replayed, speedups);
  if (markdown) {
    std::printf("\nSummary per GPU and metric class:\n\n");
    std::printf("| GPU | metric class | points | median abs error | worst point |\n|---|---|---:|---:|---|\n");
  } else {
    std::printf("\nSummary per GPU and metric class:\n");
    std::printf("%-10s %-30s %6s %17s  %s\n", "GPU", "metric class", "points", "median abs error", "worst point");
  }
  for (const auto& g : summary) {
    if (markdown) {
      std::printf("| %s | %s | %d | %.1f%% | %s (%+.1f%%) |\n", g.group.c_str(), metric_class_name(g.metric_class),
                  g.points, 100 * g.median_abs_error, g.worst_id.c_str(), 100 * g.worst_error);
    } else {
      std::printf("%-10s %-30s %6d %16.1f%%  %s (%+.1f%%)\n", g.group.c_str(), metric_class_name(g.metric_class),
                  g.points, 100 * g.median_abs_error, g.worst_id.c_str(), 100 * g.worst_error);
    }
  }
  // The targets of issue 24 for which the data set has no point on a GPU.
  std::printf(markdown ? "\nTargets without a published point:\n\n" : "\nTargets without a published point:\n");
  for (const char* group : {"A100-80GB", "A100-40GB", "H100"}) {
    for (const auto c : {MetricClass::kTpotC1, MetricClass::kThroughputC8C32, MetricClass::kTtftC1}) {
      bool found = false;
      for (const auto& g : summary) found = found || (g.group == group && g.metric_class == c);
      if (!found) std::printf("%s%-10s %s\n", markdown ? "- " : "  ", group, metric_class_name(c));
    }
  }
  return 0;
}
