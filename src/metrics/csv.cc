#include "metrics/csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "core/files.h"

namespace lmbench::metrics {

namespace {

constexpr const char* kColumns[] = {
    "prompt_tokens", "generation_tokens", "ttft", "generation_time", "user_id", "question_id",
    "launch_time", "finish_time", "request_id", "outcome", "error_kind", "error_message", "warmup",
    "e2e_latency", "scheduling_lag", "output_tokens_source", "backend", "chunks", "itl_ms", "cached_tokens",
    "client_lag"};

std::string quote(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

void append_row(std::string& out, const RequestRecord& r, bool worker_column) {
  const double launch = unix_seconds(r.launch_wall);
  // A record without an end (never set) finishes at its launch rather than before it.
  const core::TimePoint end = std::max(r.end, r.actual_send);
  const double finish = launch + core::to_seconds(end - r.actual_send);
  std::string ttft, generation;
  if (r.has_first_token()) {
    ttft = fmt::format("{}", core::to_seconds(r.first_token - r.actual_send));
    generation = fmt::format("{}", core::to_seconds(r.end - r.first_token));
  }
  std::string itl;
  for (std::size_t i = 1; i < r.chunk_times.size(); ++i) {
    if (i > 1) itl += ' ';
    itl += fmt::format("{:.3f}", core::to_ms(r.chunk_times[i] - r.chunk_times[i - 1]));
  }
  fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{:.6f},{:.6f},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                 r.prompt_tokens, r.output_tokens, ttft, generation, quote(r.user_id), r.round, launch,
                 finish, r.request_id, outcome_name(r.outcome), quote(r.error_kind), quote(r.error_message),
                 r.warmup ? 1 : 0, core::to_seconds(end - r.actual_send),
                 core::to_seconds(r.actual_send - r.intended_send), token_source_name(r.output_token_source),
                 quote(r.backend), r.chunk_times.size(), itl,
                 r.cached_tokens ? std::to_string(*r.cached_tokens) : std::string(), core::to_seconds(client_lag(r)));
  if (worker_column) {
    out.back() = ',';
    out += r.worker ? std::to_string(*r.worker) : std::string();
    out += '\n';
  }
}

template <typename T>
bool parse_number(const std::string& s, T* out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

core::Result<std::vector<std::vector<std::string>>> split_csv(std::string_view text, const std::string& origin) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool row_has_data = false;
  int line = 1;
  int quote_line = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      quote_line = line;
      row_has_data = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      row_has_data = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (row_has_data || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      row_has_data = false;
      ++line;
    } else {
      field += c;
      row_has_data = true;
    }
  }
  if (quoted) return core::Error{"format", fmt::format("{}:{}: unterminated quoted field", origin, quote_line)};
  if (row_has_data || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string csv_header() {
  std::string h;
  for (const char* c : kColumns) {
    if (!h.empty()) h += ',';
    h += c;
  }
  return h + "\n";
}

std::string to_csv(std::span<const RequestRecord> records) {
  // A run sent by several workers (fleet/) says which one sent each request.
  const bool worker_column = std::any_of(records.begin(), records.end(), [](const RequestRecord& r) { return r.worker.has_value(); });
  std::string out = csv_header();
  if (worker_column) {
    out.back() = ',';
    out += "worker\n";
  }
  out.reserve(out.size() + records.size() * 160);
  for (const auto& r : records) append_row(out, r, worker_column);
  return out;
}

void write_csv(const std::filesystem::path& path, std::span<const RequestRecord> records) {
  core::write_file_atomic(path, to_csv(records));
}

core::Result<std::vector<CsvRow>> parse_csv(std::string_view text, const std::string& origin) {
  auto split = split_csv(text, origin);
  if (!split) return split.error();
  auto& rows = *split;
  if (rows.empty()) return core::Error{"format", fmt::format("{}: empty file, expected a header row", origin)};
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  for (const char* required : {"ttft", "launch_time", "finish_time"}) {
    if (!col.count(required)) {
      return core::Error{"format", fmt::format("{}:1: expected a column '{}' in the header", origin, required)};
    }
  }
  std::vector<CsvRow> out;
  out.reserve(rows.size() - 1);
  for (std::size_t n = 1; n < rows.size(); ++n) {
    const auto& fields = rows[n];
    CsvRow row;
    std::string bad;
    auto get = [&](const char* name) -> const std::string* {
      const auto it = col.find(name);
      if (it == col.end() || it->second >= fields.size()) return nullptr;
      return &fields[it->second];
    };
    auto number = [&](const char* name, auto* dst) {
      const std::string* f = get(name);
      if (!f || f->empty()) return;
      if (!parse_number(*f, dst) && bad.empty()) {
        bad = fmt::format("column {} ({}): expected a number, found '{}'", col[name] + 1, name, *f);
      }
    };
    auto optional_number = [&](const char* name, std::optional<double>* dst) {
      const std::string* f = get(name);
      if (!f || f->empty()) return;
      double v = 0;
      number(name, &v);
      *dst = v;
    };
    number("prompt_tokens", &row.prompt_tokens);
    number("generation_tokens", &row.generation_tokens);
    optional_number("ttft", &row.ttft_s);
    optional_number("generation_time", &row.generation_time_s);
    number("question_id", &row.question_id);
    number("launch_time", &row.launch_time);
    number("finish_time", &row.finish_time);
    if (const auto* f = get("user_id")) row.user_id = *f;
    if (const auto* f = get("outcome"); f && !f->empty()) row.outcome = *f;
    if (const auto* f = get("warmup")) row.warmup = *f == "1";
    if (const auto* f = get("backend")) row.backend = *f;
    if (const auto* f = get("cached_tokens"); f && !f->empty()) {
      int cached = 0;
      number("cached_tokens", &cached);
      row.cached_tokens = cached;
    }
    if (const auto* f = get("itl_ms"); f && !f->empty()) {
      std::size_t pos = 0;
      while (pos < f->size()) {
        std::size_t space = f->find(' ', pos);
        if (space == std::string::npos) space = f->size();
        double v = 0;
        const std::string item = f->substr(pos, space - pos);
        if (!parse_number(item, &v) && bad.empty()) {
          bad = fmt::format("column {} (itl_ms): expected numbers, found '{}'", col["itl_ms"] + 1, item);
        }
        row.itl_ms.push_back(v);
        pos = space + 1;
      }
    }
    if (!bad.empty()) return core::Error{"format", fmt::format("{}:{}: {}", origin, n + 1, bad)};
    out.push_back(std::move(row));
  }
  return out;
}

core::Result<std::vector<CsvRow>> read_csv(const std::filesystem::path& path) {
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const std::exception& e) {
    return core::Error{"io", e.what()};
  }
  return parse_csv(text, path.string());
}

}  // namespace lmbench::metrics

