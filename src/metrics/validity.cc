#include "metrics/validity.h"

#include <fmt/format.h>

#include "core/error.h"
#include "metrics/percentile.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

namespace lmbench::metrics {

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kValid: return "valid";
    case Verdict::kSuspect: return "suspect";
    case Verdict::kInvalid: return "invalid";
  }
  return "valid";
}

namespace {

ValidityCheck graded(std::string check, double figure, double suspect_above, double invalid_above, std::string unit,
                     std::string detail) {
  ValidityCheck c{std::move(check), Verdict::kValid, figure, suspect_above, invalid_above, std::move(unit), std::move(detail)};
  if (figure > invalid_above) {
    c.verdict = Verdict::kInvalid;
  } else if (figure > suspect_above) {
    c.verdict = Verdict::kSuspect;
  }
  return c;
}

// Three significant digits without an exponent: 0.931, 41.8, 2884.
std::string number(double v) {
  const double a = std::abs(v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.3g}", v);
}

}  // namespace

void ValidityThresholds::set(std::string_view assignment) {
  const std::pair<const char*, double ValidityThresholds::*> fields[] = {
      {"lag_budget_ms", &ValidityThresholds::lag_budget_ms},
      {"lag_gap_fraction", &ValidityThresholds::lag_gap_fraction},
      {"lag_invalid_factor", &ValidityThresholds::lag_invalid_factor},
      {"cpu_suspect", &ValidityThresholds::cpu_suspect},
      {"cpu_invalid", &ValidityThresholds::cpu_invalid},
      {"stall_suspect_ms", &ValidityThresholds::stall_suspect_ms},
      {"stall_invalid_ms", &ValidityThresholds::stall_invalid_ms},
      {"send_rate_suspect", &ValidityThresholds::send_rate_suspect},
      {"send_rate_invalid", &ValidityThresholds::send_rate_invalid},
      {"unfinished_suspect", &ValidityThresholds::unfinished_suspect},
      {"unfinished_invalid", &ValidityThresholds::unfinished_invalid},
      {"failures_suspect", &ValidityThresholds::failures_suspect},
      {"failures_invalid", &ValidityThresholds::failures_invalid},
      {"engine_lag_suspect_ms", &ValidityThresholds::engine_lag_suspect_ms},
      {"engine_lag_invalid_ms", &ValidityThresholds::engine_lag_invalid_ms},
      {"threshold_scale_cap", &ValidityThresholds::threshold_scale_cap},
  };
  const std::size_t eq = assignment.find('=');
  const std::string name(assignment.substr(0, eq));
  std::string known;
  for (const auto& [n, field] : fields) {
    known += (known.empty() ? "" : ", ") + std::string(n);
    if (name != n) continue;
    const std::string value = eq == std::string_view::npos ? std::string() : std::string(assignment.substr(eq + 1));
    char* end = nullptr;
    const double d = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(d) || d < 0) {
      throw core::ConfigError(fmt::format("--validity {}: expected {}=<a number >= 0>, found '{}'", assignment, name, value));
    }
    this->*field = d;
    return;
  }
  throw core::ConfigError(fmt::format("--validity {}: no threshold '{}' (known: {})", assignment, name, known));
}

Validity judge_validity(std::span<const RequestRecord> records, const Summary& summary, const ClientHealth& health,
                        const ValidityThresholds& t) {
  Validity v;
  const double scale = health.time_scale > 0 ? health.time_scale : 1.0;
  const double threshold_scale = std::min(scale, std::max(1.0, t.threshold_scale_cap));

  // The client's lag against what the schedule allows: the mean gap between intended sends of
  // the measured requests (in the run's clock).
  if (summary.client_lag_ms) {
    std::vector<core::TimePoint> intended;
    for (const auto& r : records) {
      if (!r.warmup) intended.push_back(r.intended_send);
    }
    std::sort(intended.begin(), intended.end());
    const double gap_ms = intended.size() > 1 ? core::to_ms(intended.back() - intended.front()) / static_cast<double>(intended.size() - 1) : 0;
    const double allowance = std::max(t.lag_budget_ms, t.lag_gap_fraction * gap_ms);
    const double p99 = summary.client_lag_ms->p99;
    v.checks.push_back(graded("client_lag", p99, allowance, allowance * t.lag_invalid_factor, "ms",
                              fmt::format("client lag p99 {} ms, max {} ms (mean gap between sends {} ms)", number(p99),
                                          number(summary.client_lag_ms->max), number(gap_ms))));
  }
  // Sends per second achieved over the window against what the schedule allowed: first to last
  // send, each request no earlier than it could be produced (record.h ready_send).
  {
    std::vector<core::TimePoint> allowed, actual;
    for (const auto& r : records) {
      if (r.warmup) continue;
      allowed.push_back(std::max(r.intended_send, r.ready_send));
      actual.push_back(r.actual_send);
    }
    if (allowed.size() > 2) {
      const auto span = [](std::vector<core::TimePoint>& v) {
        const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
        return core::to_seconds(*hi - *lo);
      };
      const double allowed_s = span(allowed), actual_s = span(actual);
      if (allowed_s > 0 && actual_s > 0) {
        const double n = static_cast<double>(allowed.size() - 1);
        const double want = n / allowed_s, got = n / actual_s;
        const double shortfall = std::max(0.0, 1.0 - got / want);
        v.checks.push_back(graded("send_rate", shortfall, t.send_rate_suspect, t.send_rate_invalid, "share",
                                  fmt::format("sent {} requests/s over the window, the schedule allowed {} (shortfall {:.1f}%)",
                                              number(got), number(want), shortfall * 100)));
      }
    }
  }
  if (health.cpu) {
    const auto& c = *health.cpu;
    std::string detail = fmt::format("the load thread was on a CPU {:.0f}% of the run", c.thread_busy * 100);
    if (c.thread_waiting) detail += fmt::format(" and waiting for one {:.0f}%", *c.thread_waiting * 100);
    detail += fmt::format("; the process used {:.0f}% of the {} CPU{} it may run on", c.process_busy * 100, c.cpus,
                          c.cpus == 1 ? "" : "s");
    if (c.process_waiting) detail += fmt::format(" and waited for {} {:.0f}%", c.cpus == 1 ? "it" : "them", *c.process_waiting * 100);
    v.checks.push_back(graded("client_cpu", c.share(), t.cpu_suspect, t.cpu_invalid, "share", std::move(detail)));
  }
  if (health.loop_stall_ms) {
    // Wall milliseconds; in the run's clock a stall weighs the time scale more. Judged on the
    // requests it touched (p99 over the measured ones), so one hiccup of the machine during a
    // long run is named but does not condemn it.
    std::vector<double> touched;
    for (const auto& r : records) {
      if (!r.warmup) touched.push_back(core::to_ms(r.loop_stall) * scale);
    }
    std::sort(touched.begin(), touched.end());
    const double p99 = touched.empty() ? 0.0 : percentile_sorted(touched, 99);
    const auto n = static_cast<std::size_t>(std::count_if(touched.begin(), touched.end(), [&](double x) { return x > 0; }));
    const double longest = *health.loop_stall_ms * scale;
    v.checks.push_back(graded(
        "loop_stall", p99, t.stall_suspect_ms * threshold_scale, t.stall_invalid_ms * threshold_scale, "ms",
        fmt::format("the event loop stalled up to {} ms{}; {} of {} requests were in flight during a stall, p99 {} ms",
                    number(longest),
                    scale == 1.0 ? std::string() : fmt::format(" ({} ms of wall time at time scale {})", number(*health.loop_stall_ms), number(scale)),
                    n, touched.size(), number(p99))));
  }
  if (summary.total_requests > 0) {
    const double share = static_cast<double>(summary.cancelled_requests) / static_cast<double>(summary.total_requests);
    v.checks.push_back(graded("unfinished", share, t.unfinished_suspect, t.unfinished_invalid, "share",
                              fmt::format("{} of {} requests were still unanswered at the end and cancelled",
                                          summary.cancelled_requests, summary.total_requests)));
  }
  if (summary.total_requests > 0) {
    const double share = static_cast<double>(summary.failed_requests) / static_cast<double>(summary.total_requests);
    std::string kinds;
    for (const auto& [kind, count] : summary.errors) {
      if (kind == "cancelled") continue;
      kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind, count);
    }
    v.checks.push_back(graded("failures", share, t.failures_suspect, t.failures_invalid, "share",
                              summary.failed_requests == 0
                                  ? fmt::format("none of {} requests failed", summary.total_requests)
                                  : fmt::format("{} of {} requests failed ({}): the latencies are the survivors'",
                                                summary.failed_requests, summary.total_requests, kinds)));
  }
  if (health.engine_lag_p99_ms) {
    const double in_run = *health.engine_lag_p99_ms * scale;
    v.checks.push_back(graded(
        "engine_lag", in_run, t.engine_lag_suspect_ms * threshold_scale, t.engine_lag_invalid_ms * threshold_scale, "ms",
        scale == 1.0 ? fmt::format("the simulated engine put tokens on the socket {} ms (p99) after its model's schedule",
                                   number(in_run))
                     : fmt::format("the simulated engine put tokens on the socket {} ms (p99; {} ms of wall time at time "
                                   "scale {}) after its model's schedule",
                                   number(in_run), number(*health.engine_lag_p99_ms), number(scale))));
  }
  for (const auto& c : v.checks) v.verdict = std::max(v.verdict, c.verdict);
  return v;
}

std::vector<std::string> Validity::reasons() const {
  std::vector<const ValidityCheck*> bad;
  for (const auto& c : checks) {
    if (c.verdict != Verdict::kValid) bad.push_back(&c);
  }
  std::stable_sort(bad.begin(), bad.end(), [](const ValidityCheck* a, const ValidityCheck* b) { return a->verdict > b->verdict; });
  std::vector<std::string> out;
  for (const auto* c : bad) {
    const double limit = c->verdict == Verdict::kInvalid ? c->invalid_above : c->suspect_above;
    const auto show = [&](double x) { return c->unit == "share" ? fmt::format("{:.0f}%", x * 100) : number(x) + " ms"; };
    out.push_back(fmt::format("{} {} > {} ({}): {}", c->check, show(c->figure), show(limit), verdict_name(c->verdict), c->detail));
  }
  return out;
}

nlohmann::ordered_json validity_json(const Validity& v) {
  nlohmann::ordered_json j;
  j["verdict"] = verdict_name(v.verdict);
  j["reasons"] = v.reasons();
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const auto& c : v.checks) {
    checks.push_back({{"check", c.check},
                      {"verdict", verdict_name(c.verdict)},
                      {"figure", c.figure},
                      {"unit", c.unit},
                      {"suspect_above", c.suspect_above},
                      {"invalid_above", c.invalid_above},
                      {"detail", c.detail}});
  }
  j["checks"] = std::move(checks);
  return j;
}

}  // namespace lmbench::metrics
