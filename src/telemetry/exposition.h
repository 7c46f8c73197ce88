#pragma once
// The Prometheus text exposition format 0.0.4 (what vLLM, SGLang, the production-stack router
// and `lmbench sim` serve on /metrics), parsed into metric families.
//
// Grammar handled: `# HELP name text` (escapes \\ and \n), `# TYPE name counter|gauge|histogram|
// summary|untyped`, other `#` lines ignored; samples `name{label="value",...} value [timestamp]`
// with label values escaped (\\, \", \n), an optional trailing comma in the label set, values as
// Go parses them (NaN, +Inf, -Inf, exponents) and an optional integer timestamp in milliseconds.
// A histogram family owns its `_bucket`, `_sum` and `_count` samples, a summary its quantile
// samples, `_sum` and `_count`; a sample of no declared family is an untyped family of its own.
// Errors name the line and column: "line 12, column 7: expected '=' after label name 'le'".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace lmbench::telemetry {

enum class MetricType { kCounter, kGauge, kHistogram, kSummary, kUntyped };
const char* to_string(MetricType type);

using Labels = std::vector<std::pair<std::string, std::string>>;  // in the order written

struct Sample {
  std::string name;  // as written, e.g. vllm:time_to_first_token_seconds_bucket
  Labels labels;
  double value = 0;
  std::optional<std::int64_t> timestamp_ms;
  // The value of label `key`, or nullopt.
  std::optional<std::string_view> label(std::string_view key) const;
};

struct Family {
  std::string name;
  MetricType type = MetricType::kUntyped;
  std::string help;
  std::vector<Sample> samples;
};

struct Exposition {
  std::vector<Family> families;  // in the order first seen
  const Family* find(std::string_view name) const;
};

// Lines longer than this, or a text with more samples than max_samples, are errors (a hostile or
// broken server cannot make the scraper hold unbounded memory).
struct ParseLimits {
  std::size_t max_line = 64 * 1024;
  std::size_t max_samples = 200'000;
};

core::Result<Exposition> parse_exposition(std::string_view text, const ParseLimits& limits = {});

// `labels` without `drop` (e.g. "le" or "quantile"), as `k="v",...` for display and grouping.
std::string label_key(const Labels& labels, std::string_view drop = {});

}  // namespace lmbench::telemetry
