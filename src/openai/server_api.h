#pragma once
// Server side, for the simulated engine and the router: request bodies parsed into a struct, and
// the JSON of streamed chunks, whole responses and errors in the shapes vLLM sends. Pure
// functions; SSE framing is http::append_sse_event.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "openai/chat.h"
#include "openai/chunk.h"
#include "openai/request.h"

namespace lmbench::openai {

struct ParsedRequest {
  Api api = Api::kCompletions;
  std::string model;
  std::string prompt;                   // completions: the prompt text ("" when given as tokens)
  std::vector<int> prompt_token_ids;    // completions: a prompt given as a list of token ids
  std::vector<ChatMessage> messages;    // chat; array-of-parts contents are joined text parts
  std::optional<int> max_tokens;        // max_tokens or max_completion_tokens
  int min_tokens = 0;
  bool stream = false;
  bool include_usage = false;           // stream_options.include_usage
  bool continuous_usage_stats = false;  // stream_options.continuous_usage_stats
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;
  bool ignore_eos = false;
  std::vector<std::string> stop;
  std::string user;
  std::string kv_transfer_params;       // raw JSON, "" when absent (passed through by routers)
};

// Parses and validates a body. On failure the error's kind is "invalid_request_error" and
// `*error_param` (when given) names the offending field, for the "param" of the error JSON.
core::Result<ParsedRequest> parse_request(Api api, std::string_view body, std::string* error_param = nullptr);

// Identity of one response, repeated in every chunk.
struct ResponseMeta {
  std::string id;        // "cmpl-..." or "chatcmpl-..."
  std::string model;
  std::int64_t created = 0;  // unix seconds
};

// One streamed chunk of /v1/completions: choices[0].text = text, finish_reason null or given.
std::string completion_chunk(const ResponseMeta& meta, std::string_view text,
                             std::string_view finish_reason = {}, const Usage* usage = nullptr);
// The first chunk of a chat stream: delta {"role":"assistant","content":""}.
std::string chat_role_chunk(const ResponseMeta& meta);
// One streamed chat chunk: delta {"content": text}, finish_reason null or given.
std::string chat_chunk(const ResponseMeta& meta, std::string_view content, std::string_view finish_reason = {},
                       const Usage* usage = nullptr);
// The extra chunk sent with stream_options.include_usage: "choices":[] and "usage".
std::string usage_chunk(Api api, const ResponseMeta& meta, const Usage& usage);
// Whole (non-streamed) answers.
std::string completion_response(const ResponseMeta& meta, std::string_view text, std::string_view finish_reason,
                                 const Usage& usage);
std::string chat_response(const ResponseMeta& meta, std::string_view content, std::string_view finish_reason,
                          const Usage& usage);
// {"error":{"message":...,"type":...,"param":...|null,"code":...}}; `code` is the HTTP status.
std::string error_body(std::string_view message, std::string_view type, int code, std::string_view param = {});

}  // namespace lmbench::openai
