// The SSE decoder on arbitrary bytes, fed in pieces split where the input says, with small
// limits so the limit paths are reached: it never crashes, never gives back an event larger
// than its limit, and once it refuses it stays refused.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/sse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  lmbench::http::SseLimits limits;
  limits.max_line_bytes = 64 + data[0] * 4;
  limits.max_event_bytes = 128 + data[0] * 8;
  lmbench::http::SseDecoder decoder(limits);
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  bool refused = false;
  std::size_t step = 1 + data[0] % 17;
  while (!rest.empty()) {
    const auto piece = rest.substr(0, step);
    rest.remove_prefix(piece.size());
    const bool ok = decoder.feed(piece, [&](const lmbench::http::SseEvent& e) {
      if (e.data.size() > limits.max_event_bytes) __builtin_trap();
    });
    if (refused && ok) __builtin_trap();
    refused = refused || !ok;
    step = step * 3 % 29 + 1;
  }
  return 0;
}
