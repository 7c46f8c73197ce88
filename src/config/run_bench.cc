#include "config/run_bench.h"

#include <fmt/format.h>

#include <algorithm>

#include "config/load_section.h"
#include "config/map_reader.h"

namespace lmbench::config {

namespace {

Infrastructure parse_infrastructure(const YamlFile& file, const YAML::Node& node) {
  const MapReader r(file, node, "1-infrastructure", "1-infrastructure", {"Location", "numClusterGPUs", "A100_VRAM"});
  if (!node.IsMap()) fail_expected(file, node, "1-infrastructure", "a map with Location");
  Infrastructure infra;
  infra.where = location_of(file, node);
  infra.raw = to_json(node);
  const std::string location = r.req_choice(
      "Location", {"NoBench", "Local-Flat", "LocalMinikube", "LMCacheGKE", "Simulated", "Kubernetes"});
  infra.location = *parse_location(location);
  if (infra.location == Location::kLMCacheGKE && !r.has("numClusterGPUs")) {
    fail_at(file, node, "1-infrastructure", "missing required key 'numClusterGPUs' (needed for LMCacheGKE)");
  }
  if (r.has("numClusterGPUs")) infra.num_cluster_gpus = r.req_int("numClusterGPUs", 1);
  if (r.has("A100_VRAM")) {
    const int vram = r.req_int("A100_VRAM", 1);
    if (vram != 40 && vram != 80) fail_expected(file, r.node("A100_VRAM"), "1-infrastructure.A100_VRAM", "40 or 80");
    infra.a100_vram_gb = vram;
  }
  return infra;
}

std::string display_of(const std::filesystem::path& p) { return p.lexically_normal().string(); }

}  // namespace

RunBench load_run_bench(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  RunBench rb;
  rb.path = path;
  rb.display = path.string();
  rb.root = path.parent_path();
  const YamlFile file{rb.display};
  const YAML::Node root = load_yaml_file(path, rb.display);
  if (!root.IsMap()) fail_expected(file, root, "run-bench file", "a map with 0-bench-specs and 1-infrastructure");
  check_keys(file, root, "run-bench file", {"0-bench-specs", "1-infrastructure", "Load"});
  if (const YAML::Node load = child(root, "Load"); load.IsDefined()) rb.load = parse_load_section(file, load);

  const YAML::Node specs = child(root, "0-bench-specs");
  if (!specs.IsDefined()) fail_at(file, root, "run-bench file", "missing required key '0-bench-specs'");
  if (!specs.IsSequence() || specs.size() == 0) {
    fail_expected(file, specs, "0-bench-specs", "a non-empty list of spec files");
  }
  const YAML::Node infra = child(root, "1-infrastructure");
  if (!infra.IsDefined()) fail_at(file, root, "run-bench file", "missing required key '1-infrastructure'");
  rb.infrastructure = parse_infrastructure(file, infra);

  const fs::path spec_dir = rb.root / "0-bench-specs";
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const std::string path_i = fmt::format("0-bench-specs[{}]", i);
    const std::string entry = read_string(file, specs[i], path_i);
    const core::SourceLocation where = location_of(file, specs[i]);
    const fs::path p = spec_dir / entry;
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        if (e.is_regular_file() && e.path().extension() == ".yaml") found.push_back(e.path());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) fail_at(file, specs[i], path_i, fmt::format("no *.yaml spec files in folder {}", display_of(p)));
      for (const auto& f : found) rb.specs.push_back({entry, f, display_of(f), where});
    } else if (fs::is_regular_file(p, ec)) {
      rb.specs.push_back({entry, p, display_of(p), where});
    } else {
      fail_at(file, specs[i], path_i, fmt::format("spec file not found: {}", display_of(p)));
    }
  }
  return rb;
}

Suite load_suite(const std::filesystem::path& run_bench_path, const std::optional<std::string>& hf_token) {
  Suite suite{load_run_bench(run_bench_path), {}};
  const LoadOptions options{suite.run_bench.root, hf_token};
  for (const auto& ref : suite.run_bench.specs) suite.specs.push_back(load_spec(ref.path, ref.display, options));
  return suite;
}

FileKind detect_file_kind(const std::filesystem::path& path) {
  const std::string display = path.string();
  const YAML::Node root = load_yaml_file(path, display);
  if (root.IsMap() && (has(root, "0-bench-specs") || has(root, "1-infrastructure"))) return FileKind::kRunBench;
  if (root.IsMap() && (has(root, "Name") || has(root, "Serving") || has(root, "Workload"))) return FileKind::kSpec;
  fail_expected(YamlFile{display}, root, "file",
                "a run-bench file (0-bench-specs, 1-infrastructure) or a spec file (Name, Serving, Workload)");
}

}  // namespace lmbench::config
