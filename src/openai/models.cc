#include "openai/models.h"

#include <nlohmann/json.hpp>

#include "openai/chunk.h"
#include "openai/request.h"

namespace lmbench::openai {

using nlohmann::json;

core::Result<std::vector<ModelCard>> parse_models(std::string_view body) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    return core::Error{"malformed", std::string("/v1/models answer is not JSON: ") + e.what()};
  }
  auto data = j.is_object() ? j.find("data") : j.end();
  if (!j.is_object() || data == j.end() || !data->is_array()) {
    return core::Error{"malformed", "/v1/models answer has no \"data\" list"};
  }
  std::vector<ModelCard> out;
  for (const auto& m : *data) {
    if (!m.is_object() || !m.contains("id") || !m["id"].is_string()) {
      return core::Error{"malformed", "/v1/models entry without a string \"id\": " + m.dump()};
    }
    ModelCard c;
    c.id = m["id"].get<std::string>();
    if (auto it = m.find("owned_by"); it != m.end() && it->is_string()) c.owned_by = it->get<std::string>();
    if (auto it = m.find("root"); it != m.end() && it->is_string()) c.root = it->get<std::string>();
    if (auto it = m.find("parent"); it != m.end() && it->is_string()) c.parent = it->get<std::string>();
    if (auto it = m.find("max_model_len"); it != m.end() && it->is_number_integer()) c.max_model_len = it->get<int>();
    if (auto it = m.find("created"); it != m.end() && it->is_number_integer()) c.created = it->get<std::int64_t>();
    out.push_back(std::move(c));
  }
  return out;
}

std::string models_body(const std::vector<ModelCard>& models) {
  json data = json::array();
  for (const auto& m : models) {
    json card = {{"id", m.id},
                 {"object", "model"},
                 {"created", m.created},
                 {"owned_by", m.owned_by.empty() ? "vllm" : m.owned_by},
                 {"root", m.root.empty() ? m.id : m.root},
                 {"parent", m.parent.empty() ? json(nullptr) : json(m.parent)}};
    if (m.max_model_len > 0) card["max_model_len"] = m.max_model_len;
    data.push_back(std::move(card));
  }
  return json{{"object", "list"}, {"data", std::move(data)}}.dump();
}

core::Result<std::vector<ModelCard>> fetch_models(const http::Url& base, const core::Clock& clock,
                                                  const http::ClientOptions& options) {
  http::Request req;
  req.method = "GET";
  req.url = api_url(base, "v1/models");
  auto res = http::fetch(req, clock, options);
  if (!res) return res.error();
  if (res->status != 200) {
    std::string message = "GET " + req.url.origin() + req.url.target + ": HTTP " + std::to_string(res->status);
    Chunk c;
    if (parse_chunk(res->body, c) && c.error && !c.error->message.empty()) message += ": " + c.error->message;
    return core::Error{"http_" + std::to_string(res->status), message};
  }
  return parse_models(res->body);
}

core::Result<std::string> resolve_model(const std::vector<ModelCard>& served, std::string_view model) {
  if (served.empty()) return core::Error{"model", "the server lists no models"};
  if (model.empty()) return served.front().id;
  std::string names;
  for (const auto& m : served) {
    if (m.id == model) return m.id;
    if (!names.empty()) names += ", ";
    names += m.id;
  }
  return core::Error{"model", "model '" + std::string(model) + "' is not served; the server offers: " + names};
}

}  // namespace lmbench::openai
