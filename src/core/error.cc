#include "core/error.h"

#include <fmt/format.h>

namespace lmbench::core {

std::string format_location(const SourceLocation& where) {
  std::string out = where.file.empty() ? std::string("<input>") : where.file;
  if (where.line > 0) {
    out += fmt::format(":{}", where.line);
    if (where.column > 0) out += fmt::format(":{}", where.column);
  }
  return out;
}

}  // namespace lmbench::core
