#include "metrics/slo.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/clock.h"
#include "core/error.h"

namespace lmbench::metrics {

namespace {

constexpr std::string_view kKeys = "ttft_ms, tpot_ms, e2e_ms";

std::string_view trim(std::string_view s, std::size_t* offset) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
    ++*offset;
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void fail(const std::string& source, std::size_t column, const std::string& message) {
  throw core::ConfigError(core::SourceLocation{source, 1, static_cast<int>(column) + 1}, message);
}

}  // namespace

bool Slo::met_by(const RequestRecord& r) const {
  if (!r.ok()) return false;
  if (ttft_ms) {
    if (!r.has_first_token() || core::to_ms(r.first_token - r.actual_send) > *ttft_ms) return false;
  }
  if (tpot_ms && r.has_first_token() && r.output_tokens > 1) {
    const double tpot = core::to_ms(r.end - r.first_token) / (r.output_tokens - 1);
    if (tpot > *tpot_ms) return false;
  }
  if (e2e_ms && core::to_ms(r.end - r.actual_send) > *e2e_ms) return false;
  return true;
}

Slo parse_slo(std::string_view text, const std::string& source) {
  Slo slo;
  if (text.find_first_not_of(" \t") == std::string_view::npos) return slo;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::size_t item_at = pos;
    const std::string_view item = trim(text.substr(pos, comma - pos), &item_at);
    const bool last = comma == text.size();
    pos = comma + 1;
    if (item.empty()) {
      fail(source, item_at, fmt::format("expected key=value (keys: {}), found an empty item", kKeys));
    }
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      fail(source, item_at, fmt::format("expected key=value (keys: {}), found '{}'", kKeys, item));
    }
    std::size_t key_at = item_at;
    const std::string_view key = trim(item.substr(0, eq), &key_at);
    std::size_t value_at = item_at + eq + 1;
    const std::string_view value = trim(item.substr(eq + 1), &value_at);
    std::optional<double>* slot = nullptr;
    if (key == "ttft_ms") slot = &slo.ttft_ms;
    else if (key == "tpot_ms") slot = &slo.tpot_ms;
    else if (key == "e2e_ms") slot = &slo.e2e_ms;
    else fail(source, key_at, fmt::format("expected one of {}, found key '{}'", kKeys, key));
    double v = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc{} || end != value.data() + value.size() || !std::isfinite(v) || v <= 0) {
      fail(source, value_at,
           fmt::format("{}: expected a positive number of milliseconds, found '{}'", key, value));
    }
    if (slot->has_value()) fail(source, key_at, fmt::format("{}: given twice", key));
    *slot = v;
    if (last) break;
  }
  return slo;
}

std::string to_string(const Slo& slo) {
  std::string out;
  auto add = [&out](const char* key, const std::optional<double>& v) {
    if (!v) return;
    if (!out.empty()) out += ',';
    out += fmt::format("{}={}", key, *v);
  };
  add("ttft_ms", slo.ttft_ms);
  add("tpot_ms", slo.tpot_ms);
  add("e2e_ms", slo.e2e_ms);
  return out;
}

}  // namespace lmbench::metrics
