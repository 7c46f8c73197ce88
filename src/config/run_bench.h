#pragma once
// run-bench.yaml: which spec files to run, on which infrastructure (LMBENCH-FORMAT.md).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/infrastructure.h"
#include "config/spec.h"

namespace lmbench::config {

struct SpecRef {
  std::string entry;             // as written under 0-bench-specs:
  std::filesystem::path path;    // <root>/0-bench-specs/<entry>, or one *.yaml of that folder
  std::string display;           // the path as messages show it
  core::SourceLocation where;    // the entry in run-bench.yaml
};

// The optional `Load:` section: how the load is sent.
struct LoadSection {
  int workers = 1;  // > 1: that many worker processes on this machine (fleet/), merged as one run
  std::optional<core::SourceLocation> where;  // the section, when written
};

struct RunBench {
  std::filesystem::path path;
  std::string display;
  std::filesystem::path root;    // the run-bench file's folder ("" = current directory)
  Infrastructure infrastructure;
  std::vector<SpecRef> specs;    // folders expanded to their *.yaml, sorted by name
  LoadSection load;
};

// Throws core::ConfigError on bad input, including a spec entry that names nothing.
RunBench load_run_bench(const std::filesystem::path& path);

// A run-bench file and every spec it names, loaded and validated.
struct Suite {
  RunBench run_bench;
  std::vector<Spec> specs;  // same order as run_bench.specs
};
Suite load_suite(const std::filesystem::path& run_bench_path, const std::optional<std::string>& hf_token);

// Whether a YAML file is a run-bench file (has 0-bench-specs or 1-infrastructure) or a spec.
enum class FileKind { kRunBench, kSpec };
FileKind detect_file_kind(const std::filesystem::path& path);

}  // namespace lmbench::config
