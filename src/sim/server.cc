#include "sim/server.h"

#include <nlohmann/json.hpp>

#include <chrono>

#include "core/ids.h"
#include "openai/server_api.h"
#include "sim/prometheus.h"

namespace lmbench::sim {
namespace {

using json = nlohmann::json;

constexpr std::string_view kVersion = "0.11.0+lmbench.sim";

json parse_body(const http::ServerRequest& req) {
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw http::HttpError(400, "request body must be a JSON object", "BadRequestError");
  return j;
}

std::vector<openai::ChatMessage> messages_of(const json& j) {
  if (!j.is_array()) throw http::HttpError(400, "'messages' must be an array", "BadRequestError", "messages");
  std::vector<openai::ChatMessage> out;
  for (const auto& m : j) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
      throw http::HttpError(400, "every message needs a string 'role'", "BadRequestError", "messages");
    }
    openai::ChatMessage msg;
    msg.role = m["role"].get<std::string>();
    if (m.contains("content") && m["content"].is_string()) msg.content = m["content"].get<std::string>();
    out.push_back(std::move(msg));
  }
  return out;
}

std::vector<std::int32_t> token_list(const json& j, const char* key, std::size_t vocab) {
  if (!j.is_array()) throw http::HttpError(400, std::string("'") + key + "' must be a list of token ids", "BadRequestError", key);
  std::vector<std::int32_t> out;
  for (const auto& t : j) {
    if (!t.is_number_integer() || t.get<long long>() < 0 || t.get<long long>() >= static_cast<long long>(vocab)) {
      throw http::HttpError(400, std::string("'") + key + "' must hold token ids in [0, " + std::to_string(vocab) + ")",
                            "BadRequestError", key);
    }
    out.push_back(t.get<std::int32_t>());
  }
  return out;
}

}  // namespace

std::string request_id_for(const http::ServerRequest& req) {
  const std::string_view given = req.header("X-Request-Id");
  if (!given.empty()) return std::string(given);
  char buf[32];
  std::snprintf(buf, sizeof buf, "req-%08x%08x", core::random_u32(), core::random_u32());
  return buf;
}

SimServer::SimServer(EngineLoop& loop, const TokenCodec& codec, ServerConfig config)
    : loop_(loop), codec_(codec), config_(std::move(config)), faults_(config_.faults) {
  if (config_.model.empty()) config_.model = loop_.profile().model;
  created_ = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

http::ServerResponse SimServer::models() const {
  json model = {{"id", config_.model},
                {"object", "model"},
                {"created", created_},
                {"owned_by", "vllm"},
                {"root", config_.model},
                {"parent", nullptr},
                {"max_model_len", loop_.profile().scheduler.max_model_len},
                {"permission", json::array()}};
  return http::ServerResponse::json(200, json{{"object", "list"}, {"data", json::array({model})}}.dump());
}

// GET /lmbench/engines: every engine of this `lmbench sim`, in port order, and which one answers.
http::ServerResponse SimServer::engines() const {
  const std::vector<std::string> urls = config_.directory ? config_.directory->urls() : std::vector<std::string>{};
  if (config_.directory && urls.empty()) {
    throw http::HttpError(503, "the engines of this lmbench sim are still starting", "service_unavailable");
  }
  return http::ServerResponse::json(
      200, json{{"model", config_.model}, {"engine", config_.engine_index}, {"engines", urls}}.dump());
}

http::ServerResponse SimServer::tokenize(const http::ServerRequest& req) const {
  const json j = parse_body(req);
  std::vector<std::int32_t> ids;
  if (j.contains("messages")) {
    ids = codec_.real_chat(messages_of(j["messages"]));
  } else if (j.contains("prompt") && j["prompt"].is_string()) {
    ids = codec_.real_text(j["prompt"].get<std::string>());
  } else {
    throw http::HttpError(400, "'prompt' (a string) or 'messages' is required", "BadRequestError", "prompt");
  }
  const json out = {{"count", ids.size()},
                    {"max_model_len", loop_.profile().scheduler.max_model_len},
                    {"tokens", ids},
                    {"token_strs", nullptr}};
  return http::ServerResponse::json(200, out.dump());
}

http::ServerResponse SimServer::detokenize(const http::ServerRequest& req) const {
  const json j = parse_body(req);
  if (!j.contains("tokens")) throw http::HttpError(400, "'tokens' is required", "BadRequestError", "tokens");
  const auto ids = token_list(j["tokens"], "tokens", codec_.tokenizer().vocab_size());
  std::string text;
  try {
    text = codec_.tokenizer().decode(ids);
  } catch (const std::out_of_range&) {
    throw http::HttpError(400, "'tokens' holds an id outside the vocabulary", "BadRequestError", "tokens");
  }
  // Invalid UTF-8 (a cut multi-byte character) would make invalid JSON; replace it.
  return http::ServerResponse::json(200, json{{"prompt", text}}.dump(-1, ' ', false, json::error_handler_t::replace));
}

http::ServerResponse SimServer::cache_lookup(const http::ServerRequest& req) const {
  const json j = parse_body(req);
  std::vector<std::int32_t> ids;
  if (j.contains("tokens")) {
    ids = codec_.to_engine(token_list(j["tokens"], "tokens", codec_.tokenizer().vocab_size()));
  } else if (j.contains("messages")) {
    ids = codec_.encode_chat(messages_of(j["messages"]));
  } else if (j.contains("prompt") && j["prompt"].is_string()) {
    ids = codec_.encode_text(j["prompt"].get<std::string>());
  } else {
    throw http::HttpError(400, "one of 'prompt', 'messages' or 'tokens' is required", "BadRequestError", "prompt");
  }
  const PrefixMatch m = loop_.inspect([&](const Engine& e) { return e.longest_cached_prefix(ids); });
  const json out = {{"gpu_tokens", m.gpu_tokens},
                    {"cpu_tokens", m.cpu_tokens},
                    {"total_tokens", std::max(m.gpu_tokens, m.cpu_tokens)},
                    {"prompt_tokens", ids.size()}};
  return http::ServerResponse::json(200, out.dump());
}

http::ServerResponse SimServer::metrics() const {
  const MetricsLabels labels{config_.model, config_.engine_index};
  std::string body = loop_.inspect([&](const Engine& e) { return render_prometheus(e, labels); });
  body += PaceStats::render(loop_.pace().snapshot(loop_.clock().now()), label_text(labels));
  return http::ServerResponse::text(200, std::move(body), "text/plain; version=0.0.4; charset=utf-8");
}

http::ServerResponse SimServer::timing(const http::ServerRequest& req) const {
  constexpr std::string_view kKey = "request_id=";
  const std::string_view q = req.query;
  if (q.rfind(kKey, 0) != 0 || q.size() == kKey.size()) {
    throw http::HttpError(400, "give ?request_id=ID (the X-Request-Id the request was sent with)", "BadRequestError",
                          "request_id");
  }
  const std::string id(q.substr(kKey.size()));
  const auto t = timings_->find(id);
  if (!t) throw http::HttpError(404, "no recent request with X-Request-Id '" + id + "'", "NotFoundError", "request_id");
  const auto ms = [](std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); };
  json out = {{"request_id", id}, {"arrival_ms", ms(t->arrival)}, {"finished_ms", ms(t->finished)},
              {"model_e2e_ms", ms(t->finished - t->arrival)}};
  out["first_token_ms"] = t->first_token.count() < 0 ? json(nullptr) : json(ms(t->first_token));
  out["model_ttft_ms"] = t->first_token.count() < 0 ? json(nullptr) : json(ms(t->first_token - t->arrival));
  return http::ServerResponse::json(200, out.dump());
}

http::ServerResponse SimServer::info() const {
  const Profile& p = loop_.profile();
  return http::ServerResponse::json(200, json{{"model", config_.model},
                                              {"engine", config_.engine_index},
                                              {"time_scale", loop_.time_scale()},
                                              {"max_model_len", p.scheduler.max_model_len},
                                              {"profile", p.name}}
                                             .dump());
}

http::Router SimServer::router() {
  http::Router r;
  // Every handler's answer carries X-Request-Id; errors thrown as HttpError get it too.
  const auto with_id = [](http::SimpleHandler h) {
    return [h = std::move(h)](const http::ServerRequest& req, std::shared_ptr<http::ResponseWriter> w) {
      const std::string id = request_id_for(req);
      http::ServerResponse res;
      try {
        res = h(req);
      } catch (const http::HttpError& e) {
        res = http::ServerResponse::json(e.status(), http::error_json(e.status(), e.what(), e.type(), e.param()));
      }
      res.headers.emplace_back("X-Request-Id", id);
      w->respond(std::move(res));
    };
  };
  r.on_stream("GET", "/v1/models", with_id([this](const http::ServerRequest&) { return models(); }));
  r.on_stream("POST", "/v1/completions",
              [this](const http::ServerRequest& req, std::shared_ptr<http::ResponseWriter> w) { generate(false, req, w); });
  r.on_stream("POST", "/v1/chat/completions",
              [this](const http::ServerRequest& req, std::shared_ptr<http::ResponseWriter> w) { generate(true, req, w); });
  r.on_stream("GET", "/health", with_id([](const http::ServerRequest&) { return http::ServerResponse::text(200, ""); }));
  r.on_stream("GET", "/ping", with_id([](const http::ServerRequest&) { return http::ServerResponse::text(200, ""); }));
  r.on_stream("POST", "/ping", with_id([](const http::ServerRequest&) { return http::ServerResponse::text(200, ""); }));
  r.on_stream("GET", "/version", with_id([](const http::ServerRequest&) {
                return http::ServerResponse::json(200, json{{"version", kVersion}}.dump());
              }));
  r.on_stream("GET", "/is_sleeping", with_id([](const http::ServerRequest&) {
                return http::ServerResponse::json(200, R"({"is_sleeping":false})");
              }));
  r.on_stream("POST", "/tokenize", with_id([this](const http::ServerRequest& req) { return tokenize(req); }));
  r.on_stream("POST", "/detokenize", with_id([this](const http::ServerRequest& req) { return detokenize(req); }));
  r.on_stream("POST", "/lmbench/cache_lookup", with_id([this](const http::ServerRequest& req) { return cache_lookup(req); }));
  r.on_stream("GET", "/lmbench/engines", with_id([this](const http::ServerRequest&) { return engines(); }));
  r.on_stream("GET", "/metrics", with_id([this](const http::ServerRequest&) { return metrics(); }));
  r.on_stream("GET", "/lmbench/timing", with_id([this](const http::ServerRequest& req) { return timing(req); }));
  r.on_stream("GET", "/lmbench/info", with_id([this](const http::ServerRequest&) { return info(); }));
  return r;
}

}  // namespace lmbench::sim
