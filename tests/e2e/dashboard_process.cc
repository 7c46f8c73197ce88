#include "e2e/dashboard_process.h"

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lmbench::e2e {

DashboardProcess::DashboardProcess(const std::filesystem::path& db, const std::filesystem::path& log,
                                   std::vector<std::string> extra,
                                   std::vector<std::pair<std::string, std::string>> env)
    : log_(log) {
  std::vector<std::string> argv = {LMBENCH_BIN, "dashboard", "--db", db.string(), "--port", "0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto child = core::ChildProcess::spawn({.argv = argv, .env = std::move(env), .log_file = log});
  if (!child.ok()) throw std::runtime_error(child.error().message);
  child_.emplace(std::move(*child));
  const std::regex serving(R"(serving http://(127\.0\.0\.1|0\.0\.0\.0):(\d+)/)");
  for (int i = 0; i < 200; ++i) {
    std::smatch m;
    const std::string text = this->log();
    if (std::regex_search(text, m, serving)) {
      base_url_ = "http://127.0.0.1:" + m[2].str();  // a dashboard on 0.0.0.0 is reached through loopback
      return;
    }
    if (child_->poll()) throw std::runtime_error("dashboard exited: " + text);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("dashboard did not start: " + this->log());
}

DashboardProcess::~DashboardProcess() { stop(); }

int DashboardProcess::stop() { return child_ ? child_->terminate(std::chrono::seconds(5)) : -1; }

std::string DashboardProcess::log() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace lmbench::e2e
