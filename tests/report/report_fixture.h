#pragma once
// Copies the fixed run JSONs of tests/report/data into a fresh temporary folder, so tests write
// report files there and never into the source tree.

#include <filesystem>
#include <string>

namespace lmbench::report::testing {

inline std::filesystem::path data_dir() { return LMBENCH_SOURCE_DIR "/tests/report/data"; }

// <tmp>/lmbench_report_<name>_<pid>/routing-benchmark (a copy), returned.
std::filesystem::path copy_suite(const std::string& name);

}  // namespace lmbench::report::testing
