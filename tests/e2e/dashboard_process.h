#pragma once
// The real `lmbench dashboard` as a child process on an ephemeral loopback port, for end-to-end
// tests. Stopped (SIGTERM, then SIGKILL) by the destructor.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/process.h"

namespace lmbench::e2e {

class DashboardProcess {
 public:
  // Starts `lmbench dashboard --db <db> --port 0 <extra...>` and waits for its "serving" line.
  // Throws std::runtime_error with the log when it does not come up.
  DashboardProcess(const std::filesystem::path& db, const std::filesystem::path& log,
                   std::vector<std::string> extra = {}, std::vector<std::pair<std::string, std::string>> env = {});
  ~DashboardProcess();

  // "http://127.0.0.1:<port>" (also for a dashboard bound to 0.0.0.0).
  const std::string& base_url() const { return base_url_; }
  // SIGTERM; returns the exit status.
  int stop();
  std::string log() const;

 private:
  std::filesystem::path log_;
  std::optional<core::ChildProcess> child_;
  std::string base_url_;
};

}  // namespace lmbench::e2e
