#pragma once
// Data files named in specs (TRACE_FILE, DATASET_PATH, the ShareGPT file). Lookup order: an
// absolute path as is; else relative to the project folder (the run-bench file's folder), then in
// the original LMBench's places for that kind of file. A missing file is a warning from
// `validate` and a failure of that workload in `run`, never a silent default.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lmbench::config {

enum class DataKind {
  kTrace,     // also 3-workloads/trace-replayer/ (the original's TRACE_FILE base)
  kDataset,   // also 3-workloads/vllm-benchmark-serving/
  kShareGpt,  // also 4-latest-results/ (where the original generated it) and 3-workloads/sharegpt/
};

struct DataFile {
  std::string as_written;
  std::optional<std::filesystem::path> resolved;  // nullopt: not found in any searched place
  std::vector<std::filesystem::path> searched;    // in lookup order
};

DataFile resolve_data_file(const std::string& as_written, DataKind kind, const std::filesystem::path& root);

// "not found (looked in a, b, c)": the text of the warning and of the run-time failure.
std::string describe_missing(const DataFile& file);

}  // namespace lmbench::config
