#pragma once
// Reads one YAML map of known keys: rejects unknown keys up front, then gives typed values with
// defaults. Used for every baseline, workload and values-file map.

#include <climits>
#include <optional>
#include <string>
#include <vector>

#include "config/yaml_read.h"

namespace lmbench::config {

// A non-fatal finding (a missing data file, an ignored key). Printed by `validate`.
struct Warning {
  core::SourceLocation where;
  std::string message;
};
std::string format_warning(const Warning& w);

class MapReader {
 public:
  // `path` names the map in messages ("Workload.Random[0]"); `context` is the noun used in
  // unknown-key messages ("Random"). A null map (a key with nothing after it) reads as empty.
  // `anchor` is where messages about an empty map point (its key), since yaml-cpp places a null
  // value at the start of the next token.
  MapReader(const YamlFile& file, const YAML::Node& map, std::string path, std::string context,
            const std::vector<std::string>& allowed, const YAML::Node& anchor = YAML::Node(YAML::NodeType::Undefined));

  const YamlFile& file() const { return file_; }
  const YAML::Node& map() const { return map_; }
  std::string path(const std::string& key) const { return path_ + "." + key; }
  const std::string& map_path() const { return path_; }
  bool has(const std::string& key) const;
  YAML::Node node(const std::string& key) const;
  core::SourceLocation where() const { return location_of(file_, located()); }
  core::SourceLocation where(const std::string& key) const;

  [[noreturn]] void missing(const std::string& key) const;
  // Throws "<path>.<key>: <message>" at the key's value.
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

  std::string req_string(const std::string& key) const;
  std::string opt_string(const std::string& key, const std::string& fallback) const;
  int req_int(const std::string& key, int min_value) const;
  int opt_int(const std::string& key, int min_value, int fallback) const;
  std::optional<int> maybe_int(const std::string& key, int min_value) const;
  double opt_number(const std::string& key, double min_value, bool exclusive, double fallback) const;
  std::optional<double> maybe_number(const std::string& key, double min_value, bool exclusive) const;
  bool opt_bool(const std::string& key, bool fallback) const;
  std::vector<Number> req_rates(const std::string& key) const;
  // One of `choices`; "expected one of a, b, c, found 'x'".
  std::string req_choice(const std::string& key, const std::vector<std::string>& choices) const;
  std::string opt_choice(const std::string& key, const std::vector<std::string>& choices,
                         const std::string& fallback) const;

 private:
  const YAML::Node& located() const { return map_.IsMap() || !anchor_.IsDefined() ? map_ : anchor_; }

  YamlFile file_;
  YAML::Node map_;
  YAML::Node anchor_;
  std::string path_;
};

}  // namespace lmbench::config
