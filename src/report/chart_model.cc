#include "report/chart_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lmbench::report {

std::string Rgb::hex() const { return fmt::format("#{:02x}{:02x}{:02x}", r, g, b); }

namespace {

constexpr Rgb kPalette[] = {
    {0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0xd6, 0x27, 0x28}, {0x94, 0x67, 0xbd},
    {0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf}, {0x39, 0x3b, 0x79},
};

Rgb from_hsv(double h, double s, double v) {
  const double c = v * s;
  const double hp = std::fmod(h, 360.0) / 60.0;
  const double x = c * (1 - std::abs(std::fmod(hp, 2.0) - 1));
  double r = 0, g = 0, b = 0;
  if (hp < 1) r = c, g = x;
  else if (hp < 2) r = x, g = c;
  else if (hp < 3) g = c, b = x;
  else if (hp < 4) g = x, b = c;
  else if (hp < 5) r = x, b = c;
  else r = c, b = x;
  const double m = v - c;
  auto byte = [m](double u) { return static_cast<std::uint8_t>(std::lround((u + m) * 255)); };
  return {byte(r), byte(g), byte(b)};
}

}  // namespace

Rgb series_color(std::size_t index) {
  constexpr std::size_t n = std::size(kPalette);
  if (index < n) return kPalette[index];
  const double hue = 20.0 + static_cast<double>(index - n) * 137.508;
  const double value = (index % 2 == 0) ? 0.78 : 0.6;
  return from_hsv(hue, 0.75, value);
}

Marker series_marker(std::size_t index) { return static_cast<Marker>(index % 6); }

bool Series::is_invalid(double x) const {
  return std::find(invalid_x.begin(), invalid_x.end(), x) != invalid_x.end();
}

double error_bar_offset(const Panel& panel, const Series& series, double step) {
  std::size_t n = 0, rank = 0;
  for (const auto& s : panel.series) {
    if (s.errors.empty()) continue;
    if (&s == &series) rank = n;
    ++n;
  }
  return n < 2 ? 0 : (static_cast<double>(rank) - static_cast<double>(n - 1) / 2) * step;
}

std::array<Panel, 3> comparison_panels(const Comparison& comparison) {
  std::array<Panel, 3> panels = {
      Panel{"Time to first token (TTFT)", "QPS (requests/s)", "TTFT (ms)", {}},
      Panel{"Inter-token latency (ITL)", "QPS (requests/s)", "ITL (ms)", {}},
      Panel{"Time per output token (TPOT)", "QPS (requests/s)", "TPOT (ms)", {}},
  };
  const auto keys = comparison.keys();
  for (std::size_t k = 0; k < keys.size(); ++k) {
    std::array<Series, 3> s;
    for (auto& one : s) {
      one.name = keys[k];
      one.style = k;
    }
    for (const auto& row : comparison.rows) {
      const auto it = row.by_key.find(keys[k]);
      if (it == row.by_key.end()) continue;
      const ComparisonPoint& p = it->second;
      if (p.ttft_ms) s[0].points.emplace_back(row.qps, *p.ttft_ms);
      if (p.itl_ms) s[1].points.emplace_back(row.qps, *p.itl_ms);
      if (p.tpot_ms) s[2].points.emplace_back(row.qps, *p.tpot_ms);
      if (p.has_trials()) {
        const Figure figures[] = {Figure::kTtft, Figure::kItl, Figure::kTpot};
        for (std::size_t i = 0; i < 3; ++i) {
          if (const auto e = p.estimate(figures[i]); e.ci) s[i].errors.push_back(ErrorBar{row.qps, e.ci->lo, e.ci->hi});
        }
      }
      if (p.any_invalid()) {
        for (auto& one : s) one.invalid_x.push_back(row.qps);
      }
    }
    for (std::size_t i = 0; i < 3; ++i) panels[i].series.push_back(std::move(s[i]));
  }
  return panels;
}

}  // namespace lmbench::report
