#include "router/request_fields.h"

#include <simdjson.h>

#include "openai/json_text.h"

namespace lmbench::router {

namespace sj = simdjson;

namespace {

void append_text_of(std::string& out, const sj::dom::element& content) {
  std::string_view s;
  if (content.get_string().get(s) == sj::SUCCESS) {
    out += s;
    return;
  }
  sj::dom::array parts;
  if (content.get_array().get(parts) != sj::SUCCESS) return;
  for (const auto part : parts) {
    if (part.at_key("text").get_string().get(s) == sj::SUCCESS) out += s;
  }
}

}  // namespace

core::Result<RequestFields> parse_request_fields(std::string_view body, bool chat, std::string_view session_key,
                                                 std::string_view session_header, FieldsWanted wanted) {
  // The router calls this from its one proxy thread; a parser keeps its buffers between calls.
  thread_local sj::dom::parser parser;
  sj::dom::element root;
  if (parser.parse(body.data(), body.size(), true).get(root) != sj::SUCCESS) {
    return core::Error{"invalid_request", "the request body is not valid JSON"};
  }
  sj::dom::object obj;
  if (root.get_object().get(obj) != sj::SUCCESS) {
    return core::Error{"invalid_request", "the request body must be a JSON object"};
  }
  RequestFields f;
  if (chat) {
    sj::dom::array messages;
    if (obj.at_key("messages").get_array().get(messages) != sj::SUCCESS) {
      return core::Error{"invalid_request", "'messages' must be a list"};
    }
    if (wanted.prompt) {
      bool first = true;
      for (const auto m : messages) {
        if (!m.is_object()) continue;
        if (!first) f.prompt += '\n';
        first = false;
        sj::dom::element c;
        if (m.at_key("content").get(c) == sj::SUCCESS) append_text_of(f.prompt, c);
      }
    }
    if (wanted.lookup_body) f.lookup_body = "{\"messages\":" + sj::minify(messages) + "}";
  } else {
    sj::dom::element prompt;
    if (obj.at_key("prompt").get(prompt) != sj::SUCCESS) return core::Error{"invalid_request", "'prompt' is required"};
    std::string text;
    if (wanted.prompt || wanted.lookup_body) {
      std::string_view s;
      sj::dom::array list;
      if (prompt.get_string().get(s) == sj::SUCCESS) {
        text = s;
      } else if (prompt.get_array().get(list) == sj::SUCCESS) {
        bool first = true;
        for (const auto p : list) {
          if (!first) text += '\n';
          first = false;
          if (p.get_string().get(s) == sj::SUCCESS) text += s;
        }
      }
    }
    if (wanted.lookup_body) {
      f.lookup_body = "{\"prompt\":";
      openai::append_json_string(f.lookup_body, text);
      f.lookup_body += '}';
    }
    if (wanted.prompt) f.prompt = std::move(text);
  }
  if (!session_key.empty()) {
    if (!session_header.empty()) {
      f.session_id = std::string(session_header);
    } else {
      sj::dom::element s;
      std::string_view str;
      if (obj.at_key(session_key).get(s) == sj::SUCCESS) {
        if (s.get_string().get(str) == sj::SUCCESS) {
          f.session_id = std::string(str);
        } else if (s.is_number()) {
          f.session_id = sj::minify(s);
        }
      }
    }
  }
  return f;
}

}  // namespace lmbench::router
