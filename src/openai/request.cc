#include "openai/request.h"

#include "openai/json_text.h"

namespace lmbench::openai {

std::string build_request_body(const RequestParams& p) {
  std::string out;
  std::size_t size_hint = p.prompt.size() + p.model.size() + 192;
  for (const auto& m : p.messages) size_hint += m.content.size() + 32;
  out.reserve(size_hint);
  out += "{\"model\":";
  append_json_string(out, p.model);
  if (p.api == Api::kCompletions) {
    out += ",\"prompt\":";
    append_json_string(out, p.prompt);
  } else {
    out += ",\"messages\":[";
    for (std::size_t i = 0; i < p.messages.size(); ++i) {
      if (i > 0) out.push_back(',');
      out += "{\"role\":";
      append_json_string(out, p.messages[i].role);
      out += ",\"content\":";
      append_json_string(out, p.messages[i].content);
      out.push_back('}');
    }
    out.push_back(']');
  }
  if (p.max_tokens > 0) out += ",\"max_tokens\":" + std::to_string(p.max_tokens);
  if (p.temperature) {
    out += ",\"temperature\":";
    append_json_number(out, *p.temperature);
  }
  if (p.top_p) {
    out += ",\"top_p\":";
    append_json_number(out, *p.top_p);
  }
  if (p.top_k) out += ",\"top_k\":" + std::to_string(*p.top_k);
  if (p.ignore_eos) out += ",\"ignore_eos\":true";
  if (p.stream) {
    out += ",\"stream\":true";
    if (p.include_usage) out += ",\"stream_options\":{\"include_usage\":true}";
  } else {
    out += ",\"stream\":false";
  }
  out.push_back('}');
  return out;
}

std::string_view api_path(Api api) {
  return api == Api::kChat ? std::string_view("v1/chat/completions") : std::string_view("v1/completions");
}

http::Url api_url(const http::Url& base, std::string_view path) {
  std::string_view target = base.target;
  if (const std::size_t q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  while (!target.empty() && target.back() == '/') target.remove_suffix(1);
  if (target.ends_with("/v1") && path.starts_with("v1/")) path.remove_prefix(3);
  return base.with_path(path);
}

http::Request make_request(const http::Url& base, const RequestParams& params, http::Headers headers) {
  http::Request r;
  r.method = "POST";
  r.url = api_url(base, api_path(params.api));
  r.headers = std::move(headers);
  r.body = build_request_body(params);
  r.content_type = "application/json";
  return r;
}

}  // namespace lmbench::openai
