#include "report/verdicts.h"

#include <fmt/format.h>

#include <cmath>

#include "metrics/summary_json.h"

namespace lmbench::report {

namespace {

using Json = nlohmann::ordered_json;

Json rounded(double v, int decimals = 2) { return Json(metrics::round_to(v, decimals)); }

Json bracket_json(const std::optional<Bracket>& b) {
  if (!b) return Json();
  return Json::array({rounded(b->lo, 4), std::isinf(b->hi) ? Json() : rounded(b->hi, 4)});
}

Json optional_json(const std::optional<double>& v) { return v ? rounded(*v, 4) : Json(); }

}  // namespace

FigureVerdict judge_figure(Figure f, const std::string& a, std::span<const double> values_a, const std::string& b,
                           std::span<const double> values_b) {
  FigureVerdict v;
  v.figure = f;
  v.mean_a = metrics::estimate_mean(values_a).mean;
  v.mean_b = metrics::estimate_mean(values_b).mean;
  v.difference = metrics::welch_difference(values_a, values_b);
  if (!v.difference) {
    // One trial shows one draw of the noise and nothing of its size: any verdict would be made up.
    v.text = "one trial: no verdict possible";
    return v;
  }
  const metrics::Interval ci = v.difference->ci;
  if (ci.contains(0)) {
    v.text = "no difference beyond noise";
    return v;
  }
  const FigureInfo& info = figure_info(f);
  // a - b > 0 everywhere in the interval: a is higher. Lower is better for latencies.
  const bool a_higher = ci.lo > 0;
  const bool a_better = a_higher != info.lower_is_better;
  v.better = a_better ? "a" : "b";
  // The winner's advantage as positive numbers.
  const double x = std::abs(v.difference->estimate);
  const double lo = a_higher ? ci.lo : -ci.hi, hi = a_higher ? ci.hi : -ci.lo;
  v.text = fmt::format("{} {} by {:.2f} {} (95% CI {:.2f}..{:.2f})", a_better ? a : b,
                       info.lower_is_better ? "faster" : "higher", x, info.unit, lo, hi);
  return v;
}

std::vector<PairVerdict> rate_verdicts(const Comparison& comparison) {
  std::vector<PairVerdict> out;
  for (const auto& row : comparison.rows) {
    for (auto ia = row.by_key.begin(); ia != row.by_key.end(); ++ia) {
      for (auto ib = std::next(ia); ib != row.by_key.end(); ++ib) {
        const ComparisonPoint &pa = ia->second, &pb = ib->second;
        PairVerdict pair{row.qps, row.qps_json, ia->first, ib->first, pa.trials.size(), pb.trials.size(), {}};
        for (const Figure f : kFigures) {
          const auto &va = pa.values[index_of(f)], &vb = pb.values[index_of(f)];
          if (va.empty() || vb.empty()) continue;
          pair.figures.push_back(judge_figure(f, ia->first, va, ib->first, vb));
        }
        out.push_back(std::move(pair));
      }
    }
  }
  return out;
}

std::string verdicts_json(const std::string& workload, const std::vector<PairVerdict>& pairs,
                          const CapacityFile* capacity) {
  Json doc;
  doc["workload"] = workload;
  doc["confidence"] = 0.95;
  doc["method"] = "Welch t-interval on the difference of trial means";
  Json list = Json::array();
  for (const auto& p : pairs) {
    Json figures = Json::object();
    for (const auto& f : p.figures) {
      const FigureInfo& info = figure_info(f.figure);
      Json one;
      one["unit"] = info.unit;
      one["mean_a"] = rounded(f.mean_a);
      one["mean_b"] = rounded(f.mean_b);
      one["difference"] = rounded(f.mean_a - f.mean_b);
      one["ci95"] = f.difference ? Json::array({rounded(f.difference->ci.lo), rounded(f.difference->ci.hi)}) : Json();
      one["df"] = f.difference ? rounded(f.difference->df, 1) : Json();
      one["better"] = f.better.empty() ? Json() : Json(f.better);
      one["verdict"] = f.text;
      figures[std::string(info.json_name)] = std::move(one);
    }
    list.push_back({{"qps", p.qps_json},
                    {"a", p.a},
                    {"b", p.b},
                    {"trials", {{"a", p.trials_a}, {"b", p.trials_b}}},
                    {"figures", std::move(figures)}});
  }
  doc["pairs"] = std::move(list);
  if (capacity) {
    Json cap_pairs = Json::array();
    for (const auto& v : capacity_verdicts(*capacity)) {
      cap_pairs.push_back({{"a", v.a},
                           {"b", v.b},
                           {"capacity_a", optional_json(v.capacity_a)},
                           {"capacity_b", optional_json(v.capacity_b)},
                           {"bracket_a", bracket_json(v.bracket_a)},
                           {"bracket_b", bracket_json(v.bracket_b)},
                           {"more", v.more.empty() ? Json() : Json(v.more)},
                           {"verdict", v.text}});
    }
    doc["capacity"] = {{"unit", capacity->unit}, {"pairs", std::move(cap_pairs)}};
  }
  return doc.dump(2, ' ', /*ensure_ascii=*/true);
}

}  // namespace lmbench::report
