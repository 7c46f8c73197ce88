#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <iterator>
#include <set>

#include "metrics/csv.h"
#include "report/run_curves.h"
#include "report/server_curves.h"
#include "report/svg_chart.h"
#include "report/verdicts.h"

namespace lmbench::report {

namespace {

constexpr const char* kStyle = R"css(
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:24px 32px;color:#222;background:#fafafa}
h1{font-size:26px;margin:0 0 4px}h2{font-size:22px;margin:36px 0 8px;border-bottom:2px solid #ddd;padding-bottom:4px}
h3{font-size:17px;margin:22px 0 6px}.meta{color:#666;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px;max-width:1800px}
.charts svg{width:100%;height:auto;background:#fff;border:1px solid #e3e3e3;border-radius:4px}
.legend{display:flex;flex-wrap:wrap;gap:18px;margin:8px 0 12px;font-size:14px}
.legend span{display:inline-flex;align-items:center;gap:6px}.sw{width:26px;height:4px;border-radius:2px;display:inline-block}
table{border-collapse:collapse;font-size:13px;background:#fff;margin-top:12px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f0f0f0}td.k,th.k{text-align:left}
tr:nth-child(even) td{background:#f8f8f8}td.fail{color:#b00;text-align:left}
.badge{padding:1px 6px;border-radius:8px;font-size:12px}.badge.valid{background:#e3f4e3;color:#186a18}
.badge.suspect{background:#fff2cc;color:#7a5b00}.badge.invalid{background:#fbe0e0;color:#a00}p.invalid{color:#b00}
.ct{font-size:14px;font-weight:bold;text-anchor:middle;fill:#222}.xt{font-size:11px;text-anchor:middle;fill:#444}
.yt{font-size:11px;text-anchor:end;fill:#444}.xl,.yl{font-size:12px;text-anchor:middle;fill:#333}
.grid{stroke:#e8e8e8;stroke-width:1}.frame{fill:none;stroke:#999;stroke-width:1}.nodata{font-size:13px;fill:#999;text-anchor:middle}
.notes{font-size:13px;color:#555}td.better{color:#186a18;font-weight:bold;text-align:left}td.noise{color:#666;text-align:left}
td.none{color:#999;text-align:left}.err line{stroke-linecap:butt}
)css";

std::string cell(const metrics::RunFile& run, const char* metric, const char* stat) {
  const auto v = run.stat(metric, stat);
  return v ? fmt::format("{:.2f}", *v) : "&mdash;";
}

std::string count_cell(const metrics::RunFile& run, const char* field) {
  const auto it = run.results.find(field);
  return it != run.results.end() && it->is_number() ? it->dump() : "&mdash;";
}

std::string legend(const std::vector<std::string>& keys) {
  std::string out = R"(<div class="legend">)";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    out += fmt::format(R"(<span><i class="sw" style="background:{}"></i>{}</span>)", series_color(i).hex(),
                       escape_html(keys[i]));
  }
  return out + "</div>";
}

std::string qps_label(const metrics::RunFile& run) {
  const auto it = run.workload.find("QPS");
  return it == run.workload.end() ? "?" : it->dump();
}

// The run's verdict on its own numbers, its reasons on hover.
std::string badge(const metrics::RunFile& run) {
  const std::string verdict = run.verdict();
  if (verdict.empty()) return "<td class=k>&mdash;</td>";
  std::string reasons;
  for (const auto& r : run.validity_reasons()) reasons += (reasons.empty() ? "" : "\n") + r;
  return fmt::format(R"(<td class=k><span class="badge {0}" title="{1}">{0}</span></td>)", escape_html(verdict),
                     escape_html(reasons.empty() ? "every check within its threshold" : reasons));
}

std::string table(const Comparison& c) {
  std::string out =
      "<table><tr><th class=k>baseline</th><th>QPS</th><th>TTFT p50</th><th>TTFT p99</th><th>ITL p50</th>"
      "<th>ITL p99</th><th>TPOT p50</th><th>TPOT p99</th><th>req/s</th><th>output tok/s</th><th>ok</th>"
      "<th>failed</th><th class=k>validity</th></tr>";
  // Rows by KEY then QPS, failed runs among them.
  std::vector<const metrics::RunFile*> runs;
  for (const auto& row : c.rows) {
    for (const auto& [key, p] : row.by_key) runs.insert(runs.end(), p.trials.begin(), p.trials.end());
  }
  runs.insert(runs.end(), c.failed_runs.begin(), c.failed_runs.end());
  auto trial_index = [](const metrics::RunFile* r) {
    const auto t = trial_of(*r);
    return t ? t->index : 0;
  };
  std::sort(runs.begin(), runs.end(), [&](const metrics::RunFile* a, const metrics::RunFile* b) {
    return std::tuple(a->key, a->qps().value_or(0), trial_index(a)) < std::tuple(b->key, b->qps().value_or(0), trial_index(b));
  });
  // Repeated trials: a row per trial, numbered.
  const bool any_trials = std::any_of(runs.begin(), runs.end(), [](const metrics::RunFile* r) { return trial_of(*r).has_value(); });
  if (any_trials) out.insert(out.find("<th>TTFT p50</th>"), "<th>trial</th>");
  // Load sent by several worker processes (fleet/): say how many, per run.
  const bool any_workers = std::any_of(runs.begin(), runs.end(), [](const metrics::RunFile* r) { return r->workers() > 1; });
  if (any_workers) out.insert(out.rfind("</tr>"), "<th>workers</th>");
  for (const auto* run : runs) {
    out += fmt::format("<tr><td class=k>{}</td><td>{}</td>", escape_html(run->key), escape_html(qps_label(*run)));
    if (any_trials) {
      const auto t = trial_of(*run);
      out += t ? fmt::format("<td>{}/{}</td>", t->index, t->count) : std::string("<td>&mdash;</td>");
    }
    const std::string workers_cell = any_workers ? fmt::format("<td>{}</td>", run->workers()) : "";
    if (run->failed()) {
      const auto msg = run->results.value("message", std::string());
      out += fmt::format("<td class=fail colspan=10>no successful request: {}</td>{}{}</tr>", escape_html(msg), badge(*run),
                         workers_cell);
      continue;
    }
    out += fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                       "<td>{}</td><td>{}</td>{}</tr>",
                       cell(*run, "ttft_ms", "median"), cell(*run, "ttft_ms", "p99"), cell(*run, "itl_ms", "median"),
                       cell(*run, "itl_ms", "p99"), cell(*run, "tpot_ms", "median"), cell(*run, "tpot_ms", "p99"),
                       run->results.contains("request_throughput_req_per_s")
                           ? fmt::format("{:.2f}", run->results["request_throughput_req_per_s"].get<double>())
                           : "&mdash;",
                       run->results.contains("output_token_throughput_tok_per_s")
                           ? fmt::format("{:.2f}", run->results["output_token_throughput_tok_per_s"].get<double>())
                           : "&mdash;",
                       count_cell(*run, "successful_requests"), count_cell(*run, "failed_requests"), badge(*run));
    out.insert(out.size() - 5, workers_cell);  // before this row's "</tr>"
  }
  return out + "</table><p class=meta>Latencies in ms (p50 = median). Throughputs over each run's measured window.</p>";
}

// Requests per engine of the runs at one QPS that went through a router (their CSV names engines):
// load imbalance, and which engine was slow.
std::string engines_table(const std::vector<std::pair<std::string, std::vector<BackendShare>>>& runs) {
  if (runs.empty()) return "";
  std::string out =
      "<table class=engines><tr><th class=k>baseline</th><th class=k>engine</th><th>requests</th><th>share</th>"
      "<th>failed</th><th>TTFT p50</th><th>mean prompt tokens</th><th>cache hit</th></tr>";
  for (const auto& [key, shares] : runs) {
    int total = 0;
    for (const auto& s : shares) total += s.requests;
    for (const auto& s : shares) {
      out += fmt::format("<tr><td class=k>{}</td><td class=k>{}</td><td>{}</td><td>{:.0f}%</td><td>{}</td><td>{}</td><td>{:.0f}</td><td>{}</td></tr>",
                         escape_html(key), escape_html(s.backend), s.requests, 100.0 * s.requests / std::max(1, total),
                         s.failed, s.ttft_p50_ms ? fmt::format("{:.2f}", *s.ttft_p50_ms) : std::string("&mdash;"),
                         s.mean_prompt_tokens,
                         s.cache_hit_rate ? fmt::format("{:.0f}%", 100 * *s.cache_hit_rate) : std::string("&mdash;"));
    }
  }
  return out + "</table><p class=meta>Requests per engine behind the router (each response's x-lmbench-backend); "
               "TTFT in ms; cache hit: the share of prompt tokens the engine served from its prefix cache, GPU or "
               "LMCache (usage.prompt_tokens_details.cached_tokens), where the server reports it.</p>";
}

// What the servers said per baseline and engine at one QPS (the run JSON's "server" blocks).
std::string server_table(const std::vector<ServerRow>& rows) {
  if (rows.empty()) return "";
  auto pct = [](const std::optional<double>& v) { return v ? fmt::format("{:.1f}%", *v * 100) : std::string("&mdash;"); };
  auto num = [](const std::optional<double>& v, const char* f) {
    return v ? fmt::format(fmt::runtime(f), *v) : std::string("&mdash;");
  };
  std::string out =
      "<table class=server><tr><th class=k>baseline</th><th class=k>endpoint</th><th>KV usage max</th>"
      "<th>prefix hit rate</th><th>LMCache hit rate</th><th>waiting max</th><th>preemptions</th>"
      "<th>engine TTFT p50</th><th>client TTFT p50</th><th class=k>note</th></tr>";
  for (const auto& r : rows) {
    out += fmt::format("<tr><td class=k>{}</td><td class=k>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                       "<td>{}</td><td>{}</td><td class=k>{}</td></tr>",
                       escape_html(r.key), escape_html(r.endpoint), pct(r.kv_max), pct(r.prefix_hit_rate),
                       pct(r.external_hit_rate), num(r.waiting_max, "{:.0f}"), num(r.preemptions, "{:.0f}"),
                       num(r.engine_ttft_p50_ms, "{:.1f}"), num(r.client_ttft_p50_ms, "{:.1f}"), escape_html(r.note));
  }
  return out + "</table><p class=meta>From each engine's and the router's /metrics during the run (the run JSON's "
               "\"server\" block): hit rates are the share of looked-up prompt tokens found in the GPU prefix cache "
               "and in the LMCache tier; engine TTFT is the engine's own histogram (bucket-interpolated), client TTFT "
               "what lmbench measured; the difference is network, router and client time.</p>";
}

// The CDF and in-flight charts of every baseline at each QPS.
std::string details(const Comparison& c, Notes* notes) {
  const auto keys = c.keys();
  std::string out;
  for (const auto& row : c.rows) {
    Panel ttft{"TTFT distribution", "TTFT (ms)", "fraction of requests", {}};
    Panel itl{"ITL distribution", "inter-token latency (ms)", "fraction of gaps", {}};
    Panel flight{"Requests in flight", "time since first send (s)", "requests in flight", {}};
    Panel kv{"KV cache usage (server)", "time since the run's start (s)", "share of the KV cache in use", {}};
    Panel waiting{"Requests waiting (server)", "time since the run's start (s)", "requests waiting", {}};
    std::vector<ServerRow> server;
    std::vector<std::pair<std::string, std::vector<BackendShare>>> engines;
    for (const auto& [key, point] : row.by_key) {
      const auto style = static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
      auto csv_path = point.run->path;
      csv_path.replace_extension(".csv");
      auto rows = metrics::read_csv(csv_path);
      if (!rows) {
        notes->push_back(fmt::format("{}: no curves, {}", point.run->path.filename().string(), rows.error().message));
        continue;
      }
      if (auto shares = backend_shares(*rows); !shares.empty()) engines.emplace_back(key, std::move(shares));
      RunCurves curves = run_curves(*rows, key, style);
      ttft.series.push_back(std::move(curves.ttft_cdf));
      itl.series.push_back(std::move(curves.itl_cdf));
      flight.series.push_back(std::move(curves.in_flight));
      // What its servers said, when they were read (telemetry/).
      auto metrics_csv = point.run->path;
      metrics_csv.replace_extension(".metrics.csv");
      if (std::filesystem::exists(metrics_csv)) {
        if (auto sc = server_curves(metrics_csv, key, style)) {
          for (auto& s : sc->kv_usage) kv.series.push_back(std::move(s));
          for (auto& s : sc->waiting) waiting.series.push_back(std::move(s));
        } else {
          notes->push_back(fmt::format("{}: no server curves, {}", metrics_csv.filename().string(), sc.error().message));
        }
      }
      for (auto& r : server_rows(*point.run)) server.push_back(std::move(r));
    }
    if (ttft.series.empty()) continue;
    auto x_range = [](const Panel& p) {
      double hi = 0;
      for (const auto& s : p.series) {
        for (const auto& pt : s.points) hi = std::max(hi, pt.first);
      }
      return nice_axis(0, hi, 6, true);
    };
    SvgOptions cdf_opt{460, 320, false, false, 1.0, false, "ms", ""};
    SvgOptions flight_opt{460, 320, false, true, 0, true, "s", "requests"};
    out += fmt::format("<h3>QPS {}</h3><div class=charts>", escape_html(row.qps_json.dump()));
    out += render_svg_chart(ttft, x_range(ttft), cdf_opt);
    out += render_svg_chart(itl, x_range(itl), cdf_opt);
    out += render_svg_chart(flight, x_range(flight), flight_opt);
    if (!kv.series.empty()) out += render_svg_chart(kv, x_range(kv), SvgOptions{460, 320, false, true, 1.0, false, "s", ""});
    if (!waiting.series.empty()) {
      out += render_svg_chart(waiting, x_range(waiting), SvgOptions{460, 320, false, true, 0, true, "s", "requests"});
    }
    out += "</div>";
    out += engines_table(engines);
    out += server_table(server);
  }
  return out;
}

std::string interval_cell(const metrics::MeanEstimate& e) {
  if (e.n == 0) return "<td>&mdash;</td>";
  if (!e.ci) return fmt::format("<td>{:.2f}</td>", e.mean);
  return fmt::format("<td>{:.2f} <span class=meta>[{:.2f}, {:.2f}]</span></td>", e.mean, e.ci->lo, e.ci->hi);
}

// Means across trials with their 95% t-intervals, for points measured more than once.
std::string trials_table(const Comparison& c) {
  std::string rows;
  for (const auto& row : c.rows) {
    for (const auto& [key, p] : row.by_key) {
      if (!p.has_trials()) continue;
      rows += fmt::format("<tr><td class=k>{}</td><td>{}</td><td>{}</td>", escape_html(key),
                          escape_html(row.qps_json.dump()), p.trials.size());
      for (const Figure f : kFigures) rows += interval_cell(p.estimate(f));
      rows += "</tr>";
    }
  }
  if (rows.empty()) return "";
  std::string out = "<h3>Means across trials</h3><table class=trials><tr><th class=k>baseline</th><th>QPS</th><th>trials</th>";
  for (const Figure f : kFigures) {
    out += fmt::format("<th>{} ({})</th>", escape_html(figure_info(f).label), escape_html(figure_info(f).unit));
  }
  return out + "</tr>" + rows +
         "</table><p class=meta>Mean of the trials' values [95% Student t-interval, n&minus;1 degrees of freedom]; "
         "charts draw the same intervals as error bars.</p>";
}

// Every pair of baselines at every QPS both have, per figure.
std::string verdicts_table(const Comparison& c) {
  const auto pairs = rate_verdicts(c);
  if (pairs.empty()) return "";
  const bool any = std::any_of(pairs.begin(), pairs.end(), [](const auto& p) { return p.trials_a >= 2 && p.trials_b >= 2; });
  if (!any) {
    return "<p class=meta>One trial per point: whether one baseline is faster than another beyond run-to-run "
           "noise cannot be said. Run with <code>--repeat N</code> (N &ge; 3) for intervals and verdicts.</p>";
  }
  std::string out =
      "<h3>Differences</h3><table class=verdicts><tr><th>QPS</th><th class=k>A</th><th class=k>B</th><th class=k>figure</th>"
      "<th>trials A/B</th><th>mean A</th><th>mean B</th><th>A &minus; B [95% CI]</th><th class=k>verdict</th></tr>";
  for (const auto& p : pairs) {
    for (const auto& f : p.figures) {
      const FigureInfo& info = figure_info(f.figure);
      const std::string diff =
          f.difference ? fmt::format("{:.2f} [{:.2f}, {:.2f}]", f.difference->estimate, f.difference->ci.lo, f.difference->ci.hi)
                       : fmt::format("{:.2f}", f.mean_a - f.mean_b);
      const char* cls = !f.better.empty() ? "better" : f.difference ? "noise" : "none";
      out += fmt::format("<tr><td>{}</td><td class=k>{}</td><td class=k>{}</td><td class=k>{} ({})</td><td>{}/{}</td>"
                         "<td>{:.2f}</td><td>{:.2f}</td><td>{}</td><td class={}>{}</td></tr>",
                         escape_html(p.qps_json.dump()), escape_html(p.a), escape_html(p.b), escape_html(info.label),
                         escape_html(info.unit), p.trials_a, p.trials_b, f.mean_a, f.mean_b, diff, cls, escape_html(f.text));
    }
  }
  return out + "</table><p class=meta>Difference of the means across trials with its 95% Welch t-interval. A "
               "verdict names a winner only when the interval excludes 0; with one trial on either side no "
               "interval exists and no verdict is given. Also in {WORKLOAD}_verdicts.json.</p>";
}

std::string workload_section(const Comparison& c, Notes* notes) {
  std::string out = fmt::format(R"(<section id="{0}"><h2>{0}</h2>)", escape_html(c.workload));
  out += legend(c.keys());
  double lo = 0, hi = 0;
  if (!c.rows.empty()) {
    lo = c.rows.front().qps;
    hi = c.rows.back().qps;
  }
  const Axis x = data_axis(lo, hi);
  out += "<div class=charts>";
  for (const Panel& p : comparison_panels(c)) {
    out += render_svg_chart(p, x, SvgOptions{560, 360, true, false, 0, false, "req/s", "ms", /*log_when_wide=*/true});
  }
  out += "</div>";
  if (const auto invalid = invalid_runs_line(c); !invalid.empty()) out += "<p class=invalid>" + escape_html(invalid) + "</p>";
  out += trials_table(c);
  out += verdicts_table(c);
  out += table(c);
  out += details(c, notes);
  return out + "</section>";
}

std::string slo_text(const CapacityFile& f) {
  std::string slo;
  for (const auto& [k, v] : f.slo.items()) slo += fmt::format("{}{} &le; {}", slo.empty() ? "" : ", ", escape_html(k), escape_html(v.dump()));
  return slo.empty() ? "&mdash;" : slo;
}

// The one number per baseline a reader should see first: capacity at the SLO, per workload.
std::string capacity_section(const std::vector<CapacityFile>& files) {
  if (files.empty()) return "";
  std::string out = R"(<section id="capacity"><h2>Capacity</h2>)";
  for (const auto& f : files) {
    out += fmt::format("<h3>{}</h3><table class=capacity><tr><th class=k>baseline</th><th>capacity</th><th>bracket</th>"
                       "<th>goodput target</th><th class=k>SLO</th><th>probes</th><th>precision reached</th>"
                       "<th class=k>status</th></tr>",
                       escape_html(f.workload));
    for (const auto& b : f.baselines) {
      std::string cap = "&mdash;";
      if (b.capacity) cap = fmt::format("{}{} {}", b.status == "at_max" ? "&ge; " : "", format_rate(*b.capacity), escape_html(f.unit));
      else if (b.status == "below_min" && f.min_qps) cap = fmt::format("&lt; {} {}", format_rate(*f.min_qps), escape_html(f.unit));
      std::string bracket = "&mdash;";
      if (const auto br = capacity_bracket(f, b)) {
        bracket = std::isinf(br->hi) ? fmt::format("[{}, &infin;)", format_rate(br->lo))
                                     : fmt::format("[{}, {}]", format_rate(br->lo), format_rate(br->hi));
      }
      const auto passed = std::count_if(b.probes.begin(), b.probes.end(), [](const CapacityProbe& p) { return p.passed; });
      out += fmt::format("<tr><td class=k>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=k>{}</td><td>{} ({} passed)</td>"
                         "<td>{}</td><td class=k>{}</td></tr>",
                         escape_html(b.key), cap, bracket,
                         f.goodput ? fmt::format("{}%", format_rate(*f.goodput * 100)) : std::string("&mdash;"), slo_text(f),
                         b.probes.size(), passed,
                         b.precision_reached ? fmt::format("{}%", format_rate(*b.precision_reached * 100)) : std::string("&mdash;"),
                         escape_html(describe_status(b)));
    }
    out += "</table>";
    const auto verdicts = capacity_verdicts(f);
    if (!verdicts.empty()) {
      out += "<table class=capacity-verdicts><tr><th class=k>A</th><th class=k>B</th><th class=k>verdict</th></tr>";
      for (const auto& v : verdicts) {
        out += fmt::format("<tr><td class=k>{}</td><td class=k>{}</td><td class={}>{}</td></tr>", escape_html(v.a),
                           escape_html(v.b), v.more.empty() ? "none" : "better", escape_html(v.text));
      }
      out += "</table>";
    }
    out += fmt::format("<p class=meta>Capacity: the highest {} at which at least the goodput target of requests met "
                       "every SLO bound ({}_capacity.json, chart {}_capacity.png). One search per baseline measures no "
                       "noise: a capacity verdict needs brackets that do not overlap.</p>",
                       escape_html(f.rate_key), escape_html(f.workload), escape_html(f.workload));
  }
  return out + "</section>";
}

}  // namespace

std::string render_html_report(const HtmlInput& in) {
  Notes notes = in.notes;
  std::set<std::string> sessions;
  for (const auto& r : *in.runs) {
    if (!r.session_id.empty()) sessions.insert(r.session_id);
  }
  std::string body;
  for (const auto& [workload, c] : *in.comparisons) body += workload_section(c, &notes);

  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>{0} \u2014 lmbench report</title>"
                 "<link rel=icon href=\"data:,\"><style>{1}</style></head><body><h1>{0}</h1>",
                 escape_html(in.suite), kStyle);
  std::string session_list;
  for (const auto& s : sessions) session_list += (session_list.empty() ? "" : ", ") + escape_html(s);
  fmt::format_to(it, "<p class=meta>{} run(s), {} workload(s){}{}</p>", in.runs->size(), in.comparisons->size(),
                 sessions.empty() ? "" : "; sessions: ", session_list);
  out += "<p class=meta>Charts show each run's mean (with repeated trials, the mean across trials and its 95% "
         "interval as an error bar); tables show p50 and p99. "
         "Percentiles use linear interpolation (numpy's default).</p>";
  if (in.capacities) out += capacity_section(*in.capacities);
  out += body;
  if (!notes.empty()) {
    out += "<h2>Notes</h2><ul class=notes>";
    for (const auto& n : notes) out += "<li>" + escape_html(n) + "</li>";
    out += "</ul>";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace lmbench::report
