#include "suite/capacity_run.h"

#include <fmt/format.h>

#include "core/files.h"
#include "core/ids.h"
#include "core/interrupt.h"
#include "suite/artifacts.h"
#include "suite/capacity.h"
#include "suite/run_executor.h"

namespace lmbench::suite {

namespace {

// Probes of a search get salts no sweep run or trial uses (run_salt's trial part).
constexpr int kProbeSaltBase = 1000;

std::string slo_text(const config::CapacitySpec& c) {
  std::string s = metrics::to_string(capacity_slo(c));
  auto add = [&](const char* name, const std::optional<double>& v) {
    if (v) s += fmt::format("{}{}={}", s.empty() ? "" : ",", name, *v);
  };
  add("ttft_p99_ms", c.ttft_p99_ms);
  add("tpot_p99_ms", c.tpot_p99_ms);
  return fmt::format("{} at {}%", s, c.goodput * 100);
}

std::optional<double> number_at(const nlohmann::ordered_json& j, const char* metric, const char* stat) {
  if (!j.is_object() || !j.contains(metric) || !j[metric].is_object()) return std::nullopt;
  const auto& m = j[metric];
  if (!m.contains(stat) || !m[stat].is_number()) return std::nullopt;
  return m[stat].get<double>();
}

// A probe's figures from its run JSON on disk (--resume).
std::optional<ProbeResult> read_probe(const std::filesystem::path& path, double rate) {
  try {
    const auto j = nlohmann::ordered_json::parse(core::read_file(path));
    const auto& p = j.at("capacity_probe");
    ProbeResult r;
    r.rate = rate;
    r.requests = p.at("requests").get<std::size_t>();
    r.good = p.at("good").get<std::size_t>();
    r.early_stop = p.value("early_stop", false);
    r.ttft_p99_ms = number_at(j.value("results", nlohmann::ordered_json::object()), "ttft_ms", "p99");
    r.tpot_p99_ms = number_at(j.value("results", nlohmann::ordered_json::object()), "tpot_ms", "p99");
    r.run = path.filename().string();
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string format_rate(const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string("-"); }

}  // namespace

SearchOutcome run_capacity_search(const SuiteEnv& env, BaselineSession& session, const Plan& plan,
                                  const BaselinePlan& bp, const PlannedSearch& search) {
  const auto& options = env.options;
  const auto& spec = plan.specs.at(search.spec);
  const auto& bcfg = spec.serving.at(search.baseline);
  const auto& wcfg = spec.workloads.at(search.workload);
  const auto& cap = *wcfg.capacity;
  const auto suite_dir = options.results_root / spec.name;
  const std::string unit = capacity_unit(wcfg);

  SearchOutcome out;
  out.capacity.suite = spec.name;
  out.capacity.baseline = bp.key;
  out.capacity.workload = search.label;
  out.capacity.unit = unit;
  out.capacity.slo = slo_text(cap);
  env.log << fmt::format("-- capacity of {} on {}: the highest rate in {}..{} {} with {}\n", bp.key, search.label,
                         cap.min_qps, cap.max_qps, unit, out.capacity.slo);

  CapacitySearch s(cap);
  CapacityProbe probe{capacity_slo(cap), cap.goodput, 0};
  std::string stopped, detail;
  while (const auto rate = s.next()) {
    if (core::stop_requested()) {
      stopped = "interrupted";
      detail = "Ctrl-C before the search ended";
      break;
    }
    if (auto failed = session.baseline().failure()) {
      stopped = "failed";
      detail = failed->message;
      out.capacity.detail = detail;
      out.failed = true;
      break;
    }
    ++probe.index;
    const ProbePoint point = probe_point(wcfg, *rate);
    const PlannedRun run{search.spec, search.baseline, search.workload, bp.key, search.workload_name, point.rate,
                         search.label};
    const RunTarget target{plan, spec, bp, bcfg, run, point.workload, &probe, kProbeSaltBase + probe.index};

    std::optional<ProbeResult> result;
    if (options.resume) {
      const int index = probe.index;
      auto done = find_done_run(suite_dir, bp.key, run, point.workload, [index](const nlohmann::ordered_json& j) {
        return j.contains("capacity_probe") && j["capacity_probe"].value("index", 0) == index;
      });
      if (done) {
        result = read_probe(*done, *rate);
        if (result) {
          RunRow row = plain_row(target, "resumed", done->string());
          out.rows.push_back(std::move(row));
        }
      }
    }
    if (!result) {
      auto o = execute_run(env, session, target);
      out.rows.push_back(o.row);
      if (o.interrupted || !o.wrote || !o.summary) {
        stopped = o.interrupted ? "interrupted" : "failed";
        detail = o.interrupted ? "Ctrl-C during a probe" : o.row.detail;
        out.capacity.detail = detail;
        out.failed = out.failed || (!o.interrupted && o.failed);
        break;
      }
      ProbeResult r;
      r.rate = *rate;
      r.requests = o.summary->total_requests;
      r.good = o.summary->good_requests;
      if (o.summary->ttft_ms) r.ttft_p99_ms = o.summary->ttft_ms->p99;
      if (o.summary->tpot_ms) r.tpot_p99_ms = o.summary->tpot_ms->p99;
      r.early_stop = o.early_stop;
      r.run = o.json.filename().string();
      result = r;
    }
    s.add(*result);
    const auto& p = s.probes().back();
    const bool again = s.next() == p.rate;
    env.log << fmt::format("   capacity {} {}: probe {} at {} {}: {} of {} good ({:.1f}%){}{}\n", bp.key, search.label,
                           probe.index, p.rate, unit, p.good, p.requests, p.share() * 100,
                           again ? ", too close to call: probing again" : p.passed ? ", passes" : ", fails",
                           p.early_stop ? " (stopped early: it could no longer pass)" : "");
  }

  out.capacity.status = stopped.empty() ? to_string(s.status()) : stopped;
  out.capacity.capacity = s.capacity();
  out.capacity.lower = s.lower();
  out.capacity.upper = s.upper();
  out.capacity.probes = s.probes().size();
  const auto path = capacity_file_path(suite_dir, search.label);
  out.capacity.file = path.string();
  try {
    nlohmann::ordered_json existing;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      try {
        existing = nlohmann::ordered_json::parse(core::read_file(path));
      } catch (const std::exception& e) {
        env.log << fmt::format("!! {} unreadable, rewritten: {}\n", path.string(), e.what());
      }
    }
    std::string note;
    const CapacityEntry entry{bp.key, options.session_id, core::artifact_timestamp(std::chrono::system_clock::now()),
                              out.capacity.status, detail, &s};
    const auto j = capacity_file_json(existing, search.label, wcfg, entry, &note);
    if (!note.empty()) env.log << fmt::format("   {}\n", note);
    std::filesystem::create_directories(suite_dir, ec);
    core::write_file_atomic(path, j.dump(2) + "\n");
    // --auto-upload: the search goes to the dashboard beside its probes.
    if (options.after_run) {
      if (auto err = options.after_run(path); !err.empty()) {
        env.log << fmt::format("   upload of {} failed (the file stays on disk): {}\n", path.filename().string(), err);
        out.failed = true;
      }
    }
  } catch (const std::exception& e) {
    out.failed = true;
    env.log << fmt::format("!! {} not written: {}\n", path.string(), e.what());
  }
  const std::string found =
      out.capacity.status == "found"       ? fmt::format("{} {} (bracket {}..{})", format_rate(s.capacity()), unit,
                                                         format_rate(s.lower()), format_rate(s.upper()))
      : out.capacity.status == "at_max"    ? fmt::format("at least {} {} (max_qps: every probe passed)",
                                                         format_rate(s.capacity()), unit)
      : out.capacity.status == "below_min" ? fmt::format("below {} {} (min_qps already fails)", cap.min_qps, unit)
                                           : fmt::format("{}: {}", out.capacity.status, detail);
  env.log << fmt::format("== capacity of {} on {}: {}, {} probe(s)\n", bp.key, search.label, found, s.probes().size());
  return out;
}

}  // namespace lmbench::suite
