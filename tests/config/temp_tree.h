#pragma once
// A throw-away project folder for config tests: write files by relative path, remove on exit.
// Header-only so tests/suite can use it too.

#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "core/ids.h"

namespace lmbench::testing {

class TempTree {
 public:
  TempTree()
      : root_(std::filesystem::temp_directory_path() / ("lmbench-cfg-" + std::to_string(core::random_u32()))) {
    std::filesystem::create_directories(root_);
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path path(const std::string& rel) const { return root_ / rel; }

  // What `load()` throws as core::ConfigError, with this tree's root shown as "<root>" (so
  // messages compare equal whatever the temporary folder); "no error" when it throws none.
  template <typename Load>
  std::string config_error(Load&& load) const {
    try {
      load();
    } catch (const core::ConfigError& e) {
      std::string msg = e.what();
      const std::string root = root_.string();
      for (std::size_t at; (at = msg.find(root)) != std::string::npos;) msg.replace(at, root.size(), "<root>");
      return msg;
    }
    return "no error";
  }

  std::filesystem::path write(const std::string& rel, const std::string& text) const {
    const auto p = root_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::filesystem::path root_;
};

}  // namespace lmbench::testing
