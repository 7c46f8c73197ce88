#include "deploy/log_tail.h"

#include <fstream>

namespace lmbench::deploy {

std::string text_tail(const std::string& text, std::size_t max_lines) {
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
  std::size_t start = end;
  std::size_t lines = 0;
  while (start > 0) {
    if (text[start - 1] == '\n' && ++lines == max_lines) break;
    --start;
  }
  return text.substr(start, end - start);
}

std::string log_tail(const std::filesystem::path& file, std::size_t max_lines, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return "";
  const std::streamoff size = in.tellg();
  if (size <= 0) return "";
  const std::streamoff from = size > static_cast<std::streamoff>(max_bytes) ? size - static_cast<std::streamoff>(max_bytes) : 0;
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (from > 0) {
    // Drop the partial first line.
    const auto nl = text.find('\n');
    text = nl == std::string::npos ? text : text.substr(nl + 1);
  }
  return text_tail(text, max_lines);
}

}  // namespace lmbench::deploy
