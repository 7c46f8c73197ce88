#pragma once
// One spec file (one suite): Name, Serving baselines, Workload configs (LMBENCH-FORMAT.md).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/baselines.h"
#include "config/map_reader.h"
#include "config/workloads.h"

namespace lmbench::config {

struct LoadOptions {
  // The project folder: 0-bench-specs/, 2-serving-engines/ and 3-workloads/ are looked up here
  // (the run-bench file's folder). "" means the current directory.
  std::filesystem::path root;
  // The HF_TOKEN environment variable, read by the caller (src/cli) and passed in; replaces
  // <YOUR_HF_TOKEN>. Never printed.
  std::optional<std::string> hf_token;
};

struct Spec {
  std::string name;             // Name: the suite's name and its results folder
  std::filesystem::path path;
  std::string display;          // the path as messages show it
  std::vector<Baseline> serving;          // in file order
  std::vector<WorkloadConfig> workloads;  // in run order: type order of the original, then list order
  std::vector<Warning> warnings;          // missing data/config files, ignored keys
  std::filesystem::path root;             // LoadOptions::root: where its data files were looked up
};

// Throws core::ConfigError ("display:line:col: path: expected ..., found ...") on bad input.
Spec load_spec(const std::filesystem::path& path, const std::string& display, const LoadOptions& options);

// The project folder for a spec given on its own: the folder that holds its 0-bench-specs/
// ancestor, else the spec's own folder.
std::filesystem::path project_root_for_spec(const std::filesystem::path& spec_path);

}  // namespace lmbench::config
