#include "config/data_files.h"

#include <fmt/format.h>

namespace lmbench::config {

DataFile resolve_data_file(const std::string& as_written, DataKind kind, const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  DataFile out;
  out.as_written = as_written;
  const fs::path p(as_written);
  if (p.is_absolute()) {
    out.searched.push_back(p);
  } else {
    out.searched.push_back(root / p);
    switch (kind) {
      case DataKind::kTrace:
        out.searched.push_back(root / "3-workloads" / "trace-replayer" / p);
        break;
      case DataKind::kDataset:
        out.searched.push_back(root / "3-workloads" / "vllm-benchmark-serving" / p);
        break;
      case DataKind::kShareGpt:
        out.searched.push_back(root / "4-latest-results" / p);
        out.searched.push_back(root / "3-workloads" / "sharegpt" / p);
        break;
    }
  }
  for (const auto& candidate : out.searched) {
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) {
      out.resolved = candidate.lexically_normal();
      break;
    }
  }
  return out;
}

std::string describe_missing(const DataFile& file) {
  std::string places;
  for (const auto& p : file.searched) {
    if (!places.empty()) places += ", ";
    places += p.lexically_normal().string();
  }
  return fmt::format("data file '{}' not found (looked in {})", file.as_written, places);
}

}  // namespace lmbench::config
