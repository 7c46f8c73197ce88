#include "metrics/run_file.h"

#include <fmt/format.h>

#include <cctype>
#include <set>

#include "core/files.h"

namespace lmbench::metrics {

std::string RunFile::workload_name() const {
  const auto it = workload.find("WORKLOAD");
  return it != workload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> RunFile::qps() const {
  const auto it = workload.find("QPS");
  if (it == workload.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

bool RunFile::failed() const { return results.is_object() && results.contains("error"); }

std::string RunFile::series() const {
  const auto it = extra.find("workload_label");
  if (it == extra.end() || !it->is_string()) return key;
  return key + " (" + it->get<std::string>() + ")";
}

bool RunFile::interrupted() const {
  const auto it = extra.find("interrupted");
  return it != extra.end() && it->is_boolean() && it->get<bool>();
}

std::string RunFile::verdict() const {
  const auto it = extra.find("validity");
  if (it == extra.end() || !it->is_object()) return {};
  const auto v = it->find("verdict");
  return v != it->end() && v->is_string() ? v->get<std::string>() : std::string();
}

int RunFile::workers() const {
  const auto it = extra.find("workers");
  if (it == extra.end() || !it->is_object()) return 1;
  const auto n = it->find("count");
  return n != it->end() && n->is_number_integer() && n->get<int>() > 0 ? n->get<int>() : 1;
}

std::vector<std::string> RunFile::validity_reasons() const {
  std::vector<std::string> out;
  const auto it = extra.find("validity");
  if (it == extra.end() || !it->is_object()) return out;
  const auto r = it->find("reasons");
  if (r == it->end() || !r->is_array()) return out;
  for (const auto& reason : *r) {
    if (reason.is_string()) out.push_back(reason.get<std::string>());
  }
  return out;
}

std::optional<double> RunFile::stat(std::string_view metric, std::string_view stat) const {
  if (!results.is_object()) return std::nullopt;
  const auto m = results.find(metric);
  if (m == results.end() || !m->is_object()) return std::nullopt;
  const auto v = m->find(stat);
  if (v == m->end() || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

nlohmann::ordered_json to_json(const RunFile& run) {
  nlohmann::ordered_json j;
  j["name"] = run.name;
  j["lmbench-session-id"] = run.session_id;
  j["timestamp"] = run.timestamp;
  j["key"] = run.key;
  j["results"] = run.results;
  j["infra"] = run.infra;
  j["serving"] = run.serving;
  j["workload"] = run.workload;
  for (const auto& [k, v] : run.extra.items()) j[k] = v;
  return j;
}

std::string run_file_name(const RunFile& run) {
  const auto it = run.workload.find("QPS");
  const std::string qps = it == run.workload.end() ? "unknown" : it->is_string() ? it->get<std::string>() : it->dump();
  return fmt::format("{}_{}_{}_{}.json", run.key, run.workload_name(), qps, run.timestamp);
}

void write_run_file(const std::filesystem::path& path, const RunFile& run) {
  // Server text that is not UTF-8 (an error excerpt) becomes U+FFFD rather than an unwritable run.
  core::write_file_atomic(path, to_json(run).dump(2, ' ', true, nlohmann::ordered_json::error_handler_t::replace));
}

namespace {

std::string string_field(const nlohmann::ordered_json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_timestamp(std::string_view s) {  // YYYYMMDD-HHMM
  if (s.size() != 13 || s[8] != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> key_from_file_name(std::string_view stem, std::string_view workload) {
  // From the right: _{TIMESTAMP}, then _{QPS} (no underscore), then _{WORKLOAD}; the rest is KEY.
  const auto ts_at = stem.rfind('_');
  if (ts_at == std::string_view::npos || !is_timestamp(stem.substr(ts_at + 1))) return std::nullopt;
  stem = stem.substr(0, ts_at);
  const auto qps_at = stem.rfind('_');
  if (qps_at == std::string_view::npos || qps_at + 1 == stem.size()) return std::nullopt;
  stem = stem.substr(0, qps_at);
  if (workload.empty() || stem.size() < workload.size() + 2) return std::nullopt;
  if (stem.substr(stem.size() - workload.size()) != workload) return std::nullopt;
  stem.remove_suffix(workload.size());
  if (stem.back() != '_') return std::nullopt;
  stem.remove_suffix(1);
  return std::string(stem);
}

core::Result<RunFile> parse_run_file(std::string_view text, const std::filesystem::path& origin) {
  const auto j = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return core::Error{"parse", fmt::format("{}: not valid JSON", origin.string())};
  if (!j.is_object()) return core::Error{"format", fmt::format("{}: expected a JSON object", origin.string())};
  for (const char* required : {"results", "workload"}) {
    if (!j.contains(required) || !j[required].is_object()) {
      return core::Error{"format", fmt::format("{}: expected an object \"{}\"", origin.string(), required)};
    }
  }
  RunFile run;
  run.path = origin;
  run.name = string_field(j, "name");
  run.session_id = string_field(j, "lmbench-session-id");
  run.timestamp = string_field(j, "timestamp");
  run.results = j["results"];
  run.workload = j["workload"];
  if (j.contains("infra")) run.infra = j["infra"];
  if (j.contains("serving")) run.serving = j["serving"];
  for (const auto& [k, v] : j.items()) {
    static const std::set<std::string> kOriginal = {"name",  "lmbench-session-id", "timestamp", "key",
                                                    "results", "infra", "serving", "workload"};
    if (!kOriginal.contains(k)) run.extra[k] = v;
  }
  run.key = string_field(j, "key");
  if (run.key.empty()) {
    auto key = key_from_file_name(origin.stem().string(), run.workload_name());
    if (!key) {
      return core::Error{"format", fmt::format("{}: no \"key\" field and the file name is not "
                                               "{{KEY}}_{{WORKLOAD}}_{{QPS}}_{{YYYYMMDD-HHMM}}.json "
                                               "for workload '{}'",
                                               origin.string(), run.workload_name())};
    }
    run.key = *key;
  }
  return run;
}

core::Result<RunFile> read_run_file(const std::filesystem::path& path) {
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const std::exception& e) {
    return core::Error{"io", e.what()};
  }
  return parse_run_file(text, path);
}

}  // namespace lmbench::metrics
