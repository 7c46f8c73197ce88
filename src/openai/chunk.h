#pragma once
// Parsing of one OpenAI response object: a streamed chunk (the JSON of one SSE "data:" event) or
// a whole non-streamed response. This is the client's hot path (one call per token), so it is a
// strict single-pass JSON scanner that extracts only the fields below and validates the rest
// without building a DOM. tests/openai/chunk_test.cc checks it against nlohmann::json.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lmbench::openai {

struct Usage {
  int prompt_tokens = 0;
  int completion_tokens = 0;
  int total_tokens = 0;
  // usage.prompt_tokens_details.cached_tokens: prompt tokens served from the prefix cache (GPU
  // or an external tier such as LMCache), when the server reports it.
  std::optional<int> cached_tokens;
  bool operator==(const Usage&) const = default;
};

struct ChunkError {
  std::string message;
  std::string type;
  std::string code;  // as text: "400", "context_length_exceeded", "" when absent/null
};

struct Chunk {
  // From the first element of "choices": "text" (completions), "delta.content" (chat streams)
  // or "message.content" (chat, non-streamed). Decoded from JSON escapes.
  std::string content;
  // "delta.reasoning_content" (reasoning models). Counts as output for timing, not as text.
  std::string reasoning;
  std::string finish_reason;  // "" when null or absent
  bool has_choices = false;   // "choices" had at least one element
  std::optional<Usage> usage;  // "usage" when it is an object
  // {"error":{...}} or vLLM's older {"object":"error","message":...}.
  std::optional<ChunkError> error;
};

// Parses `json` into `out` (reset first). Returns false, with `why` set, when the text is not a
// single valid JSON object.
bool parse_chunk(std::string_view json, Chunk& out, std::string* why = nullptr);

// Bytes of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates) that `s`
// starts with: 1 for ASCII, 0 when `s` is empty or starts with a byte that begins none.
std::size_t utf8_sequence_length(std::string_view s);

// `s` made valid UTF-8: every byte that begins no well-formed sequence is written as \xNN. For
// bytes a server sent that end up in a record (an error message's excerpt, a header value),
// which is written as JSON (run files, the fleet's wire format) and JSON text must be UTF-8.
std::string escape_invalid_utf8(std::string_view s);

}  // namespace lmbench::openai
