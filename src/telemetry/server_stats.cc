#include "telemetry/server_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/files.h"
#include "metrics/percentile.h"
#include "metrics/prom_histogram.h"

namespace lmbench::telemetry {

namespace {

using Clock = std::chrono::steady_clock;

// Names per field, the current one first, then deprecated twins, other engines' names and the
// routers' (the production-stack router's vllm_router/services/metrics_service, labelled by
// `server`, one series per engine it routes to; lmbench router's lmbench_router_*, by `backend`).
// A router's page shares some engine names (vllm:num_requests_running, the prefix cache totals,
// which it mirrors from the engines as gauges); its own are listed last, so an engine's page
// never reads them.
const std::vector<std::string> kKvUsage = {"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage"};
const std::vector<std::string> kRunning = {"vllm:num_requests_running", "sglang:num_running_reqs", "lmbench_router_in_flight"};
const std::vector<std::string> kWaiting = {"vllm:num_requests_waiting", "sglang:num_queue_reqs"};
const std::vector<std::string> kPrefixHits = {"vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total"};
const std::vector<std::string> kPrefixQueries = {"vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total"};
// Hit rates published as gauges (SGLang's; the production-stack router's per engine, since each
// engine started): used only when the hit and query counts are not there.
const std::vector<std::string> kHitRateGauges = {"sglang:cache_hit_rate", "vllm:gpu_prefix_cache_hit_rate"};
const std::vector<std::string> kExternalHits = {"vllm:external_prefix_cache_hits_total"};
const std::vector<std::string> kExternalQueries = {"vllm:external_prefix_cache_queries_total"};
const std::vector<std::string> kPreemptions = {"vllm:num_preemptions_total", "vllm:num_preemption_total"};
const std::vector<std::string> kPromptTokens = {"vllm:prompt_tokens_total", "sglang:prompt_tokens_total", "vllm:input_tokens_total"};
const std::vector<std::string> kGenerationTokens = {"vllm:generation_tokens_total", "sglang:generation_tokens_total",
                                                    "vllm:output_tokens_total"};
// Routers count what they forwarded: production-stack every valid request that arrived (also
// when no engine could take it), lmbench router every request proxied to an engine.
const std::vector<std::string> kRequests = {"vllm:request_success_total", "sglang:num_requests_total",
                                            "vllm:num_incoming_requests_total", "lmbench_router_requests_total"};
const std::vector<std::string> kTtft = {"vllm:time_to_first_token_seconds", "sglang:time_to_first_token_seconds"};
const std::vector<std::string> kItl = {"vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds",
                                       "sglang:inter_token_latency_seconds", "sglang:time_per_output_token_seconds"};

// Every sample named `name` in the exposition (whatever family holds it).
std::vector<const Sample*> samples_named(const Exposition& e, std::string_view name) {
  std::vector<const Sample*> out;
  for (const auto& f : e.families) {
    for (const auto& s : f.samples) {
      if (s.name == name) out.push_back(&s);
    }
  }
  return out;
}

// The first of `names` present: its samples' sum (counters, counts) or mean (ratios).
std::optional<double> value_of(const Exposition& e, const std::vector<std::string>& names, bool mean) {
  for (const auto& n : names) {
    const auto found = samples_named(e, n);
    if (found.empty()) continue;
    double sum = 0;
    std::size_t count = 0;
    for (const auto* s : found) {
      if (std::isnan(s->value)) continue;
      sum += s->value;
      ++count;
    }
    if (count == 0) return std::nullopt;
    return mean ? sum / static_cast<double>(count) : sum;
  }
  return std::nullopt;
}

// The first of `names` present as a histogram.
std::optional<metrics::PromHistogram> histogram_of(const Exposition& e, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (auto h = summed_histogram(e, n)) return h;
  }
  return std::nullopt;
}

// Scrapes that answered, in order.
std::vector<const Scrape*> answered(const EndpointScrapes& e) {
  std::vector<const Scrape*> out;
  for (const auto& s : e.scrapes) {
    if (s.data) out.push_back(&s);
  }
  return out;
}

// The scrapes bounding the window for counters: the last at or before the start (else the
// first), the first at or after the end (else the last).
std::pair<const Scrape*, const Scrape*> bounds_of(const std::vector<const Scrape*>& ok, const RunWindow& w) {
  if (ok.empty()) return {nullptr, nullptr};
  const Scrape* before = ok.front();
  for (const auto* s : ok) {
    if (s->at <= w.start) before = s;
  }
  const Scrape* after = ok.back();
  for (auto it = ok.rbegin(); it != ok.rend(); ++it) {
    if ((*it)->at >= w.end) after = *it;
  }
  return {before, after};
}

double run_seconds(Clock::duration d, double scale) { return std::chrono::duration<double>(d).count() * scale; }

std::optional<double> counter_delta(const Scrape& a, const Scrape& b, const std::vector<std::string>& names) {
  const auto x = value_of(*a.data, names, false);
  const auto y = value_of(*b.data, names, false);
  if (!y) return std::nullopt;
  if (!x || *y < *x) return y;  // appeared during the window, or the server restarted: from zero
  return *y - *x;
}

std::optional<double> ratio(const std::optional<double>& num, const std::optional<double>& den) {
  if (!num || !den || *den <= 0) return std::nullopt;
  return *num / *den;
}

std::optional<metrics::PromHistogram> window_histogram(const std::optional<metrics::PromHistogram>& before,
                                                       const std::optional<metrics::PromHistogram>& after) {
  if (!after) return std::nullopt;
  return before ? metrics::histogram_delta(*after, *before) : *after;
}

Quantiles quantiles_ms(const std::optional<metrics::PromHistogram>& h) {
  Quantiles q;
  if (!h) return q;
  auto ms = [](std::optional<double> s) { return s ? std::optional<double>(*s * 1000) : std::nullopt; };
  q.p50 = ms(metrics::histogram_quantile(*h, 0.5));
  q.p90 = ms(metrics::histogram_quantile(*h, 0.9));
  q.p99 = ms(metrics::histogram_quantile(*h, 0.99));
  return q;
}

// Two engines' histograms as one (the same buckets; otherwise the first is kept).
void add_histogram(std::optional<metrics::PromHistogram>& total, const std::optional<metrics::PromHistogram>& h) {
  if (!h) return;
  if (!total) {
    total = h;
    return;
  }
  if (total->bounds != h->bounds) return;
  for (std::size_t i = 0; i < h->cumulative.size(); ++i) total->cumulative[i] += h->cumulative[i];
}

EndpointStats stats_of(const EndpointScrapes& e, const RunWindow& w) {
  EndpointStats st;
  st.endpoint = e.target.name;
  st.url = e.target.url;
  st.role = e.target.role;
  for (const auto& s : e.scrapes) {
    if (s.at < w.start || s.at > w.end) continue;
    ++st.scrapes;
    if (!s.data) ++st.gaps;
  }
  if (e.not_found) st.note = "no metrics page (HTTP 404 at " + e.target.url + ")";
  const auto ok = answered(e);
  st.answered = ok.size();
  if (ok.empty()) {
    if (st.note.empty() && !e.scrapes.empty()) st.note = "no scrape answered: " + e.scrapes.back().error;
    return st;
  }
  // Gauges: every answered scrape inside the window (the nearest one when none is).
  std::vector<const Scrape*> inside;
  for (const auto* s : ok) {
    if (s->at >= w.start && s->at <= w.end) inside.push_back(s);
  }
  if (inside.empty()) inside.push_back(bounds_of(ok, w).second);
  auto describe = [&](const std::vector<std::string>& names, bool mean, std::optional<double>* avg,
                      std::optional<double>* p99, std::optional<double>* max) {
    std::vector<double> v;
    for (const auto* s : inside) {
      if (const auto x = value_of(*s->data, names, mean)) v.push_back(*x);
    }
    if (v.empty()) return;
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    *avg = sum / static_cast<double>(v.size());
    if (p99) *p99 = metrics::percentile_sorted(v, 99);
    *max = v.back();
  };
  describe(kKvUsage, true, &st.kv_usage_mean, &st.kv_usage_p99, &st.kv_usage_max);
  describe(kRunning, false, &st.running_mean, nullptr, &st.running_max);
  describe(kWaiting, false, &st.waiting_mean, nullptr, &st.waiting_max);
  // Counters and histograms: what happened between the bounding scrapes.
  const auto [a, b] = bounds_of(ok, w);
  st.window_s = run_seconds(b->at - a->at, w.scale);
  st.prefix_hits = counter_delta(*a, *b, kPrefixHits);
  st.prefix_queries = counter_delta(*a, *b, kPrefixQueries);
  st.prefix_hit_rate = ratio(st.prefix_hits, st.prefix_queries);
  if (!st.prefix_hit_rate) {
    std::optional<double> unused;
    describe(kHitRateGauges, true, &st.prefix_hit_rate, nullptr, &unused);
  }
  st.external_hits = counter_delta(*a, *b, kExternalHits);
  st.external_queries = counter_delta(*a, *b, kExternalQueries);
  st.external_prefix_hit_rate = ratio(st.external_hits, st.external_queries);
  st.preemptions = counter_delta(*a, *b, kPreemptions);
  st.prompt_tokens = counter_delta(*a, *b, kPromptTokens);
  st.generation_tokens = counter_delta(*a, *b, kGenerationTokens);
  st.requests = counter_delta(*a, *b, kRequests);
  if (st.window_s && *st.window_s > 0) {
    if (st.prompt_tokens) st.prompt_tokens_per_s = *st.prompt_tokens / *st.window_s;
    if (st.generation_tokens) st.generation_tokens_per_s = *st.generation_tokens / *st.window_s;
  }
  st.ttft_hist = window_histogram(a == b ? std::nullopt : histogram_of(*a->data, kTtft), histogram_of(*b->data, kTtft));
  st.itl_hist = window_histogram(a == b ? std::nullopt : histogram_of(*a->data, kItl), histogram_of(*b->data, kItl));
  st.ttft_ms = quantiles_ms(st.ttft_hist);
  st.itl_ms = quantiles_ms(st.itl_hist);
  return st;
}

void add(std::optional<double>& total, const std::optional<double>& x) {
  if (x) total = total.value_or(0) + *x;
}

}  // namespace

std::optional<metrics::PromHistogram> summed_histogram(const Exposition& e, std::string_view name) {
  std::map<double, double> by_bound;
  const std::string bucket = std::string(name) + "_bucket";
  for (const auto* s : samples_named(e, bucket)) {
    const auto le = s->label("le");
    if (!le) continue;
    const std::string text(*le);
    const double bound = text == "+Inf" ? std::numeric_limits<double>::infinity() : std::strtod(text.c_str(), nullptr);
    by_bound[bound] += s->value;
  }
  if (by_bound.empty()) return std::nullopt;
  metrics::PromHistogram h;
  for (const auto& [b, c] : by_bound) {
    h.bounds.push_back(b);
    h.cumulative.push_back(c);
  }
  return h;
}

ServerStats server_stats(const std::vector<EndpointScrapes>& scrapes, const RunWindow& window) {
  ServerStats out;
  out.total.endpoint = "total";
  out.total.role = "engines";
  std::size_t kv_n = 0;
  for (const auto& e : scrapes) {
    out.endpoints.push_back(stats_of(e, window));
    const EndpointStats& s = out.endpoints.back();
    if (s.role != "engine") continue;
    EndpointStats& t = out.total;
    t.scrapes += s.scrapes;
    t.gaps += s.gaps;
    t.answered += s.answered;
    add_histogram(t.ttft_hist, s.ttft_hist);
    add_histogram(t.itl_hist, s.itl_hist);
    add(t.prefix_hits, s.prefix_hits);
    add(t.prefix_queries, s.prefix_queries);
    add(t.external_hits, s.external_hits);
    add(t.external_queries, s.external_queries);
    add(t.preemptions, s.preemptions);
    add(t.prompt_tokens, s.prompt_tokens);
    add(t.generation_tokens, s.generation_tokens);
    add(t.requests, s.requests);
    add(t.prompt_tokens_per_s, s.prompt_tokens_per_s);
    add(t.generation_tokens_per_s, s.generation_tokens_per_s);
    add(t.running_mean, s.running_mean);
    add(t.running_max, s.running_max);  // an upper bound: the engines' peaks need not coincide
    add(t.waiting_mean, s.waiting_mean);
    add(t.waiting_max, s.waiting_max);
    if (s.kv_usage_mean) {
      add(t.kv_usage_mean, s.kv_usage_mean);
      ++kv_n;
      t.kv_usage_max = std::max(t.kv_usage_max.value_or(0), *s.kv_usage_max);
      t.kv_usage_p99 = std::max(t.kv_usage_p99.value_or(0), *s.kv_usage_p99);
    }
  }
  if (kv_n > 0) *out.total.kv_usage_mean /= static_cast<double>(kv_n);
  out.total.prefix_hit_rate = ratio(out.total.prefix_hits, out.total.prefix_queries);
  out.total.external_prefix_hit_rate = ratio(out.total.external_hits, out.total.external_queries);
  out.total.ttft_ms = quantiles_ms(out.total.ttft_hist);
  out.total.itl_ms = quantiles_ms(out.total.itl_hist);
  return out;
}

namespace {

using OJson = nlohmann::ordered_json;

OJson num(const std::optional<double>& v, int digits = 4) {
  if (!v || !std::isfinite(*v)) return nullptr;
  const double f = std::pow(10.0, digits);
  return std::round(*v * f) / f;
}

OJson endpoint_json(const EndpointStats& s) {
  OJson j;
  j["endpoint"] = s.endpoint;
  if (!s.url.empty()) j["url"] = s.url;
  j["role"] = s.role;
  j["scrapes"] = s.scrapes;
  j["gaps"] = s.gaps;
  if (!s.note.empty()) j["note"] = s.note;
  j["kv_cache_usage"] = {{"mean", num(s.kv_usage_mean)}, {"p99", num(s.kv_usage_p99)}, {"max", num(s.kv_usage_max)}};
  j["requests_running"] = {{"mean", num(s.running_mean, 2)}, {"max", num(s.running_max, 2)}};
  j["requests_waiting"] = {{"mean", num(s.waiting_mean, 2)}, {"max", num(s.waiting_max, 2)}};
  j["prefix_cache_hit_rate"] = num(s.prefix_hit_rate);
  j["external_prefix_cache_hit_rate"] = num(s.external_prefix_hit_rate);
  j["preemptions"] = num(s.preemptions, 0);
  j["requests"] = num(s.requests, 0);
  j["prompt_tokens"] = num(s.prompt_tokens, 0);
  j["generation_tokens"] = num(s.generation_tokens, 0);
  j["prompt_tokens_per_s"] = num(s.prompt_tokens_per_s, 2);
  j["generation_tokens_per_s"] = num(s.generation_tokens_per_s, 2);
  j["ttft_ms"] = {{"p50", num(s.ttft_ms.p50, 3)}, {"p90", num(s.ttft_ms.p90, 3)}, {"p99", num(s.ttft_ms.p99, 3)}};
  j["itl_ms"] = {{"p50", num(s.itl_ms.p50, 3)}, {"p90", num(s.itl_ms.p90, 3)}, {"p99", num(s.itl_ms.p99, 3)}};
  return j;
}

OJson check(const char* what, const std::optional<double>& server, double client) {
  OJson j;
  j["server"] = num(server, 0);
  j["client"] = client;
  if (!server) {
    j["verdict"] = "not reported by the server";
    return j;
  }
  const double diff = client > 0 ? std::abs(*server - client) / client : (*server > 0 ? 1.0 : 0.0);
  j["difference"] = num(diff, 4);
  j["verdict"] = diff > 0.02 ? fmt::format("mismatch: the server counted {:.0f} {}, the client {:.0f}", *server, what, client)
                             : std::string("agree");
  return j;
}

}  // namespace

nlohmann::ordered_json server_json(const ServerStats& stats, const ClientFigures& client, double interval_s) {
  OJson j;
  j["interval_s"] = interval_s;
  OJson list = OJson::array();
  for (const auto& e : stats.endpoints) list.push_back(endpoint_json(e));
  j["endpoints"] = std::move(list);
  // Totals and cross-checks only where an engine said something.
  if (stats.total.answered == 0) return j;
  j["total"] = endpoint_json(stats.total);
  OJson checks;
  checks["requests"] = check("requests", stats.total.requests, static_cast<double>(client.requests));
  checks["prompt_tokens"] = check("prompt tokens", stats.total.prompt_tokens, client.prompt_tokens);
  checks["generation_tokens"] = check("generation tokens", stats.total.generation_tokens, client.generation_tokens);
  OJson gap;
  gap["client_p50_ms"] = num(client.ttft_p50_ms, 3);
  gap["server_p50_ms"] = num(stats.total.ttft_ms.p50, 3);
  gap["client_p99_ms"] = num(client.ttft_p99_ms, 3);
  gap["server_p99_ms"] = num(stats.total.ttft_ms.p99, 3);
  if (client.ttft_p50_ms && stats.total.ttft_ms.p50) {
    // The engine's histogram is bucketed: the difference is as coarse as its buckets.
    gap["p50_difference_ms"] = num(*client.ttft_p50_ms - *stats.total.ttft_ms.p50, 3);
  }
  gap["meaning"] = "client TTFT - engine TTFT: network, router and client time (engine quantiles are bucket interpolations)";
  checks["ttft_gap"] = std::move(gap);
  j["cross_checks"] = std::move(checks);
  return j;
}

void write_metrics_csv(const std::filesystem::path& path, const std::vector<EndpointScrapes>& scrapes,
                       const RunWindow& window) {
  std::string out = "time_s,endpoint,metric,labels,kind,value\n";
  auto quote = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  };
  auto row = [&](double t, const std::string& endpoint, const std::string& metric, const std::string& labels,
                 const char* kind, double value) {
    if (!std::isfinite(value)) return;
    out += fmt::format("{:.3f},{},{},{},{},{:.9g}\n", t, quote(endpoint), quote(metric), quote(labels), kind, value);
  };
  for (const auto& e : scrapes) {
    const Scrape* prev = nullptr;
    for (const auto& s : e.scrapes) {
      if (!s.data) continue;
      const double t = run_seconds(s.at - window.start, window.scale);
      for (const auto& f : s.data->families) {
        if (f.type == MetricType::kHistogram) {
          if (!prev) continue;
          // This interval's quantiles, per label set.
          std::map<std::string, std::pair<metrics::PromHistogram, metrics::PromHistogram>> by_set;
          auto collect = [&](const Exposition& x, bool now) {
            const Family* g = x.find(f.name);
            if (!g) return;
            std::map<std::string, std::map<double, double>> sets;
            for (const auto& smp : g->samples) {
              const auto le = smp.label("le");
              if (!le || smp.name != f.name + "_bucket") continue;
              const std::string text(*le);
              const double bound = text == "+Inf" ? std::numeric_limits<double>::infinity() : std::strtod(text.c_str(), nullptr);
              sets[label_key(smp.labels, "le")][bound] += smp.value;
            }
            for (const auto& [key, buckets] : sets) {
              metrics::PromHistogram h;
              for (const auto& [b, c] : buckets) {
                h.bounds.push_back(b);
                h.cumulative.push_back(c);
              }
              (now ? by_set[key].second : by_set[key].first) = std::move(h);
            }
          };
          collect(*prev->data, false);
          collect(*s.data, true);
          for (const auto& [key, pair] : by_set) {
            const auto d = pair.first.bounds.empty() ? pair.second : metrics::histogram_delta(pair.second, pair.first);
            if (d.count() <= 0) continue;
            for (const double q : {0.5, 0.9, 0.99}) {
              if (const auto v = metrics::histogram_quantile(d, q)) {
                row(t, e.target.name, f.name, key + (key.empty() ? "" : ",") + fmt::format("quantile=\"{}\"", q), "interval_quantile", *v);
              }
            }
          }
          continue;
        }
        for (const auto& smp : f.samples) {
          const std::string key = label_key(smp.labels);
          if (f.type == MetricType::kCounter) {
            if (!prev) continue;
            double before = 0;
            bool found = false;
            if (const Family* g = prev->data->find(f.name)) {
              for (const auto& p : g->samples) {
                if (p.name == smp.name && p.labels == smp.labels) {
                  before = p.value;
                  found = true;
                  break;
                }
              }
            }
            const double dt = run_seconds(s.at - prev->at, window.scale);
            if (!found || dt <= 0) continue;
            row(t, e.target.name, smp.name, key, "rate", (smp.value >= before ? smp.value - before : smp.value) / dt);
          } else {
            row(t, e.target.name, smp.name, key, f.type == MetricType::kSummary ? "summary" : "gauge", smp.value);
          }
        }
      }
      prev = &s;
    }
  }
  core::write_file_atomic(path, out);
}

std::string server_line(const ServerStats& stats) {
  const auto& t = stats.total;
  std::vector<std::string> parts;
  if (t.kv_usage_max) parts.push_back(fmt::format("KV usage max {:.0f}%", *t.kv_usage_max * 100));
  if (t.prefix_hit_rate) parts.push_back(fmt::format("prefix hits {:.0f}%", *t.prefix_hit_rate * 100));
  if (t.external_prefix_hit_rate) parts.push_back(fmt::format("LMCache hits {:.0f}%", *t.external_prefix_hit_rate * 100));
  if (t.waiting_max) parts.push_back(fmt::format("waiting max {:.0f}", *t.waiting_max));
  if (t.preemptions && *t.preemptions > 0) parts.push_back(fmt::format("preemptions {:.0f}", *t.preemptions));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace lmbench::telemetry
