#include "openai/server_api.h"

#include <simdjson.h>

#include <cmath>
#include <limits>

#include "openai/json_text.h"

namespace lmbench::openai {

namespace {

// Request bodies are parsed with simdjson: a multi-round prompt is 100 KB of JSON, and the
// simulator's request path (parse + tokenize) must stay well inside the frontend delay it models
// even at a high time scale. Every number is range-checked before it is converted: a request
// with {"max_tokens": 1e20} or a 64-bit token id is a 400 naming the field, never a wrapped value.
namespace sj = simdjson;
using Element = sj::dom::element;

struct BadRequest {
  std::string param;
  std::string message;
};

const char* type_name(const Element& v) {
  switch (v.type()) {
    case sj::dom::element_type::NULL_VALUE: return "null";
    case sj::dom::element_type::BOOL: return "a boolean";
    case sj::dom::element_type::STRING: return "a string";
    case sj::dom::element_type::ARRAY: return "an array";
    case sj::dom::element_type::OBJECT: return "an object";
    default: return "a number";
  }
}

[[noreturn]] void bad(const std::string& param, const std::string& expected, const Element& found) {
  throw BadRequest{param, "'" + param + "' must be " + expected + ", found " + type_name(found)};
}

// The field, or nullopt when absent or null.
std::optional<Element> field(const sj::dom::object& obj, std::string_view key) {
  Element v;
  if (obj.at_key(key).get(v) != sj::SUCCESS || v.is_null()) return std::nullopt;
  return v;
}

// An integral number within [min_value, max_value] (a float with an integral value is accepted,
// as Python's clients send 8.0); anything else is a BadRequest naming `param`.
long long integral(const Element& v, const std::string& param, long long min_value, long long max_value) {
  long long out = 0;
  std::int64_t i64 = 0;
  double d = 0;
  if (v.get_int64().get(i64) == sj::SUCCESS) {
    out = i64;
  } else if (v.is_uint64()) {
    out = std::numeric_limits<long long>::max();  // beyond any range asked for
  } else if (v.is_double() && v.get_double().get(d) == sj::SUCCESS) {
    if (!std::isfinite(d) || d != std::floor(d)) bad(param, "an integer", v);
    if (d < static_cast<double>(min_value) || d > static_cast<double>(max_value)) {
      throw BadRequest{param, "'" + param + "' must be between " + std::to_string(min_value) + " and " +
                                  std::to_string(max_value) + ", found " + sj::to_string(v)};
    }
    out = static_cast<long long>(d);
  } else {
    bad(param, "an integer", v);
  }
  if (out < min_value || out > max_value) {
    throw BadRequest{param, "'" + param + "' must be " +
                                (max_value == std::numeric_limits<int>::max() ? "at least " + std::to_string(min_value)
                                                                              : "between " + std::to_string(min_value) +
                                                                                    " and " + std::to_string(max_value)) +
                                ", found " + sj::to_string(v)};
  }
  return out;
}

std::optional<int> get_int(const sj::dom::object& body, const char* key, int min_value) {
  const auto v = field(body, key);
  if (!v) return std::nullopt;
  return static_cast<int>(integral(*v, key, min_value, std::numeric_limits<int>::max()));
}

std::optional<double> get_double(const sj::dom::object& body, const char* key) {
  const auto v = field(body, key);
  if (!v) return std::nullopt;
  double d = 0;
  if (!v->is_number() || v->get_double().get(d) != sj::SUCCESS) bad(key, "a number", *v);
  if (!std::isfinite(d)) bad(key, "a finite number", *v);
  return d;
}

bool get_bool(const sj::dom::object& body, const char* key) {
  const auto v = field(body, key);
  if (!v) return false;
  bool b = false;
  if (v->get_bool().get(b) != sj::SUCCESS) bad(key, "a boolean", *v);
  return b;
}

std::string get_string(const Element& v) {
  std::string_view sv;
  if (v.get_string().get(sv) != sj::SUCCESS) return {};  // callers check is_string() first
  return std::string(sv);
}
sj::dom::array as_array(const Element& v) {
  sj::dom::array a;
  if (v.get_array().get(a) != sj::SUCCESS) return {};  // callers check is_array() first
  return a;
}
sj::dom::object as_object(const Element& v) {
  sj::dom::object o;
  if (v.get_object().get(o) != sj::SUCCESS) return {};  // callers check is_object() first
  return o;
}

std::string message_content(const Element& content, std::size_t index) {
  const std::string param = "messages[" + std::to_string(index) + "].content";
  if (content.is_null()) return {};
  if (content.is_string()) return get_string(content);
  if (!content.is_array()) bad(param, "a string or an array of parts", content);
  std::string out;
  const sj::dom::array parts = as_array(content);
  for (const Element part : parts) {
    if (!part.is_object()) bad(param, "an array of objects", part);
    const auto t = field(as_object(part), "text");
    if (t && t->is_string()) {
      if (!out.empty()) out.push_back('\n');
      out += get_string(*t);
    }
  }
  return out;
}

ParsedRequest parse_or_throw(Api api, std::string_view body) {
  // One parser per thread, reused: it keeps its buffers between requests.
  thread_local sj::dom::parser parser;
  const sj::padded_string padded(body);
  Element root;
  if (const auto err = parser.parse(padded).get(root); err != sj::SUCCESS) {
    throw BadRequest{"", std::string("request body is not valid JSON: ") + sj::error_message(err)};
  }
  if (!root.is_object()) throw BadRequest{"", std::string("request body must be a JSON object, found ") + type_name(root)};
  const sj::dom::object j = as_object(root);
  ParsedRequest r;
  r.api = api;
  if (const auto m = field(j, "model")) {
    if (!m->is_string()) bad("model", "a string", *m);
    r.model = get_string(*m);
  }
  if (api == Api::kCompletions) {
    Element p;
    if (j.at_key("prompt").get(p) != sj::SUCCESS) throw BadRequest{"prompt", "'prompt' is required"};
    if (p.is_string()) {
      r.prompt = get_string(p);
    } else if (p.is_array()) {
      const sj::dom::array arr = as_array(p);
      Element first;
      if (arr.size() > 0 && arr.at(0).get(first) == sj::SUCCESS && first.is_string()) {
        if (arr.size() != 1) throw BadRequest{"prompt", "'prompt' as a list of several prompts is not supported"};
        r.prompt = get_string(first);
      } else {
        r.prompt_token_ids.reserve(arr.size());
        for (const Element t : arr) {
          if (!t.is_int64() && !t.is_uint64()) bad("prompt", "a string or a list of token ids", t);
          r.prompt_token_ids.push_back(static_cast<int>(integral(t, "prompt", 0, std::numeric_limits<int>::max())));
        }
      }
    } else {
      bad("prompt", "a string or a list of token ids", p);
    }
  } else {
    Element m;
    if (j.at_key("messages").get(m) != sj::SUCCESS) throw BadRequest{"messages", "'messages' is required"};
    if (!m.is_array()) bad("messages", "an array", m);
    std::size_t i = 0;
    const sj::dom::array items = as_array(m);
    for (const Element item : items) {
      if (!item.is_object()) bad("messages[" + std::to_string(i) + "]", "an object", item);
      const sj::dom::object obj = as_object(item);
      ChatMessage msg;
      const auto role = field(obj, "role");
      if (!role || !role->is_string()) {
        throw BadRequest{"messages[" + std::to_string(i) + "].role", "every message needs a string 'role'"};
      }
      msg.role = get_string(*role);
      Element content;
      if (obj.at_key("content").get(content) == sj::SUCCESS) msg.content = message_content(content, i);
      r.messages.push_back(std::move(msg));
      ++i;
    }
  }
  r.max_tokens = get_int(j, "max_tokens", 1);
  if (auto m = get_int(j, "max_completion_tokens", 1)) r.max_tokens = m;
  r.min_tokens = get_int(j, "min_tokens", 0).value_or(0);
  r.stream = get_bool(j, "stream");
  if (const auto so = field(j, "stream_options")) {
    if (!so->is_object()) bad("stream_options", "an object", *so);
    const sj::dom::object options = as_object(*so);
    r.include_usage = get_bool(options, "include_usage");
    r.continuous_usage_stats = get_bool(options, "continuous_usage_stats");
  }
  r.temperature = get_double(j, "temperature");
  r.top_p = get_double(j, "top_p");
  if (const auto k = field(j, "top_k")) {
    r.top_k = static_cast<int>(integral(*k, "top_k", -1, std::numeric_limits<int>::max()));
  }
  r.ignore_eos = get_bool(j, "ignore_eos");
  if (const auto st = field(j, "stop")) {
    if (st->is_string()) {
      r.stop.push_back(get_string(*st));
    } else if (st->is_array()) {
      const sj::dom::array stops = as_array(*st);
      for (const Element x : stops) {
        if (!x.is_string()) bad("stop", "a string or a list of strings", x);
        r.stop.push_back(get_string(x));
      }
    } else {
      bad("stop", "a string or a list of strings", *st);
    }
  }
  if (const auto u = field(j, "user"); u && u->is_string()) r.user = get_string(*u);
  if (const auto kv = field(j, "kv_transfer_params")) r.kv_transfer_params = sj::minify(*kv);
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
