// GetMetricWidgetImage's MetricWidget JSON (the metric widget of a dashboard body) -> a plain
// description of the graph to draw: the metrics with the AWS shorthand resolved
// (["ns", "name", "dim", "value", ..., {options}], "." repeating the previous row's item), the
// time range, period, statistic, axes, annotations, legend and size. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "api/cloudwatch/detail/aggregation.h"
#include "storage/metric_store.h"

namespace cwlogd::api::cloudwatch::dashboards {

struct WidgetMetric {
  storage::MetricId id;
  detail::Statistic stat = detail::Statistic::kAverage;
  int64_t period_s = 300;
  std::string label;              // default: the metric name
  std::optional<uint32_t> color;  // 0xRRGGBB; default: the palette
  bool visible = true;
  bool right_axis = false;
};

struct HorizontalAnnotation {
  double value = 0;
  std::string label;
  std::optional<uint32_t> color;  // default: a red
  bool right_axis = false;
};

struct AxisRange {
  std::optional<double> min;
  std::optional<double> max;
  std::string label;
};

struct MetricWidget {
  std::vector<WidgetMetric> metrics;
  std::string view = "timeSeries";  // timeSeries, singleValue, bar, pie, ... (all drawn as lines)
  bool stacked = false;
  std::string title;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  AxisRange left;
  AxisRange right;
  std::vector<HorizontalAnnotation> horizontal;
  std::string legend_position = "bottom";  // bottom, right, hidden
  int width = 600;
  int height = 400;
};

// Limits (CloudWatch API reference, GetMetricWidgetImage).
inline constexpr int kMaxImagePixels = 2000;                  // width and height each
inline constexpr size_t kMaxWidgetMetrics = 100;              // [unsure]
inline constexpr size_t kMaxWidgetBytes = size_t{64} * 1024;  // [unsure]
// At most this many periods per metric: a longer range gets a coarser period, as the console.
inline constexpr int64_t kMaxPointsPerMetric = 1440;

// `now_ms` resolves relative times ("-PT3H"). InvalidParameterValueException naming the problem
// for anything malformed. Never throws.
std::variant<MetricWidget, ApiError> ParseMetricWidget(std::string_view text, int64_t now_ms);

// "-PT3H", "-P7D", "PT15M", "-P1W" -> signed milliseconds; nullopt when malformed.
std::optional<int64_t> ParseIsoDuration(std::string_view text);

// "#1f77b4" or "#fff" -> 0x1f77b4; nullopt when malformed.
std::optional<uint32_t> ParseColor(std::string_view text);

}  // namespace cwlogd::api::cloudwatch::dashboards
