#include "deploy/baseline.h"

namespace lmbench::deploy {

std::filesystem::path log_file_path(const std::filesystem::path& dir, std::string_view name, std::string_view tag) {
  std::string file(name);
  file += '_';
  file += tag;
  file += ".log";
  return dir / file;
}

}  // namespace lmbench::deploy
