// Renders a metric widget PNG (api/cloudwatch/dashboards/widget_renderer.h) many times and prints
// the time per image. Goal: under 100 ms for a 600 x 400 widget of 3 series x 180 points.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "api/cloudwatch/dashboards/widget_renderer.h"

namespace cwd = cwlogd::api::cloudwatch::dashboards;

int main(int argc, char** argv) {
  const int64_t end = 1704067800000;  // fixed: the same image every run
  cwd::MetricWidget w;
  w.title = "Latency by host";
  w.start_ms = end - 3 * 3600 * 1000LL;
  w.end_ms = end;
  w.horizontal.push_back({30, "slo", 0x00aa00, false});
  std::vector<cwd::Series> series;
  for (int s = 0; s < 3; ++s) {
    cwd::Series one;
    one.label = "host-" + std::to_string(s);
    one.color = cwd::PaletteColor(s);
    for (int i = 0; i < 180; ++i) {
      one.points.emplace_back(w.start_ms + i * 60000LL,
                              15 + 5 * s + 6 * std::sin(i / (9.0 + 3 * s)) + (i % 7));
    }
    series.push_back(std::move(one));
  }
  constexpr int kRuns = 50;
  std::string png;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) png = cwd::RenderWidgetPng(w, series);
  const auto t1 = std::chrono::steady_clock::now();
  const double ms = std::chrono::duration<double, std::milli>(t1 - t0).count() / kRuns;
  std::printf("widget_bench: %dx%d, %zu series x 180 points: %.2f ms per PNG (%zu bytes)%s\n",
              w.width, w.height, series.size(), ms, png.size(),
              ms < 100 ? "" : "  ABOVE THE 100 ms GOAL");
  if (argc > 1) std::ofstream(argv[1], std::ios::binary) << png;
  return 0;
}
