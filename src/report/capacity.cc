#include "report/capacity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/files.h"

namespace lmbench::report {

namespace fs = std::filesystem;

namespace {

std::optional<double> number(const nlohmann::ordered_json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<int> integer(const nlohmann::ordered_json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return static_cast<int>(std::lround(it->get<double>()));
}

std::string text(const nlohmann::ordered_json& j, const char* key, std::string fallback = {}) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool flag(const nlohmann::ordered_json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

// The capacity as a phrase: "1.23", "at least 64", "below 0.1", "unknown".
std::string capacity_phrase(const CapacityFile& file, const CapacityBaseline& b) {
  if (b.status == "below_min") return "below " + format_rate(file.min_qps.value_or(b.upper.value_or(0)));
  if (!b.capacity) return "unknown";
  if (b.status == "at_max") return "at least " + format_rate(*b.capacity);
  return format_rate(*b.capacity);
}

}  // namespace

std::string format_rate(double v) {
  std::string s = fmt::format("{:.3f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

core::Result<CapacityFile> parse_capacity_file(std::string_view text_in, const fs::path& origin) {
  const auto j = nlohmann::ordered_json::parse(text_in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return core::Error{"capacity", fmt::format("{}: not a JSON object", origin.filename().string())};
  }
  const auto baselines = j.find("baselines");
  if (baselines == j.end() || !baselines->is_object()) {
    return core::Error{"capacity", fmt::format("{}: no \"baselines\" object", origin.filename().string())};
  }
  CapacityFile f;
  f.path = origin;
  f.workload = text(j, "workload");
  if (f.workload.empty()) {
    // The file name says it: {WORKLOAD}_capacity.json.
    std::string stem = origin.stem().string();
    f.workload = stem.ends_with("_capacity") ? stem.substr(0, stem.size() - 9) : stem;
  }
  f.rate_key = text(j, "rate_key", "QPS");
  f.unit = text(j, "unit", "req/s");
  if (const auto it = j.find("slo"); it != j.end() && it->is_object()) f.slo = *it;
  f.goodput = number(j, "goodput");
  f.precision = number(j, "precision");
  f.min_qps = number(j, "min_qps");
  f.max_qps = number(j, "max_qps");
  for (const auto& [key, v] : baselines->items()) {
    if (!v.is_object()) continue;
    CapacityBaseline b;
    b.key = key;
    b.capacity = number(v, "capacity");
    b.status = text(v, "status", "unknown");
    b.lower = number(v, "lower");
    b.upper = number(v, "upper");
    b.precision_reached = number(v, "precision_reached");
    b.session_id = text(v, "session_id");
    b.timestamp = text(v, "timestamp");
    if (const auto probes = v.find("probes"); probes != v.end() && probes->is_array()) {
      for (const auto& p : *probes) {
        if (!p.is_object() || !number(p, "rate")) continue;
        b.probes.push_back(CapacityProbe{*number(p, "rate"), integer(p, "requests"), integer(p, "good"),
                                         number(p, "goodput"), flag(p, "passed"), flag(p, "early_stop"),
                                         text(p, "run")});
      }
    }
    f.baselines.push_back(std::move(b));
  }
  std::sort(f.baselines.begin(), f.baselines.end(),
            [](const CapacityBaseline& a, const CapacityBaseline& b) { return a.key < b.key; });
  return f;
}

std::vector<CapacityFile> load_capacity_files(const fs::path& dir, Notes* notes) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json" && e.path().stem().string().ends_with("_capacity")) {
      paths.push_back(e.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<CapacityFile> out;
  for (const auto& p : paths) {
    std::string content;
    try {
      content = core::read_file(p);
    } catch (const std::exception& e) {
      notes->push_back(fmt::format("{}: skipped, {}", p.filename().string(), e.what()));
      continue;
    }
    auto f = parse_capacity_file(content, p);
    if (!f) {
      notes->push_back(fmt::format("{}: skipped, {}", p.filename().string(), f.error().message));
      continue;
    }
    if (!core::is_safe_file_name(f->workload)) {
      notes->push_back(fmt::format("{}: skipped, workload {}", p.filename().string(), core::unsafe_file_name_message(f->workload)));
      continue;
    }
    out.push_back(std::move(*f));
  }
  std::sort(out.begin(), out.end(), [](const CapacityFile& a, const CapacityFile& b) { return a.workload < b.workload; });
  return out;
}

std::string describe_status(const CapacityBaseline& b) {
  if (b.status == "found") return "found";
  if (b.status == "at_max") return "hit max_qps (a lower bound)";
  if (b.status == "below_min") return "below min_qps";
  if (b.status == "interrupted") return "search interrupted";
  if (b.status == "failed") return "search failed";
  return b.status;
}

std::optional<Bracket> capacity_bracket(const CapacityFile& file, const CapacityBaseline& b) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (b.status == "at_max") {
    const auto lo = b.lower ? b.lower : b.capacity ? b.capacity : file.max_qps;
    if (!lo) return std::nullopt;
    return Bracket{*lo, kInf};
  }
  if (b.status == "below_min") {
    const auto hi = b.upper ? b.upper : file.min_qps;
    if (!hi) return std::nullopt;
    return Bracket{0, *hi};
  }
  if (b.status == "found" && b.lower && b.upper) return Bracket{*b.lower, *b.upper};
  return std::nullopt;
}

std::vector<CapacityVerdict> capacity_verdicts(const CapacityFile& file) {
  std::vector<CapacityVerdict> out;
  const auto& bs = file.baselines;
  for (std::size_t i = 0; i < bs.size(); ++i) {
    for (std::size_t k = i + 1; k < bs.size(); ++k) {
      const CapacityBaseline &a = bs[i], &b = bs[k];
      CapacityVerdict v{a.key, b.key, a.capacity, b.capacity, capacity_bracket(file, a), capacity_bracket(file, b), "", ""};
      if (!v.bracket_a || !v.bracket_b) {
        const CapacityBaseline& missing = v.bracket_a ? b : a;
        v.text = fmt::format("no verdict possible: {} has no bracket ({})", missing.key, describe_status(missing));
      } else if (v.bracket_a->lo > v.bracket_b->hi || v.bracket_b->lo > v.bracket_a->hi) {
        // Disjoint: every rate one passed lies above every rate the other failed. Brackets that
        // only touch (one passed where the other failed, once each) are not enough.
        const bool a_more = v.bracket_a->lo > v.bracket_b->hi;
        const CapacityBaseline &hi = a_more ? a : b, &lo = a_more ? b : a;
        v.more = hi.key;
        v.text = fmt::format("{} carries more: {} vs {} {} (brackets do not overlap)", hi.key, capacity_phrase(file, hi),
                             capacity_phrase(file, lo), file.unit);
      } else {
        v.text = "no verdict possible: one search per baseline and the brackets overlap";
      }
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace lmbench::report
