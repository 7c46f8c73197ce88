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

// A name that may be joined into a path as one file name: not empty, only ASCII letters, digits,
// '.', '_' and '-', and no leading '.' (so no "..", no hidden file, no separator, no absolute
// path). For names that come from outside (a run JSON's WORKLOAD, a pod name in kubectl's
// output) before they become part of an artifact's path.
bool is_safe_file_name(std::string_view name);
// "'<name>' is not a safe file name (...)": why is_safe_file_name() refused it, for messages.
std::string unsafe_file_name_message(std::string_view name);

// Whole file as a string. Throws std::runtime_error naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace lmbench::core
