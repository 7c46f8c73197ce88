#include "report_fixture.h"

#include <unistd.h>

namespace lmbench::report::testing {

namespace fs = std::filesystem;

fs::path copy_suite(const std::string& name) {
  const fs::path root = fs::temp_directory_path() / ("lmbench_report_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  fs::copy(data_dir() / "routing-benchmark", root / "routing-benchmark", fs::copy_options::recursive);
  return root / "routing-benchmark";
}

}  // namespace lmbench::report::testing
