#include "dashboard/upload_client.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include "dashboard/query.h"
#include "http/client.h"
#include "http/url.h"
#include "store/capacity_json.h"

namespace lmbench::dashboard {

namespace {

UploadOutcome failed(std::string message, int http_status = 0) {
  UploadOutcome o;
  o.status = UploadStatus::kFailed;
  o.http_status = http_status;
  o.message = std::move(message);
  return o;
}

// Quotes a Content-Disposition parameter value (RFC 7578 4.2: backslash-escape '"' and '\').
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\r' || c == '\n') continue;
    out += c;
  }
  return out + "\"";
}

}  // namespace

const char* to_string(UploadStatus status) {
  switch (status) {
    case UploadStatus::kStored: return "stored";
    case UploadStatus::kDuplicate: return "duplicate";
    case UploadStatus::kFailed: return "failed";
  }
  return "failed";
}

MultipartBody make_multipart(std::string_view field, std::string_view file_name, std::string_view content) {
  // A random boundary that does not occur in the content (checked, so no document can break it).
  std::random_device rd;
  std::mt19937_64 rng(rd());
  std::string boundary;
  do {
    boundary = "lmbench-" + std::to_string(rng()) + std::to_string(rng());
  } while (content.find(boundary) != std::string_view::npos);
  MultipartBody out;
  out.content_type = "multipart/form-data; boundary=" + boundary;
  out.body = "--" + boundary + "\r\n";
  out.body += "Content-Disposition: form-data; name=" + quoted(field) + "; filename=" + quoted(file_name) + "\r\n";
  out.body += "Content-Type: application/json\r\n\r\n";
  out.body += content;
  out.body += "\r\n--" + boundary + "--\r\n";
  return out;
}

namespace {

std::optional<std::string> read_whole(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return content.str();
}

void add_query(http::Url& url, std::string_view name, std::string_view value) {
  url.target += (url.target.find('?') == std::string::npos ? "?" : "&");
  url.target += std::string(name) + "=" + url_encode(value);
}

// `suite`, when not empty, goes as the `suite` query parameter (capacity files).
UploadOutcome post(const std::filesystem::path& file, const std::string& content, const std::string& suite,
                   const UploadOptions& options, const core::Clock& clock) {
  auto url = http::Url::parse(options.api_url);
  if (!url.ok()) return failed(url.error().message);
  http::Request request;
  request.method = "POST";
  request.url = *url;
  const std::string file_name = file.filename().string();
  if (!suite.empty()) add_query(request.url, "suite", suite);
  if (options.encoding == UploadEncoding::kMultipart) {
    MultipartBody mp = make_multipart("file", file_name, content);
    request.body = std::move(mp.body);
    request.content_type = std::move(mp.content_type);
  } else {
    // The file name travels as a query parameter: it is the key's fallback (store/run_json.h).
    add_query(request.url, "filename", file_name);
    request.body = content;
    request.content_type = "application/json";
  }
  http::ClientOptions client_options;
  client_options.bearer_token = options.bearer_token;
  client_options.connect_timeout = options.timeout;
  client_options.first_byte_timeout = options.timeout;
  client_options.idle_timeout = options.timeout;
  auto response = http::fetch(request, clock, client_options, options.timeout);
  if (!response.ok()) return failed(response.error().kind + ": " + response.error().message);

  const int status = response->status;
  const nlohmann::json body = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (status == 200 || status == 201) {
    UploadOutcome o;
    o.http_status = status;
    const std::string said = body.is_object() ? body.value("status", "") : "";
    if (said == "stored" || said == "duplicate") {
      o.status = said == "stored" ? UploadStatus::kStored : UploadStatus::kDuplicate;
      o.id = body.value("id", std::int64_t{0});
      if (body.contains("baselines") && body["baselines"].is_array()) {
        for (const auto& b : body["baselines"]) {
          if (!b.is_object()) continue;
          if (!o.detail.empty()) o.detail += ", ";
          o.detail += b.value("key", "?") + " " + b.value("status", "?");
        }
      }
    } else {
      // Another server that accepted the file (the original's dashboard answers its own way).
      o.status = UploadStatus::kStored;
    }
    return o;
  }
  std::string reason;
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    reason = body["error"].value("message", "");
  }
  if (reason.empty()) reason = response->body.substr(0, 300);
  return failed("HTTP " + std::to_string(status) + (reason.empty() ? "" : ": " + reason), status);
}

}  // namespace

UploadOutcome upload_file(const std::filesystem::path& file, const UploadOptions& options, const core::Clock& clock) {
  const auto content = read_whole(file);
  if (!content) return failed("cannot read " + file.string());
  // A capacity file needs its suite sent along (it names none).
  const std::string suite = store::is_capacity_json(*content) ? store::capacity_file_suite(file, *content) : "";
  return post(file, *content, suite, options, clock);
}

UploadOutcome upload_capacity_file(const std::filesystem::path& file, const UploadOptions& options,
                                   const core::Clock& clock) {
  const auto content = read_whole(file);
  if (!content) return failed("cannot read " + file.string());
  const std::string suite = store::capacity_file_suite(file, *content);
  if (suite.empty()) return failed(file.string() + ": not a capacity file (no \"workload\" and \"baselines\")");
  return post(file, *content, suite, options, clock);
}

}  // namespace lmbench::dashboard
