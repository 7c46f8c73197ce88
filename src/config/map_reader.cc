#include "config/map_reader.h"

#include <fmt/format.h>

#include <algorithm>

namespace lmbench::config {

std::string format_warning(const Warning& w) { return core::format_location(w.where) + ": " + w.message; }

MapReader::MapReader(const YamlFile& file, const YAML::Node& map, std::string path, std::string context,
                     const std::vector<std::string>& allowed, const YAML::Node& anchor)
    : file_(file), map_(map), anchor_(anchor), path_(std::move(path)) {
  if (map_.IsDefined() && !map_.IsNull() && !map_.IsMap()) {
    fail_expected(file_, map_, path_, fmt::format("a map of {} keys", context));
  }
  if (map_.IsMap()) check_keys(file_, map_, context, allowed);
}

bool MapReader::has(const std::string& key) const { return config::has(map_, key); }

YAML::Node MapReader::node(const std::string& key) const { return child(map_, key); }

core::SourceLocation MapReader::where(const std::string& key) const {
  const YAML::Node n = node(key);
  return n.IsDefined() ? location_of(file_, n) : where();
}

void MapReader::missing(const std::string& key) const {
  fail_at(file_, located(), path_, fmt::format("missing required key '{}'", key));
}

void MapReader::fail(const std::string& key, const std::string& message) const {
  const YAML::Node n = node(key);
  fail_at(file_, n.IsDefined() ? n : located(), path(key), message);
}

std::string MapReader::req_string(const std::string& key) const {
  if (!has(key)) missing(key);
  std::string s = read_string(file_, node(key), path(key));
  if (s.empty()) fail_expected(file_, node(key), path(key), "a non-empty string");
  return s;
}

std::string MapReader::opt_string(const std::string& key, const std::string& fallback) const {
  if (!has(key)) return fallback;
  const YAML::Node n = node(key);
  if (n.IsNull()) return fallback;
  return read_string(file_, n, path(key));
}

int MapReader::req_int(const std::string& key, int min_value) const {
  if (!has(key)) missing(key);
  const long long v = read_int(file_, node(key), path(key), min_value);
  if (v > INT_MAX) fail_expected(file_, node(key), path(key), fmt::format("an integer <= {}", INT_MAX));
  return static_cast<int>(v);
}

int MapReader::opt_int(const std::string& key, int min_value, int fallback) const {
  return has(key) ? req_int(key, min_value) : fallback;
}

std::optional<int> MapReader::maybe_int(const std::string& key, int min_value) const {
  if (!has(key)) return std::nullopt;
  return req_int(key, min_value);
}

double MapReader::opt_number(const std::string& key, double min_value, bool exclusive, double fallback) const {
  if (!has(key)) return fallback;
  return read_number(file_, node(key), path(key), min_value, exclusive);
}

std::optional<double> MapReader::maybe_number(const std::string& key, double min_value, bool exclusive) const {
  if (!has(key)) return std::nullopt;
  return read_number(file_, node(key), path(key), min_value, exclusive);
}

bool MapReader::opt_bool(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  return read_bool(file_, node(key), path(key));
}

std::vector<Number> MapReader::req_rates(const std::string& key) const {
  if (!has(key)) missing(key);
  return read_positive_numbers(file_, node(key), path(key));
}

std::string MapReader::req_choice(const std::string& key, const std::vector<std::string>& choices) const {
  if (!has(key)) missing(key);
  const YAML::Node n = node(key);
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  if (!n.IsScalar() || n.IsNull()) fail_expected(file_, n, path(key), "one of " + list);
  const std::string v = n.Scalar();
  if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
    std::string msg = fmt::format("expected one of {}, found {}", list, describe(n));
    const std::string hint = nearest_name(v, choices);
    if (!hint.empty()) msg += fmt::format(" (did you mean '{}'?)", hint);
    fail_at(file_, n, path(key), msg);
  }
  return v;
}

std::string MapReader::opt_choice(const std::string& key, const std::vector<std::string>& choices,
                                  const std::string& fallback) const {
  return has(key) ? req_choice(key, choices) : fallback;
}

}  // namespace lmbench::config
