// The Prometheus text parser on arbitrary text: it never crashes, and what it accepts obeys its
// limits and its grammar (every histogram bucket has an `le`).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "telemetry/exposition.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lmbench::telemetry::ParseLimits limits;
  limits.max_samples = 2000;
  auto e = lmbench::telemetry::parse_exposition(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (!e) return 0;
  std::size_t samples = 0;
  for (const auto& f : e->families) {
    for (const auto& s : f.samples) {
      ++samples;
      if (f.type == lmbench::telemetry::MetricType::kHistogram && s.name == f.name + "_bucket" && !s.label("le")) {
        __builtin_trap();
      }
    }
  }
  if (samples > limits.max_samples) __builtin_trap();
  return 0;
}
