#pragma once
// Typed reads from yaml-cpp nodes with errors that name file, line, column, key path, what was
// expected and what was found (STYLE.md "Errors"). Every reader throws core::ConfigError.
//
// yaml-cpp 0.7 marks are 0-based; everything here reports 1-based lines and columns.

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace lmbench::config {

// The file a node came from, as the user should see it in messages.
struct YamlFile {
  std::string display;  // e.g. "0-bench-specs/bad.yaml"
};

// A number as the user wrote it: QPS values print in file names exactly as written ("0.7", "2").
struct Number {
  double value = 0.0;
  std::string text;            // Node::Scalar(), e.g. "0.70"
  core::SourceLocation where;  // the scalar itself
};

// Parses `path` (shown as `display`). Throws ConfigError "display: file not found" when missing
// and "display:line:col: invalid YAML: <reason>" on a syntax error.
YAML::Node load_yaml_file(const std::filesystem::path& path, const std::string& display);

core::SourceLocation location_of(const YamlFile& file, const YAML::Node& node);

// "'fast'", "a map", "a list", "nothing" (null or missing): the "found" part of messages.
std::string describe(const YAML::Node& node);

// Throws "file:line:col: <path>: <message>".
[[noreturn]] void fail_at(const YamlFile& file, const YAML::Node& node, std::string_view path,
                          std::string_view message);
// Throws "file:line:col: <path>: expected <expected>, found <describe(node)>".
[[noreturn]] void fail_expected(const YamlFile& file, const YAML::Node& node, std::string_view path,
                                std::string_view expected);

// The candidate closest to `name` by edit distance (case-insensitive), when close enough to be a
// plausible typo; "" otherwise.
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// Rejects keys not in `allowed` ("unknown key 'X' in <context> (did you mean 'Y'?)") and keys
// given twice. `map` must be a map.
void check_keys(const YamlFile& file, const YAML::Node& map, std::string_view context,
                const std::vector<std::string>& allowed);

// A map's entry or an undefined node. Never inserts (yaml-cpp's non-const operator[] does).
YAML::Node child(const YAML::Node& map, const std::string& key);
bool has(const YAML::Node& map, const std::string& key);
// The key node itself (for messages about a key whose value is empty); undefined when absent.
YAML::Node key_node(const YAML::Node& map, const std::string& key);

// Typed scalars. `path` is the dotted key path used in messages ("Workload.Random[0].NUM_USERS").
// Numbers and booleans must be plain (unquoted) scalars, as YAML types them.
std::string read_string(const YamlFile& file, const YAML::Node& node, std::string_view path);
long long read_int(const YamlFile& file, const YAML::Node& node, std::string_view path,
                   long long min_value);
double read_number(const YamlFile& file, const YAML::Node& node, std::string_view path,
                   double min_value, bool min_exclusive);
bool read_bool(const YamlFile& file, const YAML::Node& node, std::string_view path);
// A non-empty list of positive numbers ("QPS: [0.7, 2]").
std::vector<Number> read_positive_numbers(const YamlFile& file, const YAML::Node& node,
                                          std::string_view path);
std::vector<std::string> read_string_list(const YamlFile& file, const YAML::Node& node,
                                          std::string_view path);

// Scalar resolution as PyYAML's safe_load does it (the original LMBench read specs that way), so
// the result JSON lists values with the types users expect: plain "2" -> 2, "0.7" -> 0.7,
// "true" -> true, "~" -> null, quoted scalars stay strings. Keys keep the file's order.
nlohmann::ordered_json to_json(const YAML::Node& node);
nlohmann::ordered_json scalar_to_json(const YAML::Node& scalar);

}  // namespace lmbench::config
