// The client's OpenAI response parsing on arbitrary bytes: parse_chunk on the whole input (the
// JSON of one streamed chunk or one whole answer), then StreamParser on it as a response body
// split where the input says, with small limits so the limit paths are reached. It never
// crashes, the answer it keeps stays within its limit, and a success carries no error kind.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/clock.h"
#include "openai/chunk.h"
#include "openai/stream.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  lmbench::openai::Chunk chunk;
  std::string why;
  if (!lmbench::openai::parse_chunk(body, chunk, &why) && why.empty()) __builtin_trap();

  lmbench::openai::StreamLimits limits;
  limits.max_line_bytes = 64 + mode * 8;
  limits.max_event_bytes = 128 + mode * 16;
  limits.max_answer_bytes = 32 + mode * 4;
  lmbench::openai::StreamParser parser(limits);
  // Mostly a 200 stream; sometimes a JSON answer or an error status, whose bodies take the
  // whole-response path.
  const int status = (mode & 0xc0) == 0xc0 ? 500 : 200;
  parser.on_head(status, (mode & 0x30) == 0x30 ? "application/json" : "text/event-stream");
  lmbench::core::TimePoint t{};
  std::string_view rest = body;
  std::size_t step = 1 + mode % 23;
  while (!rest.empty()) {
    const auto piece = rest.substr(0, step);
    rest.remove_prefix(piece.size());
    parser.on_body(piece, t);
    t += std::chrono::milliseconds(1);
    step = step * 5 % 31 + 1;
  }
  const auto& r = parser.finish(nullptr, t);
  if (r.text.size() > limits.max_answer_bytes && status == 200 && (mode & 0x30) != 0x30) __builtin_trap();
  if (r.ok && !r.error.kind.empty()) __builtin_trap();
  if (!r.ok && r.error.kind.empty()) __builtin_trap();
  return 0;
}
