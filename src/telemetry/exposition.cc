#include "telemetry/exposition.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

namespace lmbench::telemetry {

namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }
bool label_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool label_char(char c) { return label_start(c) || (c >= '0' && c <= '9'); }
bool blank(char c) { return c == ' ' || c == '\t'; }

std::string shown(std::string_view s) {
  if (s.size() > 40) return fmt::format("'{}...'", s.substr(0, 40));
  return fmt::format("'{}'", s);
}

// One line being read, with the position for messages.
struct Cursor {
  std::string_view line;
  std::size_t pos = 0;
  std::size_t line_no = 0;

  bool done() const { return pos >= line.size(); }
  char peek() const { return done() ? '\0' : line[pos]; }
  void skip_blanks() {
    while (!done() && blank(line[pos])) ++pos;
  }
  core::Error error(const std::string& what) const {
    return core::Error{"format", fmt::format("line {}, column {}: {}", line_no, pos + 1, what)};
  }
  std::string_view take_while(bool (*pred)(char)) {
    const std::size_t start = pos;
    while (!done() && pred(line[pos])) ++pos;
    return line.substr(start, pos - start);
  }
};

std::optional<double> parse_value(std::string_view s) {
  // Go's ParseFloat, as Prometheus reads values: NaN and infinities in any case, optional sign.
  std::string lower;
  for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (lower == "+inf" || lower == "inf") return std::numeric_limits<double>::infinity();
  if (lower == "-inf") return -std::numeric_limits<double>::infinity();
  if (s.empty()) return std::nullopt;
  const std::string text(s);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  if (std::isnan(v) || std::isinf(v)) return std::nullopt;  // "nan(...)", "infinity": not Go's
  return v;
}

core::Result<std::string> read_label_value(Cursor& c) {
  if (c.peek() != '"') return c.error("expected '\"' to open a label value");
  ++c.pos;
  std::string out;
  while (!c.done()) {
    const char ch = c.line[c.pos++];
    if (ch == '"') return out;
    if (ch == '\\') {
      if (c.done()) break;
      const char e = c.line[c.pos++];
      if (e == '\\') out += '\\';
      else if (e == '"') out += '"';
      else if (e == 'n') out += '\n';
      else {
        --c.pos;
        return c.error(fmt::format("unknown escape '\\{}' in a label value", e));
      }
      continue;
    }
    out += ch;
  }
  return c.error("label value not closed with '\"'");
}

core::Result<Sample> read_sample(Cursor& c) {
  Sample s;
  s.name = std::string(c.take_while(name_char));
  c.skip_blanks();
  if (c.peek() == '{') {
    ++c.pos;
    for (;;) {
      c.skip_blanks();
      if (c.peek() == '}') {
        ++c.pos;
        break;
      }
      if (!label_start(c.peek())) return c.error("expected a label name or '}'");
      std::string key(c.take_while(label_char));
      c.skip_blanks();
      if (c.peek() != '=') return c.error(fmt::format("expected '=' after label name '{}'", key));
      ++c.pos;
      c.skip_blanks();
      auto value = read_label_value(c);
      if (!value) return value.error();
      for (const auto& [k, v] : s.labels) {
        if (k == key) return c.error(fmt::format("label '{}' given twice", key));
      }
      s.labels.emplace_back(std::move(key), std::move(*value));
      c.skip_blanks();
      if (c.peek() == ',') {
        ++c.pos;
        continue;
      }
      if (c.peek() == '}') {
        ++c.pos;
        break;
      }
      return c.error("expected ',' or '}' after a label");
    }
  }
  c.skip_blanks();
  const std::size_t at = c.pos;
  const std::string_view value = c.take_while([](char ch) { return !blank(ch); });
  const auto v = parse_value(value);
  if (!v) {
    c.pos = at;
    return c.error(value.empty() ? fmt::format("expected a value after '{}'", s.name)
                                 : fmt::format("{} is not a number", shown(value)));
  }
  s.value = *v;
  c.skip_blanks();
  if (!c.done()) {
    const std::size_t ts_at = c.pos;
    const std::string_view ts = c.take_while([](char ch) { return !blank(ch); });
    std::int64_t ms = 0;
    bool ok = !ts.empty();
    std::size_t i = (ok && ts[0] == '-') ? 1 : 0;
    ok = ok && i < ts.size();
    for (; ok && i < ts.size(); ++i) {
      if (ts[i] < '0' || ts[i] > '9' || ms > (std::numeric_limits<std::int64_t>::max() - 9) / 10) {
        ok = false;
        break;
      }
      ms = ms * 10 + (ts[i] - '0');
    }
    if (!ok) {
      c.pos = ts_at;
      return c.error(fmt::format("{} is not a timestamp (integer milliseconds)", shown(ts)));
    }
    s.timestamp_ms = ts[0] == '-' ? -ms : ms;
    c.skip_blanks();
    if (!c.done()) return c.error("unexpected text after the timestamp");
  }
  return s;
}

std::optional<MetricType> type_named(std::string_view t) {
  if (t == "counter") return MetricType::kCounter;
  if (t == "gauge") return MetricType::kGauge;
  if (t == "histogram") return MetricType::kHistogram;
  if (t == "summary") return MetricType::kSummary;
  if (t == "untyped") return MetricType::kUntyped;
  return std::nullopt;
}

std::string unescape_help(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == 'n')) {
      out += s[i + 1] == 'n' ? '\n' : '\\';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const char* to_string(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
    case MetricType::kSummary: return "summary";
    case MetricType::kUntyped: return "untyped";
  }
  return "untyped";
}

std::optional<std::string_view> Sample::label(std::string_view key) const {
  for (const auto& [k, v] : labels) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

const Family* Exposition::find(std::string_view name) const {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

core::Result<Exposition> parse_exposition(std::string_view text, const ParseLimits& limits) {
  Exposition out;
  std::map<std::string, std::size_t, std::less<>> index;  // family name -> position
  std::size_t samples = 0;
  auto family = [&](std::string_view name) -> Family& {
    if (const auto it = index.find(name); it != index.end()) return out.families[it->second];
    index.emplace(std::string(name), out.families.size());
    out.families.push_back(Family{std::string(name), MetricType::kUntyped, "", {}});
    return out.families.back();
  };
  // The family a sample belongs to: its own name, or a histogram's/summary's it suffixes.
  auto owner = [&](std::string_view name) -> Family& {
    for (std::string_view suffix : {"_bucket", "_sum", "_count", "_total", "_created"}) {
      if (!ends_with(name, suffix)) continue;
      const auto base = name.substr(0, name.size() - suffix.size());
      const auto it = index.find(base);
      if (it == index.end()) continue;
      const auto type = out.families[it->second].type;
      const bool histogram_part = suffix == "_bucket" || suffix == "_sum" || suffix == "_count";
      // A counter declared without its _total (the OpenMetrics habit) owns name_total.
      if ((type == MetricType::kHistogram && histogram_part) ||
          (type == MetricType::kSummary && histogram_part && suffix != "_bucket") ||
          (type == MetricType::kCounter && !histogram_part)) {
        return out.families[it->second];
      }
    }
    return family(name);
  };
  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > limits.max_line) {
      return core::Error{"format", fmt::format("line {}: longer than {} bytes", line_no, limits.max_line)};
    }
    Cursor c{line, 0, line_no};
    c.skip_blanks();
    if (c.done()) {
      if (end == text.size()) break;
      continue;
    }
    if (c.peek() == '#') {
      ++c.pos;
      c.skip_blanks();
      const auto word = c.take_while([](char ch) { return !blank(ch); });
      if (word != "HELP" && word != "TYPE") continue;  // a comment
      c.skip_blanks();
      if (!name_start(c.peek())) return c.error(fmt::format("expected a metric name after # {}", word));
      const std::string name(c.take_while(name_char));
      if (!c.done() && !blank(c.peek())) return c.error(fmt::format("unexpected character in metric name '{}'", name));
      c.skip_blanks();
      const auto rest = line.substr(c.pos);
      if (word == "HELP") {
        Family& f = family(name);
        f.help = unescape_help(rest);
        continue;
      }
      auto type_text = rest;
      while (!type_text.empty() && blank(type_text.back())) type_text.remove_suffix(1);
      const auto type = type_named(type_text);
      if (!type) return c.error(fmt::format("unknown metric type {} (counter, gauge, histogram, summary or untyped)", shown(type_text)));
      const bool existed = index.count(name) > 0;
      Family& f = family(name);
      if (existed && (!f.samples.empty() || f.type != MetricType::kUntyped)) {
        return c.error(fmt::format("TYPE of '{}' given after its samples or twice", name));
      }
      f.type = *type;
      continue;
    }
    if (!name_start(c.peek())) return c.error(fmt::format("expected a metric name, found {}", shown(line.substr(c.pos, 20))));
    auto sample = read_sample(c);
    if (!sample) return sample.error();
    if (++samples > limits.max_samples) {
      return core::Error{"format", fmt::format("line {}: more than {} samples", line_no, limits.max_samples)};
    }
    Family& f = owner(sample->name);
    if (f.type == MetricType::kHistogram && ends_with(sample->name, "_bucket") && !sample->label("le")) {
      return core::Error{"format", fmt::format("line {}: histogram bucket '{}' without an 'le' label", line_no, sample->name)};
    }
    f.samples.push_back(std::move(*sample));
    if (end == text.size()) break;
  }
  return out;
}

std::string label_key(const Labels& labels, std::string_view drop) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (k == drop) continue;
    if (!out.empty()) out += ',';
    out += k;
    out += "=\"";
    for (char ch : v) {
      if (ch == '"' || ch == '\\') out += '\\';
      if (ch == '\n') {
        out += "\\n";
        continue;
      }
      out += ch;
    }
    out += '"';
  }
  return out;
}

}  // namespace lmbench::telemetry
