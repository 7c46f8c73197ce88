// The YAML loaders of the suite on arbitrary text: the input is written to a file and loaded as a
// spec file, as a run-bench file and as a workload config file (`lmbench bench --config`). Each
// loads or throws core::ConfigError (file, line, key); any other exception or a crash is a bug.
// The file lives in a private folder whose 0-bench-specs/, 2-serving-engines/ and 3-workloads/
// link to the repository's, so references to shipped files resolve as they do in a checkout.
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "config/run_bench.h"
#include "config/spec.h"
#include "config/workload_file.h"
#include "config/workloads.h"
#include "core/error.h"

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "lmbench-config-fuzz-";

// libFuzzer ends a timed run with _Exit, so no exit handler removes a run's folder: each run
// removes those of runs whose process is gone, then makes its own.
void remove_stale_folders() {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + kPrefix.size(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
  }
}

const fs::path& folder() {
  static const fs::path dir = [] {
    remove_stale_folders();
    const fs::path d = fs::temp_directory_path() / (std::string(kPrefix) + std::to_string(::getpid()));
    fs::create_directories(d);
    for (const char* sub : {"0-bench-specs", "2-serving-engines", "3-workloads"}) {
      std::error_code ec;
      fs::create_directory_symlink(fs::path(LMBENCH_SOURCE_DIR) / sub, d / sub, ec);
    }
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path file = folder() / "fuzz.yaml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    (void)lmbench::config::load_spec(file, "fuzz.yaml", {folder(), std::string("hf_fuzz")});
  } catch (const lmbench::core::ConfigError&) {
  }
  try {
    (void)lmbench::config::load_run_bench(file);
  } catch (const lmbench::core::ConfigError&) {
  }
  // One workload type per input, chosen by its size, so every type gets inputs.
  const auto& types = lmbench::config::workload_type_names();
  try {
    std::vector<lmbench::config::Warning> warnings;
    (void)lmbench::config::load_workload_config(types[size % types.size()], file, {}, folder(), &warnings);
  } catch (const lmbench::core::ConfigError&) {
  }
  return 0;
}
