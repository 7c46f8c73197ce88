#include "store/capacity_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "store/run_json.h"

namespace lmbench::store {

namespace {

using nlohmann::json;

struct SchemaError {
  std::string message;
};

std::string describe(const json* v) {
  if (v == nullptr) return "nothing";
  std::string text = v->dump();
  if (text.size() > 40) text = text.substr(0, 40) + "...";
  return text;
}

[[noreturn]] void fail(const std::string& path, std::string_view expected, const json* found) {
  if (found == nullptr) throw SchemaError{fmt::format("{}: missing (expected {})", path, expected)};
  throw SchemaError{fmt::format("{}: expected {}, found {}", path, expected, describe(found))};
}

const json* find(const json& obj, std::string_view field) {
  const auto it = obj.find(field);
  return it == obj.end() ? nullptr : &*it;
}

std::string required_string(const json& obj, const std::string& path, std::string_view field) {
  const json* v = find(obj, field);
  if (v == nullptr || !v->is_string() || v->get_ref<const std::string&>().empty()) {
    fail(path + std::string(field), "a non-empty string", v);
  }
  return v->get<std::string>();
}

std::string optional_string(const json& obj, std::string_view field, std::string fallback) {
  const json* v = find(obj, field);
  return v != nullptr && v->is_string() ? v->get<std::string>() : fallback;
}

// A number >= 0, or null/absent.
std::optional<double> optional_number(const json& obj, const std::string& path, std::string_view field) {
  const json* v = find(obj, field);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_number() || v->get<double>() < 0) fail(path + std::string(field), "a number >= 0 or null", v);
  return v->get<double>();
}

std::vector<CapacityRow> read(const json& doc, std::string_view suite_hint) {
  if (!is_capacity_document(doc)) {
    throw SchemaError{"(document): expected a capacity file (an object with \"workload\" and \"baselines\")"};
  }
  CapacityRow common;
  if (const json* name = find(doc, "name"); name != nullptr) {
    common.suite = required_string(doc, "", "name");
  } else if (!suite_hint.empty()) {
    common.suite = std::string(suite_hint);
  } else {
    throw SchemaError{"name: missing, and no suite given with the upload (the capacity file's suite folder name)"};
  }
  common.workload = required_string(doc, "", "workload");
  common.unit = optional_string(doc, "unit", "req/s");
  common.rate_key = optional_string(doc, "rate_key", "QPS");
  if (const json* slo = find(doc, "slo"); slo != nullptr) {
    if (!slo->is_object()) fail("slo", "an object", slo);
    // Canonical: keys sorted (nlohmann::json keeps them so), every number as a double, so 2000
    // and 2000.0 are the same SLO.
    json canonical = json::object();
    for (const auto& [k, v] : slo->items()) canonical[k] = v.is_number() ? json(v.get<double>()) : v;
    common.slo = canonical.dump();
  }
  common.goodput = optional_number(doc, "", "goodput");
  common.precision = optional_number(doc, "", "precision");
  common.min_qps = optional_number(doc, "", "min_qps");
  common.max_qps = optional_number(doc, "", "max_qps");
  std::vector<CapacityRow> rows;
  for (const auto& [key, b] : doc["baselines"].items()) {
    const std::string path = "baselines." + key + ".";
    if (key.empty()) throw SchemaError{"baselines: a baseline with an empty KEY"};
    if (!b.is_object()) fail("baselines." + key, "an object", &b);
    CapacityRow row = common;
    row.key = key;
    row.session_id = required_string(b, path, "session_id");
    row.timestamp = required_string(b, path, "timestamp");
    if (!is_timestamp(row.timestamp)) fail(path + "timestamp", "a string \"YYYYMMDD-HHMM\"", find(b, "timestamp"));
    row.status = required_string(b, path, "status");
    row.capacity = optional_number(b, path, "capacity");
    row.lower = optional_number(b, path, "lower");
    row.upper = optional_number(b, path, "upper");
    row.precision_reached = optional_number(b, path, "precision_reached");
    if ((row.status == "found" || row.status == "at_max") && !row.capacity) {
      fail(path + "capacity", "a number (status " + row.status + ")", find(b, "capacity"));
    }
    row.session_time = session_time_of(row.session_id, row.timestamp);
    row.entry = b.dump();
    rows.push_back(std::move(row));
  }
  return rows;  // items() of nlohmann::json walk keys in sorted order
}

}  // namespace

bool is_capacity_document(const json& doc) {
  if (!doc.is_object() || doc.contains("results")) return false;
  const json* baselines = find(doc, "baselines");
  const json* workload = find(doc, "workload");
  return baselines != nullptr && baselines->is_object() && workload != nullptr && workload->is_string();
}

bool is_capacity_json(std::string_view text) {
  if (too_deep_at(text, kMaxJsonDepth)) return false;
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return !doc.is_discarded() && is_capacity_document(doc);
}

std::string capacity_file_suite(const std::filesystem::path& file, std::string_view text) {
  if (too_deep_at(text, kMaxJsonDepth)) return {};
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !is_capacity_document(doc)) return {};
  if (const json* name = find(doc, "name"); name != nullptr && name->is_string()) return name->get<std::string>();
  for (const auto& [key, b] : doc["baselines"].items()) {
    const json* probes = b.is_object() ? find(b, "probes") : nullptr;
    if (probes == nullptr || !probes->is_array()) continue;
    for (const json& p : *probes) {
      const json* run = p.is_object() ? find(p, "run") : nullptr;
      if (run == nullptr || !run->is_string()) continue;
      const std::filesystem::path run_file = file.parent_path() / std::filesystem::path(run->get<std::string>()).filename();
      std::ifstream in(run_file, std::ios::binary);
      if (!in) continue;
      const json run_doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
      if (run_doc.is_object()) {
        if (const json* name = find(run_doc, "name"); name != nullptr && name->is_string()) {
          return name->get<std::string>();
        }
      }
    }
  }
  return std::filesystem::absolute(file).parent_path().filename().string();
}

core::Result<std::vector<CapacityRow>> parse_capacity_json(std::string_view text, std::string_view suite) {
  auto parsed = parse_uploaded_json(text);
  if (!parsed) return parsed.error();
  const json& doc = *parsed;
  try {
    return read(doc, suite);
  } catch (const SchemaError& e) {
    return core::Error{"schema", e.message};
  }
}

}  // namespace lmbench::store
