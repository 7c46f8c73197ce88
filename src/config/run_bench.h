#pragma once
// run-bench.yaml: which spec files to run, on which infrastructure (LMBENCH-FORMAT.md).

#include <filesystem>
#include <map>
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

// A worker pod's toleration (Load.tolerations), as Kubernetes spells it.
struct LoadToleration {
  std::string key;
  std::string op = "Equal";  // `operator`: Equal | Exists
  std::string value;
  std::string effect;        // NoSchedule | PreferNoSchedule | NoExecute | "" (every effect)
  std::optional<long long> toleration_seconds;
};

// The optional `Load:` section: how the load is sent.
struct LoadSection {
  int workers = 1;  // > 1: that many worker processes (fleet/), merged as one run
  // Where the workers run: "local" (processes on this machine) or "kubernetes" (pods in the
  // baseline's cluster, fleet/kubernetes.h). The keys below apply to kubernetes only.
  std::string placement = "local";
  std::string image;  // the worker image; "": the project's image for this version
  // resources: {requests: {cpu: "1", memory: 1Gi}, limits: {memory: 4Gi}} of each worker pod;
  // nullopt: the defaults (fleet::KubernetesPlacement). Quantities as Kubernetes writes them.
  struct Resources {
    std::map<std::string, std::string> requests;
    std::map<std::string, std::string> limits;
  };
  std::optional<Resources> resources;
  std::map<std::string, std::string> node_selector;  // nodeSelector
  std::vector<LoadToleration> tolerations;
  std::string spread = "hostname";  // hostname | zone | one-per-node | none (fleet::Spread)
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
