#pragma once
// What the policies need from an OpenAI request body, read once per request.

#include <string>
#include <string_view>

#include "core/error.h"

namespace lmbench::router {

struct RequestFields {
  // Completion `prompt` (a string; a list of strings joined with '\n'), or the chat message
  // contents joined with '\n' (text parts of multi-part contents concatenated). Roles and the
  // chat template are ignored, as production-stack does.
  std::string prompt;
  // The session key's value from the header, else from the body field of the same name
  // (string or number). "" when absent or no key is configured.
  std::string session_id;
  // The body for an engine's POST /lmbench/cache_lookup: {"prompt":...} or {"messages":...}.
  std::string lookup_body;
};

// `body` must be a JSON object; otherwise an error of kind "invalid_request" saying why.
core::Result<RequestFields> parse_request_fields(std::string_view body, bool chat, std::string_view session_key,
                                                 std::string_view session_header);

}  // namespace lmbench::router
