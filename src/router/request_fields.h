#pragma once
// What the policies need from an OpenAI request body, read once per request. The body is always
// parsed (a malformed one is a 400, as production-stack's router answers), but the prompt and
// the lookup body are only built for the policies that use them: a multi-round chat request is
// 100 KB, and the router's own time is part of every TTFT it serves.

#include <string>
#include <string_view>

#include "core/error.h"

namespace lmbench::router {

struct RequestFields {
  // Completion `prompt` (a string; a list of strings joined with '\n'), or the chat message
  // contents joined with '\n' (text parts of multi-part contents concatenated). Roles and the
  // chat template are ignored, as production-stack does. "" unless wanted.
  std::string prompt;
  // The session key's value from the header, else from the body field of the same name
  // (string or number). "" when absent or no key is configured.
  std::string session_id;
  // The body for an engine's POST /lmbench/cache_lookup: {"prompt":...} or {"messages":...}.
  // "" unless wanted.
  std::string lookup_body;
};

struct FieldsWanted {
  bool prompt = true;
  bool lookup_body = true;
};

// `body` must be a JSON object with `messages` (chat) or `prompt`; otherwise an error of kind
// "invalid_request" saying why.
core::Result<RequestFields> parse_request_fields(std::string_view body, bool chat, std::string_view session_key,
                                                 std::string_view session_header, FieldsWanted wanted = {});

}  // namespace lmbench::router
