#pragma once
// A real dashboard on an ephemeral loopback port over a store in a temp file, and run JSON
// documents to upload to it. The server runs on a thread of its own (BackgroundLoop); the test
// talks to it through the project's HTTP client.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "dashboard/dashboard.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "http/server.h"
#include "store/store.h"

namespace lmbench::dashboard::testing {

struct RunDoc {
  std::string suite = "routing-benchmark";
  std::int64_t session_secs = 1700000000;
  std::string session_id;  // overrides the id made from session_secs
  std::string timestamp = "20231114-2213";
  std::string key = "helm_kvaware";  // "" leaves the "key" field out
  std::string workload = "synthetic";
  double qps = 0.5;
  bool failed = false;
  double ttft_p99 = 200;
  double output_throughput = 70;
  bool interrupted = false;  // "interrupted": true
};
nlohmann::json make_run(const RunDoc& doc);
inline std::string make_run_text(const RunDoc& doc) { return make_run(doc).dump(2); }
std::string session_id_for(std::int64_t secs);

// A fresh folder under the system temp folder, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class LiveDashboard {
 public:
  explicit LiveDashboard(DashboardOptions options = {});
  ~LiveDashboard();

  std::string url(std::string_view target) const;  // "http://127.0.0.1:<port>" + target
  http::Response get(std::string_view target) const;
  // POST with a body and Content-Type; `token` goes in "Authorization: Bearer" when not empty.
  http::Response post(std::string_view target, std::string body, std::string content_type,
                      std::string token = {}) const;
  http::Response upload_json(const std::string& text, std::string token = {}) const;
  http::Response upload_multipart(const std::string& text, const std::string& file_name = "run.json",
                                  std::string token = {}) const;
  const std::filesystem::path& db_path() const { return db_path_; }

 private:
  TempDir dir_;
  std::filesystem::path db_path_;
  std::unique_ptr<store::Store> store_;
  http::BackgroundLoop loop_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  core::SteadyClock clock_;
};

}  // namespace lmbench::dashboard::testing
