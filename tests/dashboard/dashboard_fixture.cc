#include "dashboard_fixture.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

#include "dashboard/upload_client.h"

namespace lmbench::dashboard::testing {

std::string session_id_for(std::int64_t secs) {
  return fmt::format("lmbench-{}-{:08x}", secs, static_cast<std::uint32_t>(secs));
}

nlohmann::json make_run(const RunDoc& d) {
  nlohmann::json results;
  if (d.failed) {
    results = {{"error", "No successful requests completed"}, {"message", "All 10 requests failed: 10 connect"}};
  } else {
    results = {
        {"successful_requests", 120},
        {"benchmark_duration_s", 200.5},
        {"total_input_tokens", 120000},
        {"total_generated_tokens", 12000},
        {"request_throughput_req_per_s", d.qps * 0.98},
        {"output_token_throughput_tok_per_s", d.output_throughput},
        {"input_token_throughput_tok_per_s", 600.0},
        {"total_token_throughput_tok_per_s", 600.0 + d.output_throughput},
        {"ttft_ms", {{"mean", d.ttft_p99 / 2}, {"median", d.ttft_p99 / 2.5}, {"p99", d.ttft_p99}}},
        {"tpot_ms", {{"mean", 12.5}, {"median", 12}, {"p99", 24}}},
        {"itl_ms", {{"mean", 11.5}, {"median", 10}, {"p99", 20}}},
    };
  }
  nlohmann::json doc = {
      {"name", d.suite},
      {"lmbench-session-id", d.session_id.empty() ? session_id_for(d.session_secs) : d.session_id},
      {"timestamp", d.timestamp},
      {"results", results},
      {"infra", {{"Location", "Simulated"}}},
      {"serving", {{"baseline_type", "Simulated"}, {"config", {{"replicas", 2}}}}},
      {"workload", {{"WORKLOAD", d.workload}, {"QPS", d.qps}, {"NUM_USERS", 10}}},
  };
  if (!d.key.empty()) doc["key"] = d.key;
  if (d.interrupted) doc["interrupted"] = true;
  return doc;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          fmt::format("lmbench-dashboard-test-{}-{}", ::getpid(), counter.fetch_add(1));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

LiveDashboard::LiveDashboard(DashboardOptions options) : db_path_(dir_.path() / "results.sqlite") {
  auto store = store::Store::open(db_path_);
  if (!store.ok()) throw std::runtime_error("store: " + store.error().message);
  store_ = std::move(*store);
  server_ = std::make_unique<http::Server>(loop_.context(), make_router(*store_, options), server_options(options));
  auto port = server_->listen("127.0.0.1", 0);
  if (!port.ok()) throw std::runtime_error("listen: " + port.error().message);
  port_ = *port;
}

LiveDashboard::~LiveDashboard() {
  server_->stop();
  // The loop's thread may still hold the router's handlers; join it before the store goes.
  loop_.run_sync([] {});
}

std::string LiveDashboard::url(std::string_view target) const {
  return fmt::format("http://127.0.0.1:{}{}", port_, target);
}

namespace {
http::Response must(core::Result<http::Response> r) {
  if (!r.ok()) throw std::runtime_error("request failed: " + r.error().kind + ": " + r.error().message);
  return std::move(*r);
}
}  // namespace

http::Response LiveDashboard::get(std::string_view target) const {
  http::Request req;
  req.url = *http::Url::parse(url(target));
  return must(http::fetch(req, clock_));
}

http::Response LiveDashboard::post(std::string_view target, std::string body, std::string content_type,
                                   std::string token) const {
  http::Request req;
  req.method = "POST";
  req.url = *http::Url::parse(url(target));
  req.body = std::move(body);
  req.content_type = std::move(content_type);
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  return must(http::fetch(req, clock_));
}

http::Response LiveDashboard::upload_json(const std::string& text, std::string token) const {
  return post("/upload", text, "application/json", std::move(token));
}

http::Response LiveDashboard::upload_multipart(const std::string& text, const std::string& file_name,
                                               std::string token) const {
  MultipartBody mp = make_multipart("file", file_name, text);
  return post("/upload", std::move(mp.body), std::move(mp.content_type), std::move(token));
}

}  // namespace lmbench::dashboard::testing
