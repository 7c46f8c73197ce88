#include "router/request_fields.h"

#include <nlohmann/json.hpp>

namespace lmbench::router {

using json = nlohmann::json;

namespace {

std::string text_of(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (part.is_object() && part.contains("text") && part["text"].is_string()) out += part["text"].get<std::string>();
    }
  }
  return out;
}

}  // namespace

core::Result<RequestFields> parse_request_fields(std::string_view body, bool chat, std::string_view session_key,
                                                 std::string_view session_header) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return core::Error{"invalid_request", "the request body is not valid JSON"};
  if (!j.is_object()) return core::Error{"invalid_request", "the request body must be a JSON object"};
  RequestFields f;
  if (chat) {
    const auto it = j.find("messages");
    if (it == j.end() || !it->is_array()) return core::Error{"invalid_request", "'messages' must be a list"};
    bool first = true;
    for (const auto& m : *it) {
      if (!m.is_object()) continue;
      const auto c = m.find("content");
      if (!first) f.prompt += '\n';
      first = false;
      if (c != m.end()) f.prompt += text_of(*c);
    }
    f.lookup_body = json{{"messages", *it}}.dump(-1, ' ', false, json::error_handler_t::replace);
  } else {
    const auto it = j.find("prompt");
    if (it != j.end() && it->is_string()) {
      f.prompt = it->get<std::string>();
    } else if (it != j.end() && it->is_array()) {
      for (std::size_t i = 0; i < it->size(); ++i) {
        if (i) f.prompt += '\n';
        if ((*it)[i].is_string()) f.prompt += (*it)[i].get<std::string>();
      }
    } else if (it == j.end()) {
      return core::Error{"invalid_request", "'prompt' is required"};
    }
    f.lookup_body = json{{"prompt", f.prompt}}.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (!session_key.empty()) {
    if (!session_header.empty()) {
      f.session_id = std::string(session_header);
    } else if (const auto s = j.find(std::string(session_key)); s != j.end()) {
      if (s->is_string()) f.session_id = s->get<std::string>();
      else if (s->is_number()) f.session_id = s->dump();
    }
  }
  return f;
}

}  // namespace lmbench::router
