#include "config/yaml_read.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <regex>

#include "core/files.h"

namespace lmbench::config {

namespace {

bool is_quoted(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "!"; }

const std::regex& int_re() {
  static const std::regex re(R"([-+]?[0-9]+)");
  return re;
}
const std::regex& float_re() {
  static const std::regex re(R"([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?)");
  return re;
}

bool is_null_word(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::optional<bool> bool_word(const std::string& s) {
  static const std::map<std::string, bool> kWords = {
      {"true", true},   {"True", true},   {"TRUE", true},   {"yes", true}, {"Yes", true},
      {"YES", true},    {"on", true},     {"On", true},     {"ON", true},  {"false", false},
      {"False", false}, {"FALSE", false}, {"no", false},    {"No", false}, {"NO", false},
      {"off", false},   {"Off", false},   {"OFF", false}};
  const auto it = kWords.find(s);
  if (it == kWords.end()) return std::nullopt;
  return it->second;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string int_expectation(long long min_value) {
  if (min_value == 0) return "a non-negative integer";
  if (min_value == 1) return "a positive integer";
  return fmt::format("an integer >= {}", min_value);
}

}  // namespace

YAML::Node load_yaml_file(const std::filesystem::path& path, const std::string& display) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw core::ConfigError(display + ": file not found");
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const std::exception& e) {
    throw core::ConfigError(display + ": cannot read: " + e.what());
  }
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw core::ConfigError({display, e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
}

core::SourceLocation location_of(const YamlFile& file, const YAML::Node& node) {
  core::SourceLocation where{file.display, 0, 0};
  try {
    const YAML::Mark m = node.Mark();
    if (m.line >= 0) {
      where.line = m.line + 1;
      where.column = m.column + 1;
    }
  } catch (const YAML::Exception&) {
    // An undefined node (a missing key) has no position; the caller names the map instead.
  }
  return where;
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return node.size() == 0 ? "an empty list" : "a list";
  std::string text = node.Scalar();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  if (is_quoted(node)) return fmt::format("'\"{}\"' (a quoted string)", text);
  return fmt::format("'{}'", text);
}

void fail_at(const YamlFile& file, const YAML::Node& node, std::string_view path, std::string_view message) {
  if (path.empty()) throw core::ConfigError(location_of(file, node), std::string(message));
  throw core::ConfigError(location_of(file, node), fmt::format("{}: {}", path, message));
}

void fail_expected(const YamlFile& file, const YAML::Node& node, std::string_view path, std::string_view expected) {
  fail_at(file, node, path, fmt::format("expected {}, found {}", expected, describe(node)));
}

std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string needle = lower(name);
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(needle, lower(c));
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // Close enough to be a typo: a third of the name, at least one edit, and never the whole word.
  const std::size_t limit = std::max<std::size_t>(1, needle.size() / 3);
  if (best_d <= limit && best_d < needle.size()) return best;
  return "";
}

void check_keys(const YamlFile& file, const YAML::Node& map, std::string_view context,
                const std::vector<std::string>& allowed) {
  std::map<std::string, int> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    const std::string name = key.IsScalar() ? key.Scalar() : describe(key);
    const int line = location_of(file, key).line;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string msg = fmt::format("unknown key '{}' in {}", name, context);
      const std::string hint = nearest_name(name, allowed);
      if (!hint.empty()) msg += fmt::format(" (did you mean '{}'?)", hint);
      fail_at(file, key, "", msg);
    }
    const auto [pos, inserted] = seen.emplace(name, line);
    if (!inserted) {
      fail_at(file, key, "", fmt::format("duplicate key '{}' in {} (first given on line {})", name, context, pos->second));
    }
  }
}

YAML::Node child(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node key_node(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->first;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool has(const YAML::Node& map, const std::string& key) { return child(map, key).IsDefined(); }

std::string read_string(const YamlFile& file, const YAML::Node& node, std::string_view path) {
  if (!node.IsDefined() || node.IsNull() || !node.IsScalar()) fail_expected(file, node, path, "a string");
  return node.Scalar();
}

long long read_int(const YamlFile& file, const YAML::Node& node, std::string_view path, long long min_value) {
  const std::string expected = int_expectation(min_value);
  if (!node.IsDefined() || !node.IsScalar() || is_quoted(node) || !std::regex_match(node.Scalar(), int_re())) {
    fail_expected(file, node, path, expected);
  }
  errno = 0;
  const long long v = std::strtoll(node.Scalar().c_str(), nullptr, 10);
  if (errno == ERANGE || v < min_value) fail_expected(file, node, path, expected);
  return v;
}

double read_number(const YamlFile& file, const YAML::Node& node, std::string_view path, double min_value,
                   bool min_exclusive) {
  std::string expected;
  if (min_value == 0.0) {
    expected = min_exclusive ? "a positive number" : "a non-negative number";
  } else {
    expected = fmt::format("a number {} {}", min_exclusive ? ">" : ">=", min_value);
  }
  if (!node.IsDefined() || !node.IsScalar() || is_quoted(node) || !std::regex_match(node.Scalar(), float_re())) {
    fail_expected(file, node, path, expected);
  }
  const double v = std::strtod(node.Scalar().c_str(), nullptr);
  if (!std::isfinite(v) || v < min_value || (min_exclusive && v == min_value)) fail_expected(file, node, path, expected);
  return v;
}

bool read_bool(const YamlFile& file, const YAML::Node& node, std::string_view path) {
  if (!node.IsDefined() || !node.IsScalar() || is_quoted(node)) fail_expected(file, node, path, "true or false");
  const auto b = bool_word(node.Scalar());
  if (!b) fail_expected(file, node, path, "true or false");
  return *b;
}

std::vector<Number> read_positive_numbers(const YamlFile& file, const YAML::Node& node, std::string_view path) {
  constexpr std::string_view kExpected = "a list of positive numbers";
  if (!node.IsDefined() || !node.IsSequence() || node.size() == 0) fail_expected(file, node, path, kExpected);
  std::vector<Number> out;
  for (const auto& item : node) {
    if (!item.IsScalar() || is_quoted(item) || !std::regex_match(item.Scalar(), float_re())) {
      fail_expected(file, item, path, kExpected);
    }
    const double v = std::strtod(item.Scalar().c_str(), nullptr);
    if (!std::isfinite(v) || v <= 0.0) fail_expected(file, item, path, kExpected);
    out.push_back({v, item.Scalar(), location_of(file, item)});
  }
  return out;
}

std::vector<std::string> read_string_list(const YamlFile& file, const YAML::Node& node, std::string_view path) {
  if (!node.IsDefined() || !node.IsSequence() || node.size() == 0) {
    fail_expected(file, node, path, "a non-empty list of strings");
  }
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) fail_expected(file, item, path, "a non-empty list of strings");
    out.push_back(item.Scalar());
  }
  return out;
}

nlohmann::ordered_json scalar_to_json(const YAML::Node& scalar) {
  const std::string& s = scalar.Scalar();
  if (is_quoted(scalar)) return s;
  if (is_null_word(s)) return nullptr;
  if (const auto b = bool_word(s)) return *b;
  if (std::regex_match(s, int_re())) {
    errno = 0;
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno != ERANGE) return v;
  }
  if (std::regex_match(s, float_re())) return std::strtod(s.c_str(), nullptr);
  return s;
}

nlohmann::ordered_json to_json(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return nullptr;
  if (node.IsScalar()) return scalar_to_json(node);
  if (node.IsSequence()) {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& item : node) arr.push_back(to_json(item));
    return arr;
  }
  auto obj = nlohmann::ordered_json::object();
  for (auto it = node.begin(); it != node.end(); ++it) {
    obj[it->first.IsScalar() ? it->first.Scalar() : std::string("?")] = to_json(it->second);
  }
  return obj;
}

}  // namespace lmbench::config
