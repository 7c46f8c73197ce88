// POST /upload: one run JSON in, its stored id out. Status codes: 201 stored, 200 duplicate (the
// same run uploaded before), 400 not a run JSON (the store's validation message names the field),
// 401 token missing or wrong, 409 same run identity with different content, 413 body over the
// limit (the server, before this runs), 415 neither multipart/form-data nor JSON.
//
// A capacity file ({WORKLOAD}_capacity.json, told by content: store/capacity_json.h) goes to the
// same URL. Its suite is its "name" field, else the `suite` query parameter (or multipart field);
// one row per baseline is stored: 201 when any was stored or replaced, 200 when all were stored
// already; the body lists each baseline's fate.

#include <nlohmann/json.hpp>

#include <cctype>
#include <string>

#include "dashboard/handlers.h"
#include "dashboard/multipart.h"
#include "dashboard/query.h"

namespace lmbench::dashboard {

namespace {

// Takes the same time whatever the first difference, so response time does not reveal how much of
// a guessed token was right.
bool same_secret(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
  }
  return diff == 0;
}

std::string_view bearer_of(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() < kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

http::ServerResponse unauthorized(std::string_view message) {
  http::ServerResponse r = http::ServerResponse::json(401, http::error_json(401, message, "authentication_error"));
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"lmbench-dashboard\"");
  return r;
}

// Only the last path component of a client-given file name, and only as a hint for the key.
std::string base_name(std::string_view name) {
  const std::size_t slash = name.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

std::string lower_media_type(std::string_view content_type) {
  std::string media(content_type.substr(0, content_type.find(';')));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  while (!media.empty() && media.front() == ' ') media.erase(media.begin());
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return media;
}

http::ServerResponse ingest_capacity(Context& ctx, const std::string& text, const std::string& suite) {
  auto rows = store::parse_capacity_json(text, suite);
  if (!rows.ok()) throw http::HttpError(400, rows.error().message, "invalid_capacity_json");
  auto ingested = ctx.store.ingest_capacity(*rows);
  if (!ingested.ok()) throw_store_error(ingested.error());
  bool any_new = false;
  nlohmann::json baselines = nlohmann::json::array();
  for (const auto& b : *ingested) {
    any_new = any_new || b.status != store::CapacityIngestStatus::kDuplicate;
    baselines.push_back({{"key", b.key}, {"status", store::to_string(b.status)}, {"id", b.id}});
  }
  const nlohmann::json body = {
      {"status", any_new ? "stored" : "duplicate"},
      {"type", "capacity"},
      {"id", ingested->empty() ? 0 : ingested->front().id},
      {"suite", rows->empty() ? suite : rows->front().suite},
      {"workload", rows->empty() ? "" : rows->front().workload},
      {"baselines", baselines},
  };
  return http::ServerResponse::json(any_new ? 201 : 200, body.dump());
}

}  // namespace

http::ServerResponse handle_upload(Context& ctx, const http::ServerRequest& request) {
  if (!ctx.options.upload_token.empty()) {
    const std::string_view auth = request.header("Authorization");
    if (auth.empty()) return unauthorized("this dashboard needs an upload token: Authorization: Bearer <token>");
    if (!same_secret(bearer_of(auth), ctx.options.upload_token)) return unauthorized("wrong upload token");
  }

  std::string text;
  std::string file_name;
  std::string suite;  // for a capacity file without "name"
  auto query = parse_query(request.query);
  if (!query.ok()) throw http::HttpError(400, query.error().message);
  if (auto it = query->find("suite"); it != query->end()) suite = it->second;
  const std::string_view content_type = request.header("Content-Type");
  const std::string media = lower_media_type(content_type);
  if (media == "multipart/form-data") {
    auto boundary = multipart_boundary(content_type);
    if (!boundary.ok()) throw http::HttpError(400, boundary.error().message);
    auto parts = parse_multipart(request.body, *boundary);
    if (!parts.ok()) throw http::HttpError(400, parts.error().message);
    const FormPart* file = nullptr;
    for (const auto& part : *parts) {
      if (part.name == "file") file = &part;
      if (part.name == "suite") suite = part.body;
    }
    if (file == nullptr) throw http::HttpError(400, "multipart/form-data body without a 'file' field", "", "file");
    text = file->body;
    file_name = base_name(file->filename);
  } else if (media == "application/json" || media.empty()) {
    text = request.body;
    if (auto it = query->find("filename"); it != query->end()) file_name = base_name(it->second);
  } else {
    throw http::HttpError(415, "expected Content-Type multipart/form-data (a 'file' field) or application/json, found '" +
                                   std::string(content_type) + "'");
  }
  if (text.empty()) throw http::HttpError(400, "empty upload: expected one run JSON document");

  if (store::is_capacity_json(text)) return ingest_capacity(ctx, text, suite);

  auto ingested = ctx.store.ingest_json(text, file_name);
  if (!ingested.ok()) {
    const core::Error& e = ingested.error();
    if (e.kind == "json" || e.kind == "schema") throw http::HttpError(400, e.message, "invalid_run_json");
    if (e.kind == "conflict") throw http::HttpError(409, e.message, "conflict");
    throw_store_error(e);
  }
  const bool stored = ingested->status == store::IngestStatus::kStored;
  const store::Run& run = ingested->run;
  const nlohmann::json body = {
      {"status", stored ? "stored" : "duplicate"},
      {"id", ingested->id},
      {"suite", run.suite},
      {"session_id", run.session_id},
      {"key", run.key},
      {"workload", run.workload},
      {"qps", run.qps},
      {"timestamp", run.timestamp},
  };
  return http::ServerResponse::json(stored ? 201 : 200, body.dump());
}

}  // namespace lmbench::dashboard
