#include "openai/server_api.h"

#include <nlohmann/json.hpp>

#include "openai/json_text.h"

namespace lmbench::openai {

namespace {

using nlohmann::json;

struct BadRequest {
  std::string param;
  std::string message;
};

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "a number";
  }
}

[[noreturn]] void bad(const std::string& param, const std::string& expected, const json& found) {
  throw BadRequest{param, "'" + param + "' must be " + expected + ", found " + type_name(found)};
}

std::optional<int> get_int(const json& body, const char* key, int min_value) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() && !(it->is_number_float() && it->get<double>() == static_cast<int>(it->get<double>()))) {
    bad(key, "an integer", *it);
  }
  const long long v = it->is_number_integer() ? it->get<long long>() : static_cast<long long>(it->get<double>());
  if (v < min_value || v > 2147483647LL) {
    throw BadRequest{key, "'" + std::string(key) + "' must be at least " + std::to_string(min_value) + ", found " +
                              std::to_string(v)};
  }
  return static_cast<int>(v);
}

std::optional<double> get_double(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) bad(key, "a number", *it);
  return it->get<double>();
}

bool get_bool(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean()) bad(key, "a boolean", *it);
  return it->get<bool>();
}

std::string message_content(const json& content, std::size_t index) {
  const std::string param = "messages[" + std::to_string(index) + "].content";
  if (content.is_null()) return {};
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) bad(param, "a string or an array of parts", content);
  std::string out;
  for (const auto& part : content) {
    if (!part.is_object()) bad(param, "an array of objects", part);
    auto t = part.find("text");
    if (t != part.end() && t->is_string()) {
      if (!out.empty()) out.push_back('\n');
      out += t->get<std::string>();
    }
  }
  return out;
}

ParsedRequest parse_or_throw(Api api, std::string_view body) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    throw BadRequest{"", std::string("request body is not valid JSON: ") + e.what()};
  }
  if (!j.is_object()) throw BadRequest{"", std::string("request body must be a JSON object, found ") + type_name(j)};
  ParsedRequest r;
  r.api = api;
  if (auto it = j.find("model"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) bad("model", "a string", *it);
    r.model = it->get<std::string>();
  }
  if (api == Api::kCompletions) {
    auto it = j.find("prompt");
    if (it == j.end()) throw BadRequest{"prompt", "'prompt' is required"};
    if (it->is_string()) {
      r.prompt = it->get<std::string>();
    } else if (it->is_array() && !it->empty() && (*it)[0].is_string()) {
      if (it->size() != 1) throw BadRequest{"prompt", "'prompt' as a list of several prompts is not supported"};
      r.prompt = (*it)[0].get<std::string>();
    } else if (it->is_array()) {
      for (const auto& t : *it) {
        if (!t.is_number_integer()) bad("prompt", "a string or a list of token ids", t);
        r.prompt_token_ids.push_back(t.get<int>());
      }
    } else {
      bad("prompt", "a string or a list of token ids", *it);
    }
  } else {
    auto it = j.find("messages");
    if (it == j.end()) throw BadRequest{"messages", "'messages' is required"};
    if (!it->is_array()) bad("messages", "an array", *it);
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& m = (*it)[i];
      if (!m.is_object()) bad("messages[" + std::to_string(i) + "]", "an object", m);
      ChatMessage msg;
      auto role = m.find("role");
      if (role == m.end() || !role->is_string()) {
        throw BadRequest{"messages[" + std::to_string(i) + "].role", "every message needs a string 'role'"};
      }
      msg.role = role->get<std::string>();
      if (auto c = m.find("content"); c != m.end()) msg.content = message_content(*c, i);
      r.messages.push_back(std::move(msg));
    }
  }
  r.max_tokens = get_int(j, "max_tokens", 1);
  if (auto m = get_int(j, "max_completion_tokens", 1)) r.max_tokens = m;
  r.min_tokens = get_int(j, "min_tokens", 0).value_or(0);
  r.stream = get_bool(j, "stream");
  if (auto it = j.find("stream_options"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) bad("stream_options", "an object", *it);
    r.include_usage = get_bool(*it, "include_usage");
    r.continuous_usage_stats = get_bool(*it, "continuous_usage_stats");
  }
  r.temperature = get_double(j, "temperature");
  r.top_p = get_double(j, "top_p");
  if (auto it = j.find("top_k"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer()) bad("top_k", "an integer", *it);
    r.top_k = it->get<int>();
  }
  r.ignore_eos = get_bool(j, "ignore_eos");
  if (auto it = j.find("stop"); it != j.end() && !it->is_null()) {
    if (it->is_string()) {
      r.stop.push_back(it->get<std::string>());
    } else if (it->is_array()) {
      for (const auto& s : *it) {
        if (!s.is_string()) bad("stop", "a string or a list of strings", s);
        r.stop.push_back(s.get<std::string>());
      }
    } else {
      bad("stop", "a string or a list of strings", *it);
    }
  }
  if (auto it = j.find("user"); it != j.end() && it->is_string()) r.user = it->get<std::string>();
  if (auto it = j.find("kv_transfer_params"); it != j.end() && !it->is_null()) r.kv_transfer_params = it->dump();
  return r;
}

void append_head(std::string& out, const ResponseMeta& meta, std::string_view object) {
  out += "{\"id\":";
  append_json_string(out, meta.id);
  out += ",\"object\":\"";
  out += object;
  out += "\",\"created\":";
  out += std::to_string(meta.created);
  out += ",\"model\":";
  append_json_string(out, meta.model);
}

void append_finish(std::string& out, std::string_view finish_reason) {
  out += ",\"finish_reason\":";
  if (finish_reason.empty()) {
    out += "null";
  } else {
    append_json_string(out, finish_reason);
  }
}

void append_usage(std::string& out, const Usage& u) {
  out += "\"usage\":{\"prompt_tokens\":" + std::to_string(u.prompt_tokens) +
         ",\"total_tokens\":" + std::to_string(u.total_tokens) +
         ",\"completion_tokens\":" + std::to_string(u.completion_tokens);
  if (u.cached_tokens) out += ",\"prompt_tokens_details\":{\"cached_tokens\":" + std::to_string(*u.cached_tokens) + "}";
  out += "}";
}

void append_tail(std::string& out, const Usage* usage) {
  out += "]";
  if (usage) {
    out.push_back(',');
    append_usage(out, *usage);
  }
  out.push_back('}');
}

}  // namespace

core::Result<ParsedRequest> parse_request(Api api, std::string_view body, std::string* error_param) {
  try {
    return parse_or_throw(api, body);
  } catch (const BadRequest& e) {
    if (error_param) *error_param = e.param;
    return core::Error{"invalid_request_error", e.message};
  } catch (const json::exception& e) {
    if (error_param) error_param->clear();
    return core::Error{"invalid_request_error", std::string("invalid request: ") + e.what()};
  }
}

std::string completion_chunk(const ResponseMeta& meta, std::string_view text, std::string_view finish_reason,
                             const Usage* usage) {
  std::string out;
  out.reserve(160 + text.size());
  append_head(out, meta, "text_completion");
  out += ",\"choices\":[{\"index\":0,\"text\":";
  append_json_string(out, text);
  out += ",\"logprobs\":null";
  append_finish(out, finish_reason);
  out += ",\"stop_reason\":null}";
  append_tail(out, usage);
  return out;
}

std::string chat_role_chunk(const ResponseMeta& meta) {
  std::string out;
  append_head(out, meta, "chat.completion.chunk");
  out += ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
         "\"finish_reason\":null}]}";
  return out;
}

std::string chat_chunk(const ResponseMeta& meta, std::string_view content, std::string_view finish_reason,
                       const Usage* usage) {
  std::string out;
  out.reserve(160 + content.size());
  append_head(out, meta, "chat.completion.chunk");
  out += ",\"choices\":[{\"index\":0,\"delta\":{\"content\":";
  append_json_string(out, content);
  out += "},\"logprobs\":null";
  append_finish(out, finish_reason);
  out.push_back('}');
  append_tail(out, usage);
  return out;
}

std::string usage_chunk(Api api, const ResponseMeta& meta, const Usage& usage) {
  std::string out;
  append_head(out, meta, api == Api::kChat ? "chat.completion.chunk" : "text_completion");
  out += ",\"choices\":[],";
  append_usage(out, usage);
  out.push_back('}');
  return out;
}

std::string completion_response(const ResponseMeta& meta, std::string_view text, std::string_view finish_reason,
                                const Usage& usage) {
  std::string out;
  append_head(out, meta, "text_completion");
  out += ",\"choices\":[{\"index\":0,\"text\":";
  append_json_string(out, text);
  out += ",\"logprobs\":null";
  append_finish(out, finish_reason);
  out += ",\"stop_reason\":null}],";
  append_usage(out, usage);
  out.push_back('}');
  return out;
}

std::string chat_response(const ResponseMeta& meta, std::string_view content, std::string_view finish_reason,
                          const Usage& usage) {
  std::string out;
  append_head(out, meta, "chat.completion");
  out += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":";
  append_json_string(out, content);
  out += "},\"logprobs\":null";
  append_finish(out, finish_reason);
  out += ",\"stop_reason\":null}],";
  append_usage(out, usage);
  out.push_back('}');
  return out;
}

std::string error_body(std::string_view message, std::string_view type, int code, std::string_view param) {
  std::string out = "{\"error\":{\"message\":";
  append_json_string(out, message);
  out += ",\"type\":";
  append_json_string(out, type);
  out += ",\"param\":";
  if (param.empty()) {
    out += "null";
  } else {
    append_json_string(out, param);
  }
  out += ",\"code\":" + std::to_string(code) + "}}";
  return out;
}

}  // namespace lmbench::openai
