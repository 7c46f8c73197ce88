#pragma once
// The end of a child's log, for failure messages ("the script exited during start-up; its last
// lines were: ...").

#include <cstddef>
#include <filesystem>
#include <string>

namespace lmbench::deploy {

// The last `max_lines` lines of the file (at most its last `max_bytes` bytes), or "" when the
// file is missing or empty. Never throws.
std::string log_tail(const std::filesystem::path& file, std::size_t max_lines = 20, std::size_t max_bytes = 4096);

// The last `max_lines` lines of `text`.
std::string text_tail(const std::string& text, std::size_t max_lines = 20);

}  // namespace lmbench::deploy
