// Draws a metric widget (metric_widget.h) with its data as a PNG with cairo: white background,
// title, a time x axis, left (and right) value axes with grid lines, one line per visible series
// (filled bands when stacked), dashed horizontal annotations and a legend. Pure; thread-safe
// (one cairo surface per call).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "api/cloudwatch/dashboards/metric_widget.h"

namespace cwlogd::api::cloudwatch::dashboards {

struct Series {
  std::string label;
  uint32_t color = 0x1f77b4;  // 0xRRGGBB
  bool right_axis = false;
  std::vector<std::pair<int64_t, double>> points;  // (epoch ms, value), ascending time
};

// The colour of the i-th series without one of its own (the console's palette).
uint32_t PaletteColor(size_t index);

// The PNG bytes; empty only when cairo fails (out of memory).
std::string RenderWidgetPng(const MetricWidget& widget, const std::vector<Series>& input);

}  // namespace cwlogd::api::cloudwatch::dashboards
