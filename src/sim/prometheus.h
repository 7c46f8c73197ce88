#pragma once
// GET /metrics of the simulated engine: Prometheus text exposition format 0.0.4 with vLLM's metric
// names (SIMULATOR.md §2.6, vllm/v1/metrics/loggers.py), including the deprecated names the
// production-stack scraper still reads (vllm:gpu_cache_usage_perc,
// vllm:gpu_prefix_cache_{queries,hits}_total). Every sample carries the labels
// {engine, model_name}; counters are written with their `_total` suffix in HELP/TYPE and sample
// (as prometheus_client does). Latency histograms are in the model's time (seconds at time
// scale 1), the way the engine observed them, whatever --time-scale the server runs at.

#include <string>

#include "sim/engine.h"

namespace lmbench::sim {

struct MetricsLabels {
  std::string model_name;
  int engine = 0;
};

// `engine="0",model_name="..."`: the labels every sample carries, escaped.
std::string label_text(const MetricsLabels& labels);

// The whole /metrics body for `engine` (the caller holds whatever lock guards it).
std::string render_prometheus(const Engine& engine, const MetricsLabels& labels);

}  // namespace lmbench::sim
