#pragma once
// GET /v1/models: the served model names, to discover or check the model before a run.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "http/client.h"

namespace lmbench::openai {

struct ModelCard {
  std::string id;
  std::string owned_by;
  std::string root;
  std::string parent;        // "" for a base model; the base model for a LoRA adapter
  int max_model_len = 0;     // 0 when not reported
  std::int64_t created = 0;
  bool operator==(const ModelCard&) const = default;
};

// Parses {"object":"list","data":[{"id":...},...]}. Errors have kind "malformed".
core::Result<std::vector<ModelCard>> parse_models(std::string_view body);
// The body a server sends for `models` (vLLM's shape).
std::string models_body(const std::vector<ModelCard>& models);

// GET <base>/v1/models with the client options (auth, TLS). Failures: the http client's kinds,
// "http_<status>", "malformed".
core::Result<std::vector<ModelCard>> fetch_models(const http::Url& base, const core::Clock& clock,
                                                  const http::ClientOptions& options = {});

// Checks that `model` is served; when `model` is empty, picks the first one. Returns the model
// name to use, or an error of kind "model" listing what the server offers.
core::Result<std::string> resolve_model(const std::vector<ModelCard>& served, std::string_view model);

}  // namespace lmbench::openai
