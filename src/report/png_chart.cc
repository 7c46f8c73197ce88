#include "report/png_chart.h"

#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "core/files.h"
#include "report/axis.h"
#include "report/chart_model.h"

namespace lmbench::report {

namespace {

constexpr const char* kFont = "DejaVu Sans";
constexpr double kOuter = 30;        // image margin
constexpr double kPanelGap = 50;     // between panels
constexpr double kMarkerRadius = 7;
constexpr double kLineWidth = 3;

struct Rect {
  double x, y, w, h;
};

void set_rgb(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0); }
void set_grey(cairo_t* cr, double level) { cairo_set_source_rgb(cr, level, level, level); }

void font(cairo_t* cr, double size, bool bold = false) {
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  return e.x_advance;
}

// Draws `s` with its anchor at (x, y): align 0 = left, 0.5 = centre, 1 = right; y is the
// baseline shifted by `vshift` times the font's cap height (0.5 centres vertically).
void text(cairo_t* cr, const std::string& s, double x, double y, double align, double vshift = 0) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  cairo_move_to(cr, x - e.x_advance * align, y + fe.ascent * 0.72 * vshift);
  cairo_show_text(cr, s.c_str());
}

void marker_path(cairo_t* cr, Marker m, double x, double y, double r) {
  switch (m) {
    case Marker::kCircle:
      cairo_new_sub_path(cr);
      cairo_arc(cr, x, y, r, 0, 2 * M_PI);
      break;
    case Marker::kSquare:
      cairo_rectangle(cr, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
      break;
    case Marker::kTriangle:
    case Marker::kTriangleDown: {
      const double d = m == Marker::kTriangle ? 1 : -1;
      cairo_move_to(cr, x, y - d * r * 1.2);
      cairo_line_to(cr, x + r * 1.1, y + d * r * 0.8);
      cairo_line_to(cr, x - r * 1.1, y + d * r * 0.8);
      cairo_close_path(cr);
      break;
    }
    case Marker::kDiamond:
      cairo_move_to(cr, x, y - r * 1.25);
      cairo_line_to(cr, x + r * 1.0, y);
      cairo_line_to(cr, x, y + r * 1.25);
      cairo_line_to(cr, x - r * 1.0, y);
      cairo_close_path(cr);
      break;
    case Marker::kPentagon:
      for (int i = 0; i < 5; ++i) {
        const double a = -M_PI / 2 + i * 2 * M_PI / 5;
        const double px = x + r * 1.15 * std::cos(a), py = y + r * 1.15 * std::sin(a);
        if (i == 0) cairo_move_to(cr, px, py);
        else cairo_line_to(cr, px, py);
      }
      cairo_close_path(cr);
      break;
  }
}

// A hollow marker (white inside, the series colour around) is a point from an invalid run.
void draw_marker(cairo_t* cr, std::size_t style, double x, double y, bool hollow = false) {
  marker_path(cr, series_marker(style), x, y, kMarkerRadius);
  if (hollow) {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    set_rgb(cr, series_color(style));
    cairo_set_line_width(cr, 2.5);
    cairo_stroke(cr);
    return;
  }
  set_rgb(cr, series_color(style));
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_set_line_width(cr, 1.5);
  cairo_stroke(cr);
}

// One legend row per line of items that fit in `width`; returns the height used.
double draw_legend(cairo_t* cr, const std::vector<std::string>& keys, double x, double y, double width, bool draw) {
  font(cr, 16);
  constexpr double kSwatch = 44, kPad = 10, kSpacing = 36, kRow = 30;
  // Lay items out in rows, then centre each row.
  std::vector<std::vector<std::size_t>> rows(1);
  std::vector<double> row_widths(1, 0);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const double w = kSwatch + kPad + text_width(cr, keys[i]);
    double& rw = row_widths.back();
    if (!rows.back().empty() && rw + kSpacing + w > width) {
      rows.emplace_back();
      row_widths.push_back(0);
    }
    row_widths.back() += (rows.back().empty() ? 0 : kSpacing) + w;
    rows.back().push_back(i);
  }
  if (!draw) return rows.size() * kRow;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    double cx = x + (width - row_widths[r]) / 2;
    const double cy = y + r * kRow + kRow / 2;
    for (std::size_t i : rows[r]) {
      set_rgb(cr, series_color(i));
      cairo_set_line_width(cr, kLineWidth);
      cairo_move_to(cr, cx, cy);
      cairo_line_to(cr, cx + kSwatch, cy);
      cairo_stroke(cr);
      draw_marker(cr, i, cx + kSwatch / 2, cy);
      set_grey(cr, 0.15);
      text(cr, keys[i], cx + kSwatch + kPad, cy, 0, 0.5);
      cx += kSwatch + kPad + text_width(cr, keys[i]) + kSpacing;
    }
  }
  return rows.size() * kRow;
}

void draw_panel(cairo_t* cr, const Panel& panel, Rect area, const Axis& x_axis) {
  // Plot rectangle inside the panel: room for the title above, tick labels and axis labels.
  const Rect plot{area.x + 95, area.y + 44, area.w - 95 - 20, area.h - 44 - 78};
  double y_max = 0, y_min = 0;
  bool any = false;
  for (const auto& s : panel.series) {
    for (const auto& [x, y] : s.points) {
      y_min = any ? std::min(y_min, y) : y;
      y_max = std::max(y_max, y);
      any = true;
    }
    for (const auto& e : s.errors) y_max = std::max(y_max, e.hi);  // whole error bars on the chart
  }
  const Axis y_axis = latency_axis(y_min, y_max);
  auto px = [&](double x) { return plot.x + x_axis.fraction(x) * plot.w; };
  auto py = [&](double y) { return plot.y + plot.h - y_axis.fraction(y) * plot.h; };

  font(cr, 20, true);
  set_grey(cr, 0.1);
  text(cr, panel.title, plot.x + plot.w / 2, area.y + 22, 0.5, 0.5);

  // Grid and tick labels.
  cairo_set_line_width(cr, 1);
  font(cr, 14);
  for (double t : y_axis.ticks) {
    const double y = std::round(py(t)) + 0.5;
    set_grey(cr, 0.9);
    cairo_move_to(cr, plot.x, y);
    cairo_line_to(cr, plot.x + plot.w, y);
    cairo_stroke(cr);
    set_grey(cr, 0.25);
    text(cr, y_axis.label(t), plot.x - 10, y, 1, 0.5);
  }
  for (double t : x_axis.ticks) {
    const double x = std::round(px(t)) + 0.5;
    set_grey(cr, 0.9);
    cairo_move_to(cr, x, plot.y);
    cairo_line_to(cr, x, plot.y + plot.h);
    cairo_stroke(cr);
    set_grey(cr, 0.25);
    text(cr, x_axis.label(t), x, plot.y + plot.h + 22, 0.5, 0);
  }
  set_grey(cr, 0.45);
  cairo_rectangle(cr, std::round(plot.x) + 0.5, std::round(plot.y) + 0.5, std::round(plot.w), std::round(plot.h));
  cairo_stroke(cr);

  // Axis labels.
  font(cr, 16);
  set_grey(cr, 0.15);
  text(cr, panel.x_label, plot.x + plot.w / 2, plot.y + plot.h + 56, 0.5, 0);
  cairo_save(cr);
  cairo_translate(cr, area.x + 22, plot.y + plot.h / 2);
  cairo_rotate(cr, -M_PI / 2);
  text(cr, axis_title(panel.y_label, y_axis), 0, 0, 0.5, 0.5);
  cairo_restore(cr);

  if (!any) {
    font(cr, 16);
    set_grey(cr, 0.5);
    text(cr, "no data", plot.x + plot.w / 2, plot.y + plot.h / 2, 0.5, 0.5);
    return;
  }
  // Lines first, then markers on top so every point stays visible.
  cairo_save(cr);
  cairo_rectangle(cr, plot.x, plot.y, plot.w, plot.h);
  cairo_clip(cr);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  for (const auto& s : panel.series) {
    if (s.points.size() < 2) continue;
    set_rgb(cr, series_color(s.style));
    cairo_set_line_width(cr, kLineWidth);
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const double x = px(s.points[i].first), y = py(s.points[i].second);
      if (i == 0) cairo_move_to(cr, x, y);
      else cairo_line_to(cr, x, y);
    }
    cairo_stroke(cr);
  }
  // Error bars (95% intervals across trials): a vertical line with caps, under the markers; the
  // clip cuts a bottom below the axis at the frame.
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  for (const auto& s : panel.series) {
    set_rgb(cr, series_color(s.style));
    cairo_set_line_width(cr, 2);
    const double dodge = error_bar_offset(panel, s, 5);
    for (const auto& e : s.errors) {
      const double x = px(e.x) + dodge;
      const double y_lo = plot.y + plot.h - std::clamp(y_axis.fraction(e.lo), 0.0, 1.0) * plot.h;
      const double y_hi = py(e.hi);
      cairo_move_to(cr, x, y_lo);
      cairo_line_to(cr, x, y_hi);
      for (const double y : {y_lo, y_hi}) {
        cairo_move_to(cr, x - 8, y);
        cairo_line_to(cr, x + 8, y);
      }
      cairo_stroke(cr);
    }
  }
  cairo_restore(cr);
  for (const auto& s : panel.series) {
    for (const auto& [x, y] : s.points) draw_marker(cr, s.style, px(x), py(y), s.is_invalid(x));
  }
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// A white ARGB image to draw on, and its PNG bytes when done.
class Canvas {
 public:
  Canvas(int width, int height)
      : surface_(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height), cairo_surface_destroy),
        context_(cairo_create(surface_.get()), cairo_destroy) {
    cairo_set_source_rgb(cr(), 1, 1, 1);
    cairo_paint(cr());
  }
  cairo_t* cr() const { return context_.get(); }
  std::string png() const {
    cairo_surface_flush(surface_.get());
    std::string out;
    const cairo_status_t status = cairo_surface_write_to_png_stream(surface_.get(), append_bytes, &out);
    if (status != CAIRO_STATUS_SUCCESS) {
      throw std::runtime_error(std::string("cairo could not encode the PNG: ") + cairo_status_to_string(status));
    }
    return out;
  }

 private:
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface_;
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> context_;
};

}  // namespace

std::string render_comparison_png(const Comparison& comparison, const std::string& title, const PngOptions& options) {
  const int width = std::max(options.width, 1800);
  const int height = std::max(options.height, 600);
  Canvas canvas(width, height);
  cairo_t* cr = canvas.cr();

  font(cr, 26, true);
  set_grey(cr, 0.05);
  text(cr, title, width / 2.0, kOuter + 14, 0.5, 0.5);

  const auto keys = comparison.keys();
  const double legend_top = kOuter + 40;
  double legend_h = draw_legend(cr, keys, kOuter, legend_top, width - 2 * kOuter, true);
  if (!comparison.failed_runs.empty()) {
    std::string list;
    for (const auto* f : comparison.failed_runs) list += (list.empty() ? "" : ", ") + failed_run_label(*f);
    font(cr, 14);
    cairo_set_source_rgb(cr, 0.7, 0.1, 0.1);
    text(cr, "Not plotted, no successful request: " + list, width / 2.0, legend_top + legend_h + 10, 0.5, 0.5);
    legend_h += 22;
  }
  if (const auto invalid = invalid_runs_line(comparison); !invalid.empty()) {
    font(cr, 14);
    cairo_set_source_rgb(cr, 0.7, 0.1, 0.1);
    text(cr, invalid, width / 2.0, legend_top + legend_h + 10, 0.5, 0.5);
    legend_h += 22;
  }

  // One x axis for the three panels: the same QPS values line up across them.
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& row : comparison.rows) {
    lo = std::min(lo, row.qps);
    hi = std::max(hi, row.qps);
  }
  if (comparison.rows.empty()) lo = hi = 0;
  const Axis x_axis = data_axis(lo, hi);

  const auto panels = comparison_panels(comparison);
  const double top = legend_top + legend_h + 16;
  const double panel_w = (width - 2 * kOuter - 2 * kPanelGap) / 3;
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const Rect area{kOuter + i * (panel_w + kPanelGap), top, panel_w, height - kOuter / 2 - top};
    draw_panel(cr, panels[i], area, x_axis);
  }
  return canvas.png();
}

void write_comparison_png(const std::filesystem::path& path, const Comparison& comparison, const std::string& title,
                          const PngOptions& options) {
  core::write_file_atomic(path, render_comparison_png(comparison, title, options));
}

namespace {

// `s` shortened with an ellipsis to fit `width` in the current font.
std::string fit(cairo_t* cr, std::string s, double width) {
  if (text_width(cr, s) <= width) return s;
  while (!s.empty() && text_width(cr, s + "\u2026") > width) {
    s.pop_back();
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();  // whole UTF-8 characters
  }
  return s + "\u2026";
}

std::string slo_line(const CapacityFile& c) {
  std::string slo;
  for (const auto& [k, v] : c.slo.items()) slo += fmt::format("{}{} \u2264 {}", slo.empty() ? "" : ", ", k, v.dump());
  std::string line = slo.empty() ? "" : "SLO: " + slo;
  if (c.goodput) line += fmt::format("{}goodput \u2265 {}%", line.empty() ? "" : "; ", format_rate(*c.goodput * 100));
  return line + (line.empty() ? "" : "; ") + "bars: capacity, whiskers: the bracket [lower, upper] it was found in";
}

}  // namespace

std::string render_capacity_png(const CapacityFile& capacity, const std::string& title, const PngOptions& options) {
  const int width = std::max(options.width, 900);
  const int height = std::max(options.height, 500);
  Canvas canvas(width, height);
  cairo_t* cr = canvas.cr();
  font(cr, 24, true);
  set_grey(cr, 0.05);
  text(cr, title, width / 2.0, kOuter + 12, 0.5, 0.5);
  font(cr, 15);
  set_grey(cr, 0.3);
  text(cr, fit(cr, slo_line(capacity), width - 2 * kOuter), width / 2.0, kOuter + 44, 0.5, 0.5);

  const Rect plot{kOuter + 90, kOuter + 80, width - 2 * kOuter - 110, height - 2 * kOuter - 80 - 70};
  const auto& bs = capacity.baselines;
  // The y axis covers every bar and whisker (and max_qps when a search reached it).
  double top = 0;
  for (const auto& b : bs) {
    top = std::max({top, b.capacity.value_or(0), b.upper.value_or(0), b.lower.value_or(0)});
    if (b.status == "below_min") top = std::max(top, capacity.min_qps.value_or(0));
  }
  const Axis y_axis = nice_axis(0, top > 0 ? top * 1.12 : 1, 6, /*from_zero=*/true);
  auto py = [&](double y) { return plot.y + plot.h - std::clamp(y_axis.fraction(y), 0.0, 1.0) * plot.h; };

  cairo_set_line_width(cr, 1);
  font(cr, 14);
  for (double t : y_axis.ticks) {
    const double y = std::round(py(t)) + 0.5;
    set_grey(cr, 0.9);
    cairo_move_to(cr, plot.x, y);
    cairo_line_to(cr, plot.x + plot.w, y);
    cairo_stroke(cr);
    set_grey(cr, 0.25);
    text(cr, y_axis.label(t), plot.x - 10, y, 1, 0.5);
  }
  set_grey(cr, 0.45);
  cairo_rectangle(cr, std::round(plot.x) + 0.5, std::round(plot.y) + 0.5, std::round(plot.w), std::round(plot.h));
  cairo_stroke(cr);
  font(cr, 16);
  set_grey(cr, 0.15);
  cairo_save(cr);
  cairo_translate(cr, kOuter + 18, plot.y + plot.h / 2);
  cairo_rotate(cr, -M_PI / 2);
  text(cr, fmt::format("capacity ({})", capacity.unit), 0, 0, 0.5, 0.5);
  cairo_restore(cr);
  if (bs.empty()) {
    set_grey(cr, 0.5);
    text(cr, "no baseline", plot.x + plot.w / 2, plot.y + plot.h / 2, 0.5, 0.5);
  }

  const double slot = bs.empty() ? plot.w : plot.w / static_cast<double>(bs.size());
  const double bar_w = std::min(140.0, slot * 0.55);
  for (std::size_t i = 0; i < bs.size(); ++i) {
    const CapacityBaseline& b = bs[i];
    const double cx = plot.x + slot * (static_cast<double>(i) + 0.5);
    font(cr, 15);
    set_grey(cr, 0.15);
    text(cr, fit(cr, b.key, slot - 8), cx, plot.y + plot.h + 24, 0.5, 0);
    font(cr, 13);
    set_grey(cr, 0.4);
    text(cr, fit(cr, describe_status(b), slot - 8), cx, plot.y + plot.h + 46, 0.5, 0);
    if (!b.capacity) {
      // below_min, or a search that found nothing: no bar, say why.
      font(cr, 15);
      cairo_set_source_rgb(cr, 0.7, 0.1, 0.1);
      const std::string why = b.status == "below_min" && capacity.min_qps
                                  ? fmt::format("below {} {}", format_rate(*capacity.min_qps), capacity.unit)
                                  : describe_status(b);
      text(cr, fit(cr, why, slot - 8), cx, plot.y + plot.h - 20, 0.5, 0);
      continue;
    }
    const double y = py(*b.capacity);
    set_rgb(cr, series_color(i));
    cairo_rectangle(cr, cx - bar_w / 2, y, bar_w, plot.y + plot.h - y);
    cairo_fill(cr);
    // The bracket as a whisker; at max_qps an arrow up instead of a top cap (a lower bound).
    // Whiskers on pixel centres, 3 px wide: crisp at any scale.
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 3);
    const double wx = std::round(cx) + 0.5;
    const bool at_max = b.status == "at_max";
    if (b.lower && b.upper) {
      const double y_lo = std::round(py(*b.lower)) + 0.5, y_hi = std::round(py(*b.upper)) + 0.5;
      cairo_move_to(cr, wx, y_lo);
      cairo_line_to(cr, wx, y_hi);
      cairo_stroke(cr);
      for (const double yy : {y_lo, y_hi}) {
        cairo_move_to(cr, wx - 12, yy);
        cairo_line_to(cr, wx + 12, yy);
      }
      cairo_stroke(cr);
    }
    if (at_max) {
      cairo_move_to(cr, wx, y);
      cairo_line_to(cr, wx, y - 34);
      cairo_stroke(cr);
      cairo_move_to(cr, wx - 9, y - 24);
      cairo_line_to(cr, wx, y - 36);
      cairo_line_to(cr, wx + 9, y - 24);
      cairo_stroke(cr);
    }
    font(cr, 15, true);
    set_grey(cr, 0.1);
    const double label_y = std::min(y, b.upper ? py(*b.upper) : y) - (at_max ? 44 : 10);
    text(cr, fmt::format("{}{} {}", at_max ? "\u2265 " : "", format_rate(*b.capacity), capacity.unit), cx,
         std::max(label_y, plot.y + 14), 0.5, 0);
  }
  return canvas.png();
}

void write_capacity_png(const std::filesystem::path& path, const CapacityFile& capacity, const std::string& title,
                        const PngOptions& options) {
  core::write_file_atomic(path, render_capacity_png(capacity, title, options));
}

}  // namespace lmbench::report
