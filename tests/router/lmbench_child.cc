#include "lmbench_child.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace lmbench::router::testing {

namespace {

std::filesystem::path fresh_log() {
  static std::atomic<int> n{0};
  return std::filesystem::temp_directory_path() /
         ("lmbench-router-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".log");
}

std::vector<std::string> parse_urls(const std::string& text) {
  static const std::string kMarker = "listening on ";
  std::vector<std::string> urls;
  std::size_t pos = 0;
  while ((pos = text.find(kMarker, pos)) != std::string::npos) {
    pos += kMarker.size();
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) break;
    urls.push_back(text.substr(pos, end - pos));
  }
  return urls;
}

}  // namespace

LmbenchChild::LmbenchChild(std::vector<std::string> args, int expected_urls) : log_(fresh_log()) {
  core::ProcessSpec spec;
  spec.argv = {LMBENCH_BIN};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.log_file = log_;
  auto child = core::ChildProcess::spawn(spec);
  if (!child) {
    ADD_FAILURE() << "spawn: " << child.error().message;
    return;
  }
  child_ = std::make_unique<core::ChildProcess>(std::move(*child));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto urls = parse_urls(log());
    if (static_cast<int>(urls.size()) >= expected_urls) {
      urls_ = std::move(urls);
      return;
    }
    if (child_->poll()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "lmbench " << args.at(0) << " did not come up; log:\n" << log();
}

LmbenchChild::~LmbenchChild() {
  if (child_) child_->terminate(std::chrono::seconds(5));
  std::error_code ec;
  if (!log_.empty()) std::filesystem::remove(log_, ec);
}

std::string LmbenchChild::log() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void LmbenchChild::kill() {
  if (!child_) return;
  child_->signal_group(SIGKILL);
  child_->wait();
}

}  // namespace lmbench::router::testing
