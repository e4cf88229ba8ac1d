// GetMetricWidgetImage: the MetricWidget JSON -> a PNG of its metrics, drawn from the metric
// store through the same period query GetMetricStatistics uses (detail::QueryPeriods).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "api/cloudwatch/dashboards/dashboard_handlers.h"
#include "api/cloudwatch/dashboards/metric_widget.h"
#include "api/cloudwatch/dashboards/widget_renderer.h"
#include "api/cloudwatch/detail/aggregation.h"
#include "api/cloudwatch/detail/reader.h"

namespace cwlogd::api::cloudwatch::dashboards {

using nlohmann::json;

ApiResult HandleGetMetricWidgetImage(const json& request, Context& ctx) {
  detail::Reader r;
  auto text = r.String(request, "", "MetricWidget", true, 0, SIZE_MAX);
  auto format = r.String(request, "", "OutputFormat", false, 0, 255);
  if (r.failed()) return r.error();
  // "png" answers the image in the response document; "image/png" asks the query protocol
  // for a bare PNG body, which the JSON protocols cannot: both get the document here.
  if (format && *format != "png" && *format != "image/png") {
    return InvalidParameterValue("The parameter OutputFormat must be png.");  // [unsure] text
  }
  auto parsed = ParseMetricWidget(*text, ctx.clock.NowMillis());
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  const MetricWidget& widget = std::get<MetricWidget>(parsed);

  std::vector<Series> series;
  const int64_t span_ms = widget.end_ms - widget.start_ms;
  for (size_t i = 0; i < widget.metrics.size(); ++i) {
    const WidgetMetric& m = widget.metrics[i];
    if (!m.visible) continue;
    // Stored buckets are minutes: a finer period reads as one minute; a range holding more
    // than kMaxPointsPerMetric periods gets a coarser, whole-minute period.
    int64_t period_ms = std::max<int64_t>(m.period_s, 60) * 1000;
    period_ms = (period_ms + storage::kMillisPerMinute - 1) / storage::kMillisPerMinute *
                storage::kMillisPerMinute;
    if (span_ms / period_ms > kMaxPointsPerMetric) {
      const int64_t minutes = (span_ms / kMaxPointsPerMetric) / storage::kMillisPerMinute + 1;
      period_ms = minutes * storage::kMillisPerMinute;
    }
    const int64_t aligned = storage::MinuteOf(widget.start_ms);
    detail::PeriodQuery q{aligned, widget.end_ms, period_ms, std::nullopt, false};
    auto buckets = detail::QueryPeriods(ctx.metrics, ctx.partition, m.id, q);
    if (!buckets.ok()) return InternalServiceFault("The service cannot complete the request.");
    Series s;
    s.label = m.label;
    s.color = m.color.value_or(PaletteColor(i));
    s.right_axis = m.right_axis;
    for (const auto& b : *buckets) {
      const double v = detail::StatisticValue(b.aggregate, m.stat);
      // cairo paths must stay finite: values beyond the axis range are clipped by the plot.
      if (std::isfinite(v) && std::fabs(v) <= 1e300) s.points.emplace_back(b.start_ms, v);
    }
    series.push_back(std::move(s));
  }
  std::string png = RenderWidgetPng(widget, series);
  if (png.empty()) return InternalServiceFault("The service cannot complete the request.");
  return json{
      {"MetricWidgetImage", json::binary(std::vector<std::uint8_t>(png.begin(), png.end()))}};
}

}  // namespace cwlogd::api::cloudwatch::dashboards
