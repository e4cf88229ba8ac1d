#include "api/cloudwatch/dashboards/widget_renderer.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>

#include <cairo.h>

namespace cwlogd::api::cloudwatch::dashboards {
namespace {

constexpr uint32_t kPalette[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
constexpr uint32_t kAnnotationColor = 0xd62728;

void SetColor(cairo_t* cr, uint32_t rgb, double alpha = 1.0) {
  cairo_set_source_rgba(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0, alpha);
}

// A "nice" step (1, 2, 5 x 10^k) for about `ticks` intervals over `span`.
double NiceStep(double span, int ticks) {
  if (!(span > 0) || !std::isfinite(span)) return 1;
  const double raw = span / std::max(ticks, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double nice = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return nice * mag;
}

std::string FormatValue(double v) {
  char buf[32];
  const double a = std::fabs(v);
  if (a >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.3gG", v / 1e9);
  } else if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  } else if (a >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}

std::string FormatTime(int64_t ms, bool with_date) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, with_date ? "%m/%d %H:%M" : "%H:%M", &tm);
  return buf;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void Add(double v) {
    if (!std::isfinite(v) || std::fabs(v) > 1e300) return;  // keeps hi - lo finite
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  // Resolves to a drawable range honouring the axis settings; 0 is kept in view, as the console.
  void Finish(const AxisRange& axis) {
    if (lo > hi) {
      lo = 0;
      hi = 1;
    }
    lo = std::min(lo, 0.0);
    if (axis.min) lo = *axis.min;
    if (axis.max) hi = *axis.max;
    if (!(hi > lo)) hi = lo + 1;
    if (!axis.max) {
      const double step = NiceStep(hi - lo, 5);
      hi = std::ceil(hi / step) * step;
      if (!(hi > lo)) hi = lo + step;
    }
  }
};

cairo_status_t AppendPng(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

uint32_t PaletteColor(size_t index) { return kPalette[index % std::size(kPalette)]; }

std::string RenderWidgetPng(const MetricWidget& widget, const std::vector<Series>& input) {
  const int width = std::clamp(widget.width, 1, kMaxImagePixels);
  const int height = std::clamp(widget.height, 1, kMaxImagePixels);
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t* cr = cairo_create(surface);

  SetColor(cr, 0xffffff);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 11);

  // Stacked graphs draw cumulative sums per timestamp, in series order.
  std::vector<Series> series = input;
  if (widget.stacked) {
    std::map<int64_t, double> running;
    for (auto& s : series) {
      for (auto& [t, v] : s.points) {
        double& acc = running[t];
        acc += v;
        v = acc;
      }
    }
  }

  const bool legend_bottom = widget.legend_position == "bottom" && !series.empty();
  const bool legend_right = widget.legend_position == "right" && !series.empty();
  const bool has_right =
      std::any_of(series.begin(), series.end(), [](const Series& s) { return s.right_axis; });
  const double top = widget.title.empty() ? 10 : 28;
  const double left = 50;
  const double right = (legend_right ? 150 : 10) + (has_right ? 40 : 0);
  const double bottom = 22 + (legend_bottom ? 18.0 * std::min<size_t>(series.size(), 4) : 0);
  const double plot_w = std::max(1.0, width - left - right);
  const double plot_h = std::max(1.0, height - top - bottom);

  Range lr;
  Range rr;
  for (const auto& s : series) {
    for (const auto& [t, v] : s.points) (s.right_axis ? rr : lr).Add(v);
  }
  for (const auto& a : widget.horizontal) (a.right_axis ? rr : lr).Add(a.value);
  lr.Finish(widget.left);
  rr.Finish(widget.right);

  const double t0 = static_cast<double>(widget.start_ms);
  const double t1 = static_cast<double>(widget.end_ms);
  auto x_of = [&](int64_t t) { return left + (static_cast<double>(t) - t0) / (t1 - t0) * plot_w; };
  auto y_of = [&](double v, bool right_axis) {
    const Range& r = right_axis ? rr : lr;
    return top + plot_h - (v - r.lo) / (r.hi - r.lo) * plot_h;
  };

  if (!widget.title.empty()) {
    SetColor(cr, 0x222222);
    cairo_set_font_size(cr, 13);
    cairo_move_to(cr, left, 18);
    cairo_show_text(cr, widget.title.c_str());
    cairo_set_font_size(cr, 11);
  }

  // Grid and value labels (left axis).
  cairo_set_line_width(cr, 1);
  const double step = NiceStep(lr.hi - lr.lo, 5);
  int guard = 0;
  for (double v = std::ceil(lr.lo / step) * step; v <= lr.hi + step * 1e-9 && guard < 50;
       v += step, ++guard) {
    const double y = std::round(y_of(v, false)) + 0.5;
    SetColor(cr, 0xe0e0e0);
    cairo_move_to(cr, left, y);
    cairo_line_to(cr, left + plot_w, y);
    cairo_stroke(cr);
    SetColor(cr, 0x555555);
    const std::string text = FormatValue(v);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text.c_str(), &ext);
    cairo_move_to(cr, left - 6 - ext.x_advance, y + 4);
    cairo_show_text(cr, text.c_str());
  }
  if (has_right) {
    const double rstep = NiceStep(rr.hi - rr.lo, 5);
    guard = 0;
    for (double v = std::ceil(rr.lo / rstep) * rstep; v <= rr.hi + rstep * 1e-9 && guard < 50;
         v += rstep, ++guard) {
      SetColor(cr, 0x555555);
      cairo_move_to(cr, left + plot_w + 6, y_of(v, true) + 4);
      cairo_show_text(cr, FormatValue(v).c_str());
    }
  }
  // Time labels.
  const bool with_date = widget.end_ms - widget.start_ms > 24LL * 3600 * 1000;
  const int64_t tick_ms = static_cast<int64_t>(
      std::max(60000.0, NiceStep(static_cast<double>(widget.end_ms - widget.start_ms) / 60000.0,
                                 std::max(1, static_cast<int>(plot_w / 90))) *
                            60000.0));
  guard = 0;
  for (int64_t t = (widget.start_ms / tick_ms + 1) * tick_ms; t < widget.end_ms && guard < 60;
       t += tick_ms, ++guard) {
    const double x = std::round(x_of(t)) + 0.5;
    SetColor(cr, 0xbbbbbb);
    cairo_move_to(cr, x, top + plot_h);
    cairo_line_to(cr, x, top + plot_h + 4);
    cairo_stroke(cr);
    SetColor(cr, 0x555555);
    const std::string text = FormatTime(t, with_date);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text.c_str(), &ext);
    cairo_move_to(cr, x - ext.x_advance / 2, top + plot_h + 15);
    cairo_show_text(cr, text.c_str());
  }
  // Axes.
  SetColor(cr, 0x888888);
  cairo_move_to(cr, left + 0.5, top);
  cairo_line_to(cr, left + 0.5, top + plot_h + 0.5);
  cairo_line_to(cr, left + plot_w, top + plot_h + 0.5);
  cairo_stroke(cr);

  // Series, clipped to the plot.
  cairo_save(cr);
  cairo_rectangle(cr, left, top, plot_w, plot_h);
  cairo_clip(cr);
  cairo_set_line_width(cr, 2);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t i = series.size(); i-- > 0;) {  // the first series is drawn last, on top
    const Series& s = series[i];
    if (s.points.empty()) continue;
    if (widget.stacked) {
      cairo_move_to(cr, x_of(s.points.front().first), y_of(0, s.right_axis));
      for (const auto& [t, v] : s.points) cairo_line_to(cr, x_of(t), y_of(v, s.right_axis));
      cairo_line_to(cr, x_of(s.points.back().first), y_of(0, s.right_axis));
      cairo_close_path(cr);
      SetColor(cr, s.color, 0.35);
      cairo_fill(cr);
    }
    SetColor(cr, s.color);
    if (s.points.size() == 1) {
      cairo_arc(cr, x_of(s.points[0].first), y_of(s.points[0].second, s.right_axis), 3, 0,
                2 * M_PI);
      cairo_fill(cr);
      continue;
    }
    bool first = true;
    for (const auto& [t, v] : s.points) {
      if (first) {
        cairo_move_to(cr, x_of(t), y_of(v, s.right_axis));
        first = false;
      } else {
        cairo_line_to(cr, x_of(t), y_of(v, s.right_axis));
      }
    }
    cairo_stroke(cr);
  }
  // Horizontal annotations: dashed, with their label above the line.
  const double dashes[] = {6, 4};
  for (const auto& a : widget.horizontal) {
    const double y = std::round(y_of(a.value, a.right_axis));  // on pixel rows: crisp dashes
    SetColor(cr, a.color.value_or(kAnnotationColor));
    cairo_set_line_width(cr, 2);
    cairo_set_dash(cr, dashes, 2, 0);
    cairo_move_to(cr, left, y);
    cairo_line_to(cr, left + plot_w, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
    if (!a.label.empty()) {
      cairo_move_to(cr, left + 4, y - 4);
      cairo_show_text(cr, a.label.c_str());
    }
  }
  cairo_restore(cr);

  // Legend.
  auto swatch = [&](double x, double y, const Series& s) {
    SetColor(cr, s.color);
    cairo_rectangle(cr, x, y - 8, 10, 10);
    cairo_fill(cr);
    SetColor(cr, 0x333333);
    cairo_move_to(cr, x + 14, y + 1);
    cairo_show_text(cr, s.label.c_str());
  };
  if (legend_bottom) {
    double x = left;
    double y = top + plot_h + 34;
    for (const auto& s : series) {
      cairo_text_extents_t ext;
      cairo_text_extents(cr, s.label.c_str(), &ext);
      const double w = 24 + ext.x_advance;
      if (x + w > width && x > left) {
        x = left;
        y += 18;
      }
      if (y > height) break;
      swatch(x, y, s);
      x += w;
    }
  } else if (legend_right) {
    double y = top + 10;
    for (const auto& s : series) {
      if (y > height) break;
      swatch(left + plot_w + (has_right ? 50 : 10), y, s);
      y += 18;
    }
  }

  cairo_destroy(cr);
  std::string png;
  cairo_surface_flush(surface);
  if (cairo_surface_write_to_png_stream(surface, &AppendPng, &png) != CAIRO_STATUS_SUCCESS) {
    png.clear();
  }
  cairo_surface_destroy(surface);
  return png;
}

}  // namespace cwlogd::api::cloudwatch::dashboards
