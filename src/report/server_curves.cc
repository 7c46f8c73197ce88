#include "report/server_curves.h"

#include <charconv>
#include <map>

#include "core/files.h"
#include "metrics/csv.h"

namespace lmbench::report {

namespace {

// The first of these present in a run's metrics decides (vLLM's name, its deprecated twin,
// SGLang's), so one engine is never counted twice.
const std::vector<std::string> kKv = {"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage"};
const std::vector<std::string> kWaiting = {"vllm:num_requests_waiting", "sglang:num_queue_reqs"};

std::optional<double> number(const std::string& s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> json_number(const nlohmann::ordered_json& j, std::initializer_list<const char*> path) {
  const nlohmann::ordered_json* at = &j;
  for (const char* k : path) {
    if (!at->is_object()) return std::nullopt;
    const auto it = at->find(k);
    if (it == at->end()) return std::nullopt;
    at = &*it;
  }
  return at->is_number() ? std::optional<double>(at->get<double>()) : std::nullopt;
}

}  // namespace

core::Result<ServerCurves> server_curves(const std::filesystem::path& path, const std::string& name, std::size_t style) {
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const std::exception& e) {
    return core::Error{"io", e.what()};
  }
  auto rows = metrics::split_csv(text, path.string());
  if (!rows) return rows.error();
  if (rows->empty() || rows->front() != std::vector<std::string>{"time_s", "endpoint", "metric", "labels", "kind", "value"}) {
    return core::Error{"format", path.string() + ": not a metrics CSV (expected time_s,endpoint,metric,labels,kind,value)"};
  }
  // endpoint -> metric -> points (summed over label sets at one time).
  std::map<std::string, std::map<std::string, std::map<double, double>>> by;
  for (std::size_t i = 1; i < rows->size(); ++i) {
    const auto& r = (*rows)[i];
    if (r.size() != 6 || r[1] == "router" || r[4] != "gauge") continue;
    const bool wanted = std::find(kKv.begin(), kKv.end(), r[2]) != kKv.end() ||
                        std::find(kWaiting.begin(), kWaiting.end(), r[2]) != kWaiting.end();
    if (!wanted) continue;
    const auto t = number(r[0]);
    const auto v = number(r[5]);
    if (!t || !v) continue;
    by[r[1]][r[2]][*t] += *v;
  }
  ServerCurves out;
  auto pick = [&](const std::map<std::string, std::map<double, double>>& metrics, const std::vector<std::string>& names,
                  const std::string& series_name) -> std::optional<Series> {
    for (const auto& n : names) {
      const auto it = metrics.find(n);
      if (it == metrics.end()) continue;
      Series s{series_name, style, {}, {}};
      for (const auto& [t, v] : it->second) s.points.emplace_back(t, v);
      return s;
    }
    return std::nullopt;
  };
  for (const auto& [endpoint, metrics] : by) {
    const std::string series_name = by.size() == 1 ? name : name + " " + endpoint;
    if (auto s = pick(metrics, kKv, series_name)) out.kv_usage.push_back(std::move(*s));
    if (auto s = pick(metrics, kWaiting, series_name)) out.waiting.push_back(std::move(*s));
  }
  return out;
}

std::vector<ServerRow> server_rows(const metrics::RunFile& run) {
  std::vector<ServerRow> out;
  const auto it = run.extra.find("server");
  if (it == run.extra.end() || !it->is_object()) return out;
  const auto& server = *it;
  auto row_of = [&](const nlohmann::ordered_json& e) {
    ServerRow r;
    r.key = run.series();
    r.endpoint = e.value("endpoint", "");
    r.kv_max = json_number(e, {"kv_cache_usage", "max"});
    r.prefix_hit_rate = json_number(e, {"prefix_cache_hit_rate"});
    r.external_hit_rate = json_number(e, {"external_prefix_cache_hit_rate"});
    r.waiting_max = json_number(e, {"requests_waiting", "max"});
    r.preemptions = json_number(e, {"preemptions"});
    r.engine_ttft_p50_ms = json_number(e, {"ttft_ms", "p50"});
    r.note = e.value("note", "");
    return r;
  };
  if (const auto eps = server.find("endpoints"); eps != server.end() && eps->is_array()) {
    for (const auto& e : *eps) out.push_back(row_of(e));
  }
  if (const auto total = server.find("total"); total != server.end() && total->is_object() && out.size() > 1) {
    out.push_back(row_of(*total));
  }
  const auto client = json_number(server, {"cross_checks", "ttft_gap", "client_p50_ms"});
  for (auto& r : out) r.client_ttft_p50_ms = client;
  return out;
}

}  // namespace lmbench::report
