// A Mooncake-format trace file (JSONL) on arbitrary text: it is read or refused with a
// ConfigError, never a crash, and what is read respects the length cap.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "workloads/trace_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lmbench::workloads::TraceOptions options;
  options.max_tokens = 4096;
  try {
    const auto trace = lmbench::workloads::parse_trace(std::string_view(reinterpret_cast<const char*>(data), size),
                                                       "fuzz.jsonl", options);
    for (const auto& e : trace.entries) {
      if (e.input_length > options.max_tokens || e.output_length > options.max_tokens) __builtin_trap();
    }
  } catch (const lmbench::core::ConfigError&) {
  }
  return 0;
}
