#include "suite/capacity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <variant>

#include "core/overloaded.h"
#include "metrics/summary_json.h"

namespace lmbench::suite {

using core::Overloaded;

namespace {

// Shortest text of a probe rate ("0.1", "1.25", "64").
std::string rate_text(double rate) { return fmt::format("{}", round_rate(rate)); }

config::Number number(double value) {
  const double v = std::stod(fmt::format("{:.6g}", value));
  return config::Number{v, fmt::format("{}", v), {}};
}

nlohmann::ordered_json slo_json(const config::CapacitySpec& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (c.ttft_ms) j["ttft_ms"] = *c.ttft_ms;
  if (c.tpot_ms) j["tpot_ms"] = *c.tpot_ms;
  if (c.e2e_ms) j["e2e_ms"] = *c.e2e_ms;
  if (c.ttft_p99_ms) j["ttft_p99_ms"] = *c.ttft_p99_ms;
  if (c.tpot_p99_ms) j["tpot_p99_ms"] = *c.tpot_p99_ms;
  return j;
}

nlohmann::ordered_json opt(const std::optional<double>& v, int digits) {
  return v ? nlohmann::ordered_json(metrics::round_to(*v, digits)) : nlohmann::ordered_json(nullptr);
}

}  // namespace

const char* to_string(CapacityStatus status) {
  switch (status) {
    case CapacityStatus::kSearching: return "searching";
    case CapacityStatus::kFound: return "found";
    case CapacityStatus::kBelowMin: return "below_min";
    case CapacityStatus::kAtMax: return "at_max";
  }
  return "?";
}

double round_rate(double rate) {
  if (!(rate > 0)) return rate;
  return std::stod(fmt::format("{:.4g}", rate));
}

CapacitySearch::CapacitySearch(config::CapacitySpec spec) : spec_(std::move(spec)) {}

bool CapacitySearch::judge_p99(const ProbeResult& p) const {
  if (spec_.ttft_p99_ms && (!p.ttft_p99_ms || *p.ttft_p99_ms > *spec_.ttft_p99_ms)) return false;
  if (spec_.tpot_p99_ms && p.tpot_p99_ms && *p.tpot_p99_ms > *spec_.tpot_p99_ms) return false;
  return true;
}

void CapacitySearch::add(ProbeResult p) {
  auto it = std::find_if(verdicts_.begin(), verdicts_.end(), [&](const auto& v) { return v.first == p.rate; });
  if (it == verdicts_.end()) {
    verdicts_.push_back({p.rate, Verdict{}});
    it = std::prev(verdicts_.end());
  }
  Verdict& v = it->second;
  v.p99_ok = v.p99_ok && judge_p99(p);  // every run at the rate keeps its p99 bounds
  v.good += p.good;
  v.requests += p.requests;
  p.repeat = v.runs > 0;
  ++v.runs;
  const double g = spec_.goodput;
  const double n = static_cast<double>(v.requests);
  const double share = n == 0 ? 0.0 : static_cast<double>(v.good) / n;
  v.passed = n > 0 && static_cast<double>(v.good) >= g * n && v.p99_ok;
  // Too close to call: within two standard errors of the target. Never after an early stop (its
  // failure was certain) nor for a target of 1 (one miss settles it).
  v.close = !p.early_stop && n > 0 && g < 1.0 && std::abs(share - g) <= 2.0 * std::sqrt(g * (1 - g) / n);
  p.passed = v.passed;
  probes_.push_back(std::move(p));
  const auto up = upper();
  repeat_at_.reset();
  if (v.close && v.runs == 1 && (!v.passed || (up && it->first < *up))) repeat_at_ = it->first;
}

std::optional<double> CapacitySearch::upper() const {
  std::optional<double> out;
  for (const auto& [rate, v] : verdicts_) {
    if (!v.passed && (!out || rate < *out)) out = rate;
  }
  return out;
}

std::optional<double> CapacitySearch::lower() const {
  const auto up = upper();
  std::optional<double> out;
  for (const auto& [rate, v] : verdicts_) {
    if (v.passed && (!up || rate < *up) && (!out || rate > *out)) out = rate;
  }
  return out;
}

// The capacity found, when its only run was too close to call: probed once more before the end.
std::optional<double> CapacitySearch::confirm() const {
  const auto low = lower();
  if (!low) return std::nullopt;
  for (const auto& [rate, v] : verdicts_) {
    if (rate == *low && v.close && v.runs == 1) return rate;
  }
  return std::nullopt;
}

std::optional<double> CapacitySearch::next() const {
  if (repeat_at_) return repeat_at_;
  if (probes_.empty()) return round_rate(spec_.min_qps);
  const auto low = lower();
  const auto up = upper();
  if (!low) return std::nullopt;  // min_qps already failed
  if (!up) {
    if (*low >= round_rate(spec_.max_qps)) return confirm();
    return round_rate(std::min(*low * 2.0, spec_.max_qps));
  }
  const double mid = round_rate(std::sqrt(*low * *up));
  // Done at the precision asked, or when 4 significant digits cannot split the bracket further.
  if ((*up - *low) / *low <= spec_.precision || mid <= *low || mid >= *up) return confirm();
  return mid;
}

CapacityStatus CapacitySearch::status() const {
  if (next()) return CapacityStatus::kSearching;
  if (!lower()) return CapacityStatus::kBelowMin;
  if (!upper()) return CapacityStatus::kAtMax;
  return CapacityStatus::kFound;
}

std::optional<double> CapacitySearch::precision_reached() const {
  const auto low = lower();
  const auto up = upper();
  if (!low || !up) return std::nullopt;
  return (*up - *low) / *low;
}

metrics::Slo capacity_slo(const config::CapacitySpec& spec) {
  metrics::Slo slo;
  slo.ttft_ms = spec.ttft_ms;
  slo.tpot_ms = spec.tpot_ms;
  slo.e2e_ms = spec.e2e_ms;
  return slo;
}

bool capacity_stop_rule(std::size_t finished, std::size_t good, double goodput) {
  if (finished < 50) return false;
  const double n = static_cast<double>(finished);
  const double p = static_cast<double>(good) / n;
  constexpr double z = 3.09;  // one-sided 99.9%
  const double upper = (p + z * z / (2 * n) + z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n);
  return upper < goodput;
}

std::string capacity_unit(const config::WorkloadConfig& workload) {
  if (std::holds_alternative<config::Agentic>(workload.kind)) return "users/s";
  if (const auto* t = std::get_if<config::TraceReplayer>(&workload.kind); t && t->preserve_timing) return "x";
  return "req/s";
}

std::string capacity_rate_key(const config::WorkloadConfig& workload) {
  return std::visit(Overloaded{
                        [](const config::StrictSynthetic&) { return std::string("TIME_BETWEEN_REQUESTS_PER_USER"); },
                        [](const config::Agentic&) { return std::string("NEW_USER_INTERVALS"); },
                        [](const config::VllmBenchmark&) { return std::string("REQUEST_RATES"); },
                        [](const config::TraceReplayer& t) { return std::string(t.preserve_timing ? "SPEED_UP" : "QPS"); },
                        [](const auto&) { return std::string("QPS"); },
                    },
                    workload.kind);
}

ProbePoint probe_point(const config::WorkloadConfig& workload, double rate) {
  rate = round_rate(rate);
  if (!(rate > 0)) throw std::invalid_argument("probe_point: the rate must be positive");
  ProbePoint out{workload, {}};
  auto& w = out.workload;
  if (w.raw.is_object()) w.raw.erase("CAPACITY");
  const config::Number qps{rate, rate_text(rate), workload.where};
  auto per_second = [&](std::vector<config::Number>& list, const char* sweep_key, const char* single_key) {
    list = {qps};
    w.raw[sweep_key] = nlohmann::ordered_json::array({rate});
    out.rate = {sweep_key, single_key, qps, rate, rate_text(rate)};
  };
  std::visit(Overloaded{
                 [&](config::LMCacheSynthetic& k) { per_second(k.qps, "QPS", "QPS"); },
                 [&](config::Random& k) { per_second(k.qps, "QPS", "QPS"); },
                 [&](config::ShareGpt& k) { per_second(k.qps, "QPS", "QPS"); },
                 [&](config::VllmBenchmark& k) { per_second(k.request_rates, "REQUEST_RATES", "REQUEST_RATE"); },
                 [&](config::TraceReplayer& k) {
                   if (!k.preserve_timing) return per_second(k.qps, "QPS", "QPS");
                   k.speed_up = rate;
                   w.raw["SPEED_UP"] = rate;
                   out.rate = {"", "", config::Number{}, std::nullopt, std::string("timed")};
                 },
                 [&](config::StrictSynthetic& k) {
                   const auto between = number(k.num_concurrent_users / rate);
                   k.time_between_requests_per_user = {between};
                   w.raw["TIME_BETWEEN_REQUESTS_PER_USER"] = nlohmann::ordered_json::array({between.value});
                   out.rate = {"TIME_BETWEEN_REQUESTS_PER_USER", "TIME_BETWEEN_REQUESTS_PER_USER", between,
                               k.num_concurrent_users / between.value,
                               fmt::format("{:.2f}", k.num_concurrent_users / between.value)};
                 },
                 [&](config::Agentic& k) {
                   const auto interval = number(1.0 / rate);
                   k.new_user_intervals = {interval};
                   w.raw["NEW_USER_INTERVALS"] = nlohmann::ordered_json::array({interval.value});
                   out.rate = {"NEW_USER_INTERVALS", "NEW_USER_INTERVAL", interval, std::nullopt, std::nullopt};
                 },
             },
             w.kind);
  return out;
}

std::filesystem::path capacity_file_path(const std::filesystem::path& suite_dir, const std::string& workload_label) {
  return suite_dir / (workload_label + "_capacity.json");
}

nlohmann::ordered_json capacity_file_json(const nlohmann::ordered_json& existing, const std::string& workload_label,
                                          const config::WorkloadConfig& workload, const CapacityEntry& entry,
                                          std::string* note) {
  const auto& spec = entry.search->spec();
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["workload"] = workload_label;
  j["rate_key"] = capacity_rate_key(workload);
  j["unit"] = capacity_unit(workload);
  j["slo"] = slo_json(spec);
  j["goodput"] = spec.goodput;
  j["precision"] = spec.precision;
  j["min_qps"] = spec.min_qps;
  j["max_qps"] = spec.max_qps;
  nlohmann::ordered_json baselines = nlohmann::ordered_json::object();
  if (existing.is_object() && existing.contains("baselines") && existing["baselines"].is_object()) {
    bool same = true;
    for (const char* k : {"rate_key", "slo", "goodput", "precision", "min_qps", "max_qps"}) {
      same = same && existing.contains(k) && existing[k] == j[k];
    }
    if (same) {
      baselines = existing["baselines"];
    } else if (note && !existing["baselines"].empty()) {
      *note = fmt::format("{}: earlier searches with another SLO, goodput or range replaced",
                          workload_label + "_capacity.json");
    }
  }
  const auto& s = *entry.search;
  nlohmann::ordered_json b = nlohmann::ordered_json::object();
  b["capacity"] = opt(s.capacity(), 4);
  b["status"] = entry.status;
  if (!entry.detail.empty()) b["detail"] = entry.detail;
  b["lower"] = opt(s.lower(), 4);
  b["upper"] = opt(s.upper(), 4);
  b["precision_reached"] = opt(s.precision_reached(), 4);
  b["session_id"] = entry.session_id;
  b["timestamp"] = entry.timestamp;
  nlohmann::ordered_json probes = nlohmann::ordered_json::array();
  for (const auto& p : s.probes()) {
    nlohmann::ordered_json pj = {{"rate", p.rate},
                                 {"requests", p.requests},
                                 {"good", p.good},
                                 {"goodput", metrics::round_to(p.share(), 4)},
                                 {"passed", p.passed},
                                 {"early_stop", p.early_stop}};
    if (p.repeat) pj["repeat"] = true;
    if (spec.ttft_p99_ms) pj["ttft_p99_ms"] = opt(p.ttft_p99_ms, 2);
    if (spec.tpot_p99_ms) pj["tpot_p99_ms"] = opt(p.tpot_p99_ms, 2);
    pj["run"] = p.run;
    probes.push_back(std::move(pj));
  }
  b["probes"] = std::move(probes);
  baselines[entry.key] = std::move(b);
  j["baselines"] = std::move(baselines);
  return j;
}

}  // namespace lmbench::suite
