#pragma once
// Client side: the JSON bodies of /v1/completions and /v1/chat/completions requests, and the
// http::Request that carries them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.h"
#include "http/url.h"
#include "openai/chat.h"

namespace lmbench::openai {

enum class Api { kCompletions, kChat };

struct RequestParams {
  Api api = Api::kCompletions;
  std::string model;
  std::string prompt;                 // kCompletions
  std::vector<ChatMessage> messages;  // kChat
  int max_tokens = 0;                 // 0: not sent (the server's default applies)
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;           // vLLM/SGLang extension
  bool ignore_eos = false;            // vLLM extension; sent only when true
  bool stream = true;
  bool include_usage = true;          // stream_options.include_usage (only when streaming)
};

// The request body, e.g. {"model":"m","prompt":"hi","max_tokens":16,"stream":true,
// "stream_options":{"include_usage":true}}.
std::string build_request_body(const RequestParams& params);

// "v1/completions" or "v1/chat/completions".
std::string_view api_path(Api api);

// The URL of `path` ("v1/completions", "v1/models") under a user's base URL. A base that already
// ends in "/v1" is not given a second one: "http://h:8000" and "http://h:8000/v1" are the same.
http::Url api_url(const http::Url& base, std::string_view path);

// POST api_url(base, api_path(params.api)) with the JSON body and `headers` (e.g. x-user-id).
http::Request make_request(const http::Url& base, const RequestParams& params, http::Headers headers = {});

}  // namespace lmbench::openai
