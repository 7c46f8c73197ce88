#pragma once
// The real lmbench binary (LMBENCH_BIN) as a child process: `lmbench sim` engines and
// `lmbench router`, with their "listening on URL" lines read back from the log.

#include <filesystem>
#include <string>
#include <vector>

#include "core/process.h"

namespace lmbench::router::testing {

class LmbenchChild {
 public:
  // Starts `lmbench <args>` logging to a fresh file under the temp dir and waits (up to 60 s)
  // for `expected_urls` "listening on" lines. Fails the current test (gtest ADD_FAILURE) when it
  // does not come up; urls() is then empty.
  LmbenchChild(std::vector<std::string> args, int expected_urls = 1);
  ~LmbenchChild();
  LmbenchChild(LmbenchChild&&) = default;

  const std::vector<std::string>& urls() const { return urls_; }
  const std::string& url() const { return urls_.at(0); }
  std::string log() const;
  void kill();  // SIGKILL to the whole group: an engine that dies without notice

 private:
  std::unique_ptr<core::ChildProcess> child_;
  std::filesystem::path log_;
  std::vector<std::string> urls_;
};

}  // namespace lmbench::router::testing
