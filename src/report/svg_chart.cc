#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace lmbench::report {

namespace {

// Plot margins inside the SVG: y tick labels and axis label on the left, x ones below.
constexpr double kLeft = 64, kRight = 14, kTop = 34, kBottom = 52;

// hollow: a point from an invalid run (white inside, the series colour around).
std::string marker_svg(Marker m, double x, double y, double r, const std::string& fill, bool hollow = false) {
  const std::string style = hollow ? fmt::format(R"(fill="#fff" stroke="{}" stroke-width="2.2" class="invalid")", fill)
                                   : fmt::format(R"(fill="{}" stroke="#fff" stroke-width="1.2")", fill);
  switch (m) {
    case Marker::kCircle:
      return fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="{:.1f}" {}>)", x, y, r, style);
    case Marker::kSquare:
      return fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" {}>)", x - r * 0.9, y - r * 0.9,
                         r * 1.8, r * 1.8, style);
    case Marker::kTriangle:
    case Marker::kTriangleDown: {
      const double d = m == Marker::kTriangle ? 1 : -1;
      return fmt::format(R"(<polygon points="{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}" {}>)", x, y - d * r * 1.2,
                         x + r * 1.1, y + d * r * 0.8, x - r * 1.1, y + d * r * 0.8, style);
    }
    case Marker::kDiamond:
      return fmt::format(R"(<polygon points="{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}" {}>)", x,
                         y - r * 1.25, x + r, y, x, y + r * 1.25, x - r, y, style);
    case Marker::kPentagon: {
      std::string pts;
      for (int i = 0; i < 5; ++i) {
        const double a = -M_PI / 2 + i * 2 * M_PI / 5;
        pts += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", x + r * 1.15 * std::cos(a), y + r * 1.15 * std::sin(a));
      }
      return fmt::format(R"(<polygon points="{}" {}>)", pts, style);
    }
  }
  return {};
}

std::string close_tag(Marker m) {
  switch (m) {
    case Marker::kCircle: return "</circle>";
    case Marker::kSquare: return "</rect>";
    default: return "</polygon>";
  }
}

std::string number(double v) {
  if (std::abs(v) >= 100) return fmt::format("{:.1f}", v);
  if (std::abs(v) >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3f}", v);
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_svg_chart(const Panel& panel, const Axis& x_axis, const SvgOptions& o) {
  const double pw = o.width - kLeft - kRight, ph = o.height - kTop - kBottom;
  double y_max = 0, y_min = 0;
  bool any = false;
  for (const auto& s : panel.series) {
    for (const auto& p : s.points) {
      y_min = any ? std::min(y_min, p.second) : p.second;
      y_max = std::max(y_max, p.second);
      any = true;
    }
    // The top of every error bar stays on the chart; a bottom below the axis is cut at the frame.
    for (const auto& e : s.errors) y_max = std::max(y_max, e.hi);
  }
  const double top = o.y_max > 0 ? o.y_max : o.integer_y ? std::max(5.0, std::ceil(y_max * 1.05)) : y_max * 1.05;
  const Axis y_axis = o.log_when_wide && o.y_max <= 0 ? latency_axis(y_min, y_max) : nice_axis(0, top, 6, /*from_zero=*/true);
  auto px = [&](double x) { return kLeft + std::clamp(x_axis.fraction(x), 0.0, 1.0) * pw; };
  auto py = [&](double y) { return kTop + ph - y_axis.fraction(y) * ph; };

  std::string svg;
  auto out = std::back_inserter(svg);
  fmt::format_to(out,
                 R"(<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="{2}">)",
                 o.width, o.height, escape_html(panel.title));
  fmt::format_to(out, R"(<rect width="{}" height="{}" fill="#fff"/>)", o.width, o.height);
  fmt::format_to(out, R"(<text x="{:.1f}" y="20" class="ct">{}</text>)", kLeft + pw / 2, escape_html(panel.title));
  for (double t : y_axis.ticks) {
    const double y = py(t);
    fmt::format_to(out, R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" class="grid"/>)", kLeft, y, kLeft + pw, y);
    fmt::format_to(out, R"(<text x="{:.1f}" y="{:.1f}" class="yt">{}</text>)", kLeft - 6, y + 4, y_axis.label(t));
  }
  for (double t : x_axis.ticks) {
    const double x = px(t);
    fmt::format_to(out, R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" class="grid"/>)", x, kTop, x, kTop + ph);
    fmt::format_to(out, R"(<text x="{:.1f}" y="{:.1f}" class="xt">{}</text>)", x, kTop + ph + 16, x_axis.label(t));
  }
  fmt::format_to(out, R"(<rect x="{}" y="{}" width="{:.1f}" height="{:.1f}" class="frame"/>)", kLeft, kTop, pw, ph);
  fmt::format_to(out, R"(<text x="{:.1f}" y="{:.1f}" class="xl">{}</text>)", kLeft + pw / 2, o.height - 10.0,
                 escape_html(panel.x_label));
  fmt::format_to(out, R"~(<text transform="translate(16 {:.1f}) rotate(-90)" class="yl">{}</text>)~", kTop + ph / 2,
                 escape_html(axis_title(panel.y_label, y_axis)));
  if (!any) {
    fmt::format_to(out, R"(<text x="{:.1f}" y="{:.1f}" class="nodata">no data</text></svg>)", kLeft + pw / 2, kTop + ph / 2);
    return svg;
  }
  for (const auto& s : panel.series) {
    if (s.points.size() < 2) continue;
    std::string pts;
    double prev_y = 0;
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const double x = px(s.points[i].first), y = py(s.points[i].second);
      if (o.step && i > 0) pts += fmt::format("{:.1f},{:.1f} ", x, prev_y);
      pts += fmt::format("{:.1f},{:.1f} ", x, y);
      prev_y = y;
    }
    pts.pop_back();
    fmt::format_to(out, R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round"><title>{}</title></polyline>)",
                   pts, series_color(s.style).hex(), o.markers ? 2.5 : 2, escape_html(s.name));
  }
  // Error bars (95% intervals across trials) under the markers: a vertical line with caps, side by
  // side when several baselines have one.
  for (const auto& s : panel.series) {
    const double dodge = error_bar_offset(panel, s, 4);
    for (const auto& e : s.errors) {
      const double x = px(e.x) + dodge;
      const double y_lo = kTop + ph - std::clamp(y_axis.fraction(e.lo), 0.0, 1.0) * ph;
      const double y_hi = kTop + ph - std::clamp(y_axis.fraction(e.hi), 0.0, 1.0) * ph;
      const std::string colour = series_color(s.style).hex();
      fmt::format_to(out,
                     R"(<g class="err" stroke="{}" stroke-width="1.6"><line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>)"
                     R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/><line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>)"
                     "<title>{}: 95% CI {} to {} {}</title></g>",
                     colour, x, y_lo, x, y_hi, x - 5, y_lo, x + 5, y_lo, x - 5, y_hi, x + 5, y_hi, escape_html(s.name),
                     number(e.lo), number(e.hi), escape_html(o.y_unit));
    }
  }
  if (o.markers) {
    for (const auto& s : panel.series) {
      const Marker m = series_marker(s.style);
      for (const auto& [x, y] : s.points) {
        const bool hollow = s.is_invalid(x);
        svg += marker_svg(m, px(x), py(y), 5.5, series_color(s.style).hex(), hollow);
        fmt::format_to(out, "<title>{}: {} {}, {} {}{}</title>{}", escape_html(s.name), number(x), escape_html(o.x_unit),
                       number(y), escape_html(o.y_unit), hollow ? " (invalid run)" : "", close_tag(m));
      }
    }
  }
  svg += "</svg>";
  return svg;
}

}  // namespace lmbench::report
