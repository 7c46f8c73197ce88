#pragma once
// File helpers shared by every writer of artifacts.

#include <filesystem>
#include <string>
#include <string_view>

namespace lmbench::core {

// Writes `content` to `path` through a temporary file in the same folder and a rename, so a
// crash or Ctrl-C never leaves half a file under the final name. Creates parent folders.
// Throws std::runtime_error (with the path and errno text) on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Whole file as a string. Throws std::runtime_error naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace lmbench::core
