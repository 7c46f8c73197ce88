// GET /api/...: the UI's queries. Every value comes from the query string, is bound into one of
// the store's prepared statements, and comes back as JSON. Missing or malformed parameters are a
// 400 naming the parameter.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iterator>

#include <charconv>
#include <cmath>
#include <map>
#include <string>

#include "dashboard/handlers.h"
#include "dashboard/query.h"
#include "store/regress.h"
#include "store/metric.h"

namespace lmbench::dashboard {

namespace {

using Json = nlohmann::json;
using Params = std::map<std::string, std::string>;

Params params_of(const http::ServerRequest& request) {
  auto q = parse_query(request.query);
  if (!q.ok()) throw http::HttpError(400, q.error().message);
  return std::move(*q);
}

const std::string& required(const Params& params, const std::string& name) {
  const auto it = params.find(name);
  if (it == params.end() || it->second.empty()) {
    throw http::HttpError(400, "missing query parameter '" + name + "'", "", name);
  }
  return it->second;
}

// A yes/no query parameter: absent, "0" or "false" is no; "1" or "true" is yes.
bool flag_param(const Params& params, const std::string& name) {
  const auto it = params.find(name);
  if (it == params.end() || it->second == "0" || it->second == "false") return false;
  if (it->second == "1" || it->second == "true") return true;
  throw http::HttpError(400, "query parameter '" + name + "': expected 0, 1, true or false", "", name);
}

double number_param(const Params& params, const std::string& name, std::optional<double> fallback = std::nullopt) {
  const auto it = params.find(name);
  if (it == params.end() || it->second.empty()) {
    if (fallback) return *fallback;
    throw http::HttpError(400, "missing query parameter '" + name + "'", "", name);
  }
  const std::string& text = it->second;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    throw http::HttpError(400, "query parameter '" + name + "': expected a number, found '" + text + "'", "", name);
  }
  return value;
}

// The regression rule's settings of a request: threshold_pct (>= 0) and window (1..1000 sessions),
// each defaulting to the dashboard's own.
struct RegressionParams {
  double threshold_pct;
  int window;
};
RegressionParams regression_params(const Params& params, const Context& ctx) {
  const double threshold = number_param(params, "threshold_pct", ctx.options.regression_threshold_pct);
  const double window = number_param(params, "window", ctx.options.regression_window);
  if (threshold < 0) throw http::HttpError(400, "query parameter 'threshold_pct': expected >= 0", "", "threshold_pct");
  if (window < 1 || window != std::floor(window) || window > 1000) {
    throw http::HttpError(400, "query parameter 'window': expected a whole number of sessions from 1 to 1000", "",
                          "window");
  }
  return {threshold, static_cast<int>(window)};
}

store::Metric metric_param(const Params& params) {
  const std::string& name = required(params, "metric");
  const auto m = store::parse_metric(name);
  if (!m) throw http::HttpError(400, "unknown metric '" + name + "' (known: " + store::metric_names() + ")", "", "metric");
  return *m;
}

template <typename T>
T take(core::Result<T> r) {
  if (!r.ok()) throw_store_error(r.error());
  return std::move(*r);
}

http::ServerResponse json_response(const Json& body) { return http::ServerResponse::json(200, body.dump()); }

Json metric_json(store::Metric m) {
  const store::MetricInfo& info = store::metric_info(m);
  return {{"name", info.name},
          {"label", info.label},
          {"better", info.better == store::Better::kLower ? "lower" : "higher"}};
}

Json session_json(const store::SessionSummary& s) {
  return {{"session_id", s.session_id},     {"session_time", s.session_time}, {"first_timestamp", s.first_timestamp},
          {"last_timestamp", s.last_timestamp}, {"runs", s.runs},             {"failed_runs", s.failed_runs}};
}

Json point_json(const store::Point& p) {
  Json out = {{"qps", p.qps},
          {"session_id", p.session_id},
          {"session_time", p.session_time},
          {"timestamp", p.timestamp},
          {"ok", p.ok},
          {"value", p.value ? Json(*p.value) : Json(nullptr)},
          {"run_id", p.run_id},
          {"interrupted", p.interrupted},
          {"validity", p.validity.empty() ? Json(nullptr) : Json(p.validity)},
          {"trial", p.trial_index > 0 ? Json{{"index", p.trial_index}, {"count", p.trial_count}} : Json(nullptr)}};
  // A point of several trials (its value their mean) gains one key; single runs keep their shape.
  if (p.ci95) out["trials"] = {{"count", p.trials_averaged}, {"ci95", Json::array({p.ci95->lo, p.ci95->hi})}};
  return out;
}

// Series can hold thousands of points (250 sessions x 4 keys over time); they are written as text
// directly, which is several times faster than building nlohmann objects for each point.
void append_number(std::string& out, double v) { fmt::format_to(std::back_inserter(out), "{}", v); }
void append_string(std::string& out, std::string_view s) { out += Json(s).dump(); }

void append_point(std::string& out, const store::Point& p, const store::Judgement* j) {
  out += "{\"qps\":";
  append_number(out, p.qps);
  out += ",\"session_id\":";
  append_string(out, p.session_id);
  fmt::format_to(std::back_inserter(out), ",\"session_time\":{},\"timestamp\":", p.session_time);
  append_string(out, p.timestamp);
  out += p.ok ? ",\"ok\":true,\"value\":" : ",\"ok\":false,\"value\":";
  if (p.value) append_number(out, *p.value);
  else out += "null";
  fmt::format_to(std::back_inserter(out), ",\"run_id\":{},\"interrupted\":{},\"validity\":", p.run_id, p.interrupted);
  if (p.validity.empty()) out += "null";
  else append_string(out, p.validity);
  if (p.trial_index > 0) fmt::format_to(std::back_inserter(out), ",\"trial\":{{\"index\":{},\"count\":{}}}", p.trial_index, p.trial_count);
  else out += ",\"trial\":null";
  if (p.ci95) {
    fmt::format_to(std::back_inserter(out), ",\"trials\":{{\"count\":{},\"ci95\":[", p.trials_averaged);
    append_number(out, p.ci95->lo);
    out += ',';
    append_number(out, p.ci95->hi);
    out += "]}";
  }
  if (j != nullptr) {
    out += ",\"median\":";
    if (j->median) append_number(out, *j->median);
    else out += "null";
    fmt::format_to(std::back_inserter(out), ",\"history\":{},\"regressed\":{}", j->history, j->regressed);
  }
  out += '}';
}

// Points sorted by key come back as one line per key, in that order.
template <typename Fn>
Json lines_by_key(const std::vector<store::Point>& points, Fn&& add_points) {
  Json lines = Json::array();
  std::size_t begin = 0;
  while (begin < points.size()) {
    std::size_t end = begin;
    while (end < points.size() && points[end].key == points[begin].key) ++end;
    Json line = {{"key", points[begin].key}};
    add_points(line, std::span<const store::Point>(points.data() + begin, end - begin));
    lines.push_back(std::move(line));
    begin = end;
  }
  return lines;
}

}  // namespace

void throw_store_error(const core::Error& error) {
  throw http::HttpError(500, "results store: " + error.message, "store_error");
}

http::ServerResponse handle_metrics(Context&, const http::ServerRequest&) {
  Json out = Json::array();
  for (const auto& info : store::all_metrics()) out.push_back(metric_json(info.metric));
  return json_response(out);
}

http::ServerResponse handle_suites(Context& ctx, const http::ServerRequest&) {
  Json out = Json::array();
  for (const auto& s : take(ctx.store.suites())) {
    out.push_back({{"suite", s.suite}, {"workloads", s.workloads}, {"sessions", s.sessions}, {"runs", s.runs}});
  }
  return json_response(out);
}

http::ServerResponse handle_workloads(Context& ctx, const http::ServerRequest& request) {
  const Params params = params_of(request);
  Json out = Json::array();
  for (const auto& w : take(ctx.store.workloads(required(params, "suite")))) {
    out.push_back({{"workload", w.workload}, {"sessions", w.sessions}, {"runs", w.runs}});
  }
  return json_response(out);
}

http::ServerResponse handle_sessions(Context& ctx, const http::ServerRequest& request) {
  const Params params = params_of(request);
  Json out = Json::array();
  for (const auto& s : take(ctx.store.sessions(required(params, "suite"), required(params, "workload")))) {
    out.push_back(session_json(s));
  }
  return json_response(out);
}

http::ServerResponse handle_keys(Context& ctx, const http::ServerRequest& request) {
  const Params params = params_of(request);
  return json_response(Json(take(ctx.store.keys(required(params, "suite"), required(params, "workload")))));
}

http::ServerResponse handle_qps(Context& ctx, const http::ServerRequest& request) {
  const Params params = params_of(request);
  return json_response(Json(take(ctx.store.qps_values(required(params, "suite"), required(params, "workload")))));
}

// metric against QPS, one line per key, for one session (default: the newest).
http::ServerResponse handle_series_qps(Context& ctx, const http::ServerRequest& request) {
  const Params params = params_of(request);
  const std::string& suite = required(params, "suite");
  const std::string& workload = required(params, "workload");
  const store::Metric metric = metric_param(params);
  const auto sessions = take(ctx.store.sessions(suite, workload));
  const store::SessionSummary* session = nullptr;
  const auto wanted = params.find("session");
  for (const auto& s : sessions) {
    if (wanted == params.end() || wanted->second.empty() || wanted->second == s.session_id) {
      session = &s;
      break;
    }
  }
  if (session == nullptr) {
    throw http::HttpError(404, wanted == params.end() ? "no runs of workload '" + workload + "' in suite '" + suite + "'"
                                                      : "no session '" + wanted->second + "' for that workload",
                          "not_found", "session");
  }
  const auto points = take(ctx.store.metric_vs_qps(suite, workload, session->session_id, metric,
                                                   flag_param(params, "interrupted")));
  const Json lines = lines_by_key(points, [](Json& line, std::span<const store::Point> pts) {
    Json arr = Json::array();
    for (const auto& p : pts) arr.push_back(point_json(p));
    line["points"] = std::move(arr);
  });
  return json_response({{"suite", suite},
                        {"workload", workload},
                        {"metric", metric_json(metric)},
                        {"session", session_json(*session)},
                        {"lines", lines}});
}

// metric over time at one QPS: one point per session and key, with the regression flag.
http::ServerResponse handle_series_time(Context& ctx, const http::ServerRequest& request) {
  const Params params = params_of(request);
  const std::string& suite = required(params, "suite");
  const std::string& workload = required(params, "workload");
  const store::Metric metric = metric_param(params);
  const double qps = number_param(params, "qps");
  const auto [threshold, window] = regression_params(params, ctx);
  const store::Better better = store::metric_info(metric).better;
  const auto points = take(ctx.store.metric_over_time(suite, workload, qps, metric, flag_param(params, "interrupted")));
  const Json head = {{"suite", suite},  {"workload", workload},       {"qps", qps},
                     {"metric", metric_json(metric)}, {"threshold_pct", threshold}, {"window", window}};
  std::string out = head.dump();
  out.pop_back();  // the closing '}': the lines follow
  out += ",\"lines\":[";
  std::size_t begin = 0;
  while (begin < points.size()) {
    std::size_t end = begin;
    while (end < points.size() && points[end].key == points[begin].key) ++end;
    const std::span<const store::Point> line(points.data() + begin, end - begin);
    const auto judged = store::judge_series(line, better, threshold, window);
    if (begin > 0) out += ',';
    out += "{\"key\":";
    append_string(out, points[begin].key);
    out += judged.back().regressed ? ",\"latest_regressed\":true,\"points\":[" : ",\"latest_regressed\":false,\"points\":[";
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (i > 0) out += ',';
      append_point(out, line[i], &judged[i]);
    }
    out += "]}";
    begin = end;
  }
  out += "]}";
  return http::ServerResponse::json(200, std::move(out));
}

// Capacity per baseline over sessions for the workload page: one line per (workload label, KEY,
// SLO, goodput target), points in session order, each judged as the regression gate judges it
// (`lmbench regress --metrics capacity`: higher is better, store::judge_series).
http::ServerResponse handle_capacity(Context& ctx, const http::ServerRequest& request) {
  const Params params = params_of(request);
  const std::string& suite = required(params, "suite");
  const std::string& workload = required(params, "workload");
  const auto [threshold, window] = regression_params(params, ctx);
  const auto rows = take(ctx.store.capacity_series(suite, workload));
  auto same_line = [](const store::CapacityRow& a, const store::CapacityRow& b) {
    return a.workload == b.workload && a.key == b.key && a.slo == b.slo && a.goodput == b.goodput;
  };
  bool several_slos = false;
  for (const auto& r : rows) {
    several_slos = several_slos || r.slo != rows.front().slo || r.goodput != rows.front().goodput;
  }
  Json lines = Json::array();
  auto opt = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
  std::size_t begin = 0;
  while (begin < rows.size()) {
    std::size_t end = begin;
    while (end < rows.size() && same_line(rows[end], rows[begin])) ++end;
    const store::CapacityRow& first = rows[begin];
    std::vector<store::Point> points;
    for (std::size_t i = begin; i < end; ++i) {
      store::Point p;
      p.ok = rows[i].status != "below_min";
      if (rows[i].has_capacity()) p.value = rows[i].capacity;
      p.interrupted = rows[i].inconclusive();
      points.push_back(std::move(p));
    }
    const auto judged = store::judge_series(points, store::Better::kHigher, threshold, window);
    std::string name = first.key;
    if (first.workload != workload) name += " (" + first.workload + ")";
    if (several_slos) {
      name += " @ " + first.slo;
      if (first.goodput) name += fmt::format(" goodput {}", *first.goodput);
    }
    Json line = {{"name", name},
                 {"key", first.key},
                 {"workload", first.workload},
                 {"unit", first.unit},
                 {"rate_key", first.rate_key},
                 {"slo", Json::parse(first.slo, nullptr, false)},
                 {"goodput", opt(first.goodput)},
                 {"latest_regressed", judged.back().regressed}};
    Json pts = Json::array();
    for (std::size_t i = begin; i < end; ++i) {
      const store::CapacityRow& r = rows[i];
      const store::Judgement& j = judged[i - begin];
      pts.push_back({{"session_id", r.session_id},
                     {"session_time", r.session_time},
                     {"timestamp", r.timestamp},
                     {"status", r.status},
                     {"capacity", opt(r.capacity)},
                     {"lower", opt(r.lower)},
                     {"upper", opt(r.upper)},
                     {"min_qps", opt(r.min_qps)},
                     {"max_qps", opt(r.max_qps)},
                     {"precision_reached", opt(r.precision_reached)},
                     {"median", opt(j.median)},
                     {"history", j.history},
                     {"regressed", j.regressed},
                     {"id", r.id}});
    }
    line["points"] = std::move(pts);
    lines.push_back(std::move(line));
    begin = end;
  }
  return json_response({{"suite", suite},
                        {"workload", workload},
                        {"threshold_pct", threshold},
                        {"window", window},
                        {"lines", lines}});
}

// GET /api/runs/<id>: the stored document, byte for byte.
http::ServerResponse handle_run(Context& ctx, const http::ServerRequest& request) {
  constexpr std::string_view kPrefix = "/api/runs/";
  const std::string_view text = std::string_view(request.path).substr(kPrefix.size());
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw http::HttpError(400, "expected /api/runs/<positive id>, found '" + request.path + "'", "", "id");
  }
  auto doc = take(ctx.store.run_json(id));
  if (!doc) throw http::HttpError(404, "no run with id " + std::to_string(id), "not_found", "id");
  return http::ServerResponse::json(200, std::move(*doc));
}

}  // namespace lmbench::dashboard
