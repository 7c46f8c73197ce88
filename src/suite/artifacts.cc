#include "suite/artifacts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "core/files.h"

namespace lmbench::suite {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_secret_key(const std::string& key) {
  const std::string k = lower(key);
  if (k.size() > 3 && k.compare(k.size() - 3, 3, "env") == 0) return false;  // apiKeyEnv names a variable
  for (const char* word : {"token", "secret", "password", "api_key", "apikey"}) {
    if (k.find(word) != std::string::npos) return true;
  }
  return false;
}

bool holds_secret(const nlohmann::ordered_json& v, const std::vector<std::string>& secret_values) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  return std::any_of(secret_values.begin(), secret_values.end(),
                     [&](const std::string& secret) { return !secret.empty() && s.find(secret) != std::string::npos; });
}

// The user's scalar as JSON: "2" -> 2, "0.7" -> 0.7 (what PyYAML gave the original).
nlohmann::ordered_json number_json(const config::Number& n) {
  try {
    std::size_t used = 0;
    const long long i = std::stoll(n.text, &used);
    if (used == n.text.size()) return i;
  } catch (const std::exception&) {
  }
  return n.value;
}

}  // namespace

std::string artifact_stem(const std::string& key, const std::string& workload_name, const std::string& qps_label,
                          const std::string& timestamp) {
  return fmt::format("{}_{}_{}_{}", key, workload_name, qps_label, timestamp);
}

std::string qps_label_for(const PlannedRun& run, std::optional<double> measured_qps) {
  if (run.rate.qps_label) return *run.rate.qps_label;
  if (!measured_qps) throw std::logic_error("qps_label_for: " + run.workload_name + " needs the measured QPS");
  return measured_qps_label(*measured_qps);
}

std::string unique_stem(const std::filesystem::path& suite_dir, const std::string& stem) {
  auto taken = [&](const std::string& s) {
    std::error_code ec;
    return std::filesystem::exists(suite_dir / (s + ".json"), ec) || std::filesystem::exists(suite_dir / (s + ".csv"), ec);
  };
  if (!taken(stem)) return stem;
  for (int i = 2;; ++i) {
    std::string s = fmt::format("{}-{}", stem, i);
    if (!taken(s)) return s;
  }
}

std::filesystem::path run_json_path(const std::filesystem::path& results_root, const std::string& suite_name,
                                    const std::string& stem) {
  return results_root / suite_name / (stem + ".json");
}

std::filesystem::path run_csv_path(const std::filesystem::path& results_root, const std::string& suite_name,
                                   const std::string& stem) {
  return results_root / suite_name / (stem + ".csv");
}

std::filesystem::path run_metrics_csv_path(const std::filesystem::path& results_root, const std::string& suite_name,
                                           const std::string& stem) {
  return results_root / suite_name / (stem + ".metrics.csv");
}

nlohmann::ordered_json workload_json(const config::WorkloadConfig& workload, const PlannedRun& run,
                                     std::optional<double> measured_qps) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["WORKLOAD"] = run.workload_name;
  const RatePoint& rate = run.rate;
  if (rate.sweep_key.empty()) {
    out["MODE"] = "timed";
  } else if (rate.sweep_key == "QPS" || rate.sweep_key == "REQUEST_RATES") {
    out["QPS"] = number_json(rate.value);
  } else if (!rate.target_qps) {
    if (measured_qps) out["QPS"] = std::round(*measured_qps * 100.0) / 100.0;
  } else {
    out["QPS"] = std::round(*rate.target_qps * 100.0) / 100.0;
  }
  if (workload.raw.is_object()) {
    for (const auto& [k, v] : workload.raw.items()) {
      if (k == rate.sweep_key) {
        out[rate.single_key] = number_json(rate.value);
      } else if (!out.contains(k)) {
        out[k] = v;
      }
    }
  }
  // A default sweep (Agentic's NEW_USER_INTERVALS, VLLMBenchmark's REQUEST_RATES) is not in the
  // file; the run's single value is still recorded.
  if (!rate.single_key.empty() && !out.contains(rate.single_key)) out[rate.single_key] = number_json(rate.value);
  return out;
}

std::optional<std::filesystem::path> find_done_run(
    const std::filesystem::path& suite_dir, const std::string& key, const PlannedRun& run,
    const config::WorkloadConfig& cfg, const std::function<bool(const nlohmann::ordered_json&)>& accept) {
  std::error_code ec;
  if (!std::filesystem::is_directory(suite_dir, ec)) return std::nullopt;
  const std::string prefix = run.rate.qps_label ? fmt::format("{}_{}_{}_", key, run.label, *run.rate.qps_label)
                                                : fmt::format("{}_{}_", key, run.label);
  auto wanted = workload_json(cfg, run, run.rate.target_qps.value_or(0.0));
  wanted.erase("QPS");
  for (const auto& entry : std::filesystem::directory_iterator(suite_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name.rfind(prefix, 0) != 0) continue;
    try {
      auto j = nlohmann::ordered_json::parse(core::read_file(entry.path()));
      if (j.value("interrupted", false) || j.value("key", "") != key) continue;
      auto w = j.value("workload", nlohmann::ordered_json::object());
      w.erase("QPS");
      if (w == wanted && (!accept || accept(j))) return entry.path();
    } catch (const std::exception&) {
      continue;
    }
  }
  return std::nullopt;
}

nlohmann::ordered_json strip_secrets(const nlohmann::ordered_json& config, const std::vector<std::string>& secret_values) {
  if (config.is_object()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [k, v] : config.items()) {
      if (is_secret_key(k) || holds_secret(v, secret_values)) continue;
      out[k] = strip_secrets(v, secret_values);
    }
    return out;
  }
  if (config.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& v : config) {
      if (!holds_secret(v, secret_values)) out.push_back(strip_secrets(v, secret_values));
    }
    return out;
  }
  return config;
}

void write_run_json(const std::filesystem::path& path, metrics::RunFile run, const std::vector<std::string>& secret_values) {
  if (run.serving.is_object() && run.serving.contains("config")) {
    run.serving["config"] = strip_secrets(run.serving["config"], secret_values);
  }
  if (run.infra.is_null()) run.infra = nlohmann::ordered_json::object();
  // Server text that is not UTF-8 (an error excerpt) becomes U+FFFD rather than an unwritable run.
  core::write_file_atomic(path, metrics::to_json(run).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
}

}  // namespace lmbench::suite
