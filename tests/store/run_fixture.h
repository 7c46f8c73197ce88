#pragma once
// Builds run JSON documents (LMBENCH-FORMAT.md "Artifacts") for the store's tests.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace lmbench::store::testing {

struct RunSpec {
  std::string suite = "routing-benchmark";
  std::int64_t session_secs = 1700000000;  // the session id is lmbench-<secs>-<8 hex of secs>
  std::string session_id;                  // overrides the id made from session_secs
  std::string timestamp = "20231114-2213";
  std::string key = "helm_kvaware";
  bool with_key_field = true;
  std::string workload = "synthetic";
  double qps = 0.7;
  bool failed = false;
  double ttft_p50 = 100, ttft_p99 = 200, itl_p50 = 10, itl_p99 = 20, tpot_p50 = 12, tpot_p99 = 24;
  double request_throughput = 0.7, output_throughput = 70;
  bool interrupted = false;  // "interrupted": true
};

std::string session_id_for(std::int64_t secs);
nlohmann::json make_run(const RunSpec& spec);
inline std::string make_run_json(const RunSpec& spec) { return make_run(spec).dump(2); }

// A fresh folder under the system temp folder, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace lmbench::store::testing
