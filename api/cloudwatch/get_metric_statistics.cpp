// GetMetricStatistics: statistic sets or extended statistics (percentiles...) per period of one
// metric (periods of 1, 5, 10 or 30 s for high-resolution data, or multiples of 60 s).
#include <cmath>

#include "api/cloudwatch/detail/aggregation.h"
#include "api/cloudwatch/detail/extended_statistic.h"
#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/handlers.h"

namespace cwlogd::api::cloudwatch {
namespace {

using detail::MemberPath;
using detail::Reader;
using nlohmann::json;

// 1441 -> "1,441", as CloudWatch prints counts in this message.
std::string WithThousands(int64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

ApiResult HandleGetMetricStatistics(const json& request, Context& ctx) {
  Reader r;
  auto ns = r.Namespace(request, "", true);
  auto name = r.String(request, "", "MetricName", true, 1, 255);
  auto dimensions = r.Dimensions(request, "", kMaxDimensions);
  auto start = r.TimestampMillis(request, "", "StartTime", true);
  auto end = r.TimestampMillis(request, "", "EndTime", true);
  auto period = r.Integer(request, "", "Period", true);
  const json* statistics = r.List(request, "", "Statistics", false, 5);
  const json* extended = r.List(request, "", "ExtendedStatistics", false, 10);
  auto unit = r.Unit(request, "");
  if (r.failed()) return r.error();

  if (!detail::ValidPeriod(*period, false)) {
    return InvalidParameterValue("The parameter Period must be a multiple of 60.");
  }
  if ((statistics == nullptr || statistics->empty()) ==
      (extended == nullptr || extended->empty())) {
    return InvalidParameterCombination(
        "Must specify either Statistics or ExtendedStatistics, but not both.");
  }
  std::vector<std::pair<std::string, detail::Statistic>> wanted;
  for (size_t i = 0; statistics != nullptr && i < statistics->size(); ++i) {
    const json& s = (*statistics)[i];
    std::optional<detail::Statistic> stat;
    if (s.is_string()) stat = detail::ParseStatistic(s.get_ref<const std::string&>());
    if (!stat) {
      return InvalidParameterValue("The parameter " + MemberPath("Statistics", i) +
                                   " must be a value in the set [ SampleCount, Average, Sum, "
                                   "Minimum, Maximum ].");
    }
    wanted.emplace_back(s.get<std::string>(), *stat);
  }
  std::vector<std::pair<std::string, detail::ExtendedStatistic>> wanted_extended;
  for (size_t i = 0; extended != nullptr && i < extended->size(); ++i) {
    const json& s = (*extended)[i];
    std::optional<detail::ExtendedStatistic> stat;
    if (s.is_string()) stat = detail::ParseExtendedStatistic(s.get_ref<const std::string&>());
    if (!stat) {
      return InvalidParameterValue(
          "The value " + (s.is_string() ? s.get<std::string>() : s.dump()) + " for parameter " +
          MemberPath("ExtendedStatistics", i) +
          " is invalid. Use a percentile (p0.0 to p100) or another extended statistic (tm99, "
          "wm99, tc99, ts99, IQM, TM(a:b), WM(a:b), TC(a:b), TS(a:b), PR(a:b)).");
    }
    wanted_extended.emplace_back(s.get<std::string>(), *stat);
  }
  if (*start >= *end) {
    return InvalidParameterValue(
        "The parameter StartTime must be less than the parameter EndTime.");
  }
  const int64_t period_ms = *period * 1000;
  const int64_t aligned_start = detail::AlignStart(*start, period_ms);
  // Double arithmetic: the span may be huge (e.g. epoch 0 .. year 3000).
  const double requested =
      std::ceil((static_cast<double>(*end) - static_cast<double>(aligned_start)) / period_ms);
  if (requested > kMaxDatapointsPerStatisticsCall) {
    return InvalidParameterCombination(
        "You have requested up to " + WithThousands(static_cast<int64_t>(requested)) +
        " datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested "
        "by increasing Period, or decreasing the time range.");
  }

  const int64_t now_ms = ctx.clock.NowMillis();
  if (*period % detail::RequiredPeriodMultiple(*start, now_ms) != 0) {
    // AWS's rollup schedule: this old data is not kept at this granularity.
    return json{{"Label", *name}, {"Datapoints", json::array()}};
  }
  storage::MetricId metric{*ns, *name, std::move(*dimensions)};
  const int64_t not_before = now_ms - detail::kMetricRetentionMs;
  detail::PeriodQuery q{aligned_start, *end, period_ms, unit, true, not_before};
  auto buckets = detail::QueryPeriods(ctx.metrics, ctx.partition, metric, q);
  if (!buckets.ok()) return InternalServiceFault("The service cannot complete the request.");
  json datapoints = json::array();
  for (const auto& b : *buckets) {
    json point = {{"Timestamp", static_cast<double>(b.start_ms) / 1000.0}, {"Unit", b.unit}};
    for (const auto& [stat_name, stat] : wanted) {
      point[stat_name] = StatisticValue(b.aggregate, stat);
    }
    // A bucket that cannot answer a percentile (statistic sets, negative values) leaves it out.
    json extended_values = json::object();
    for (const auto& [stat_name, stat] : wanted_extended) {
      if (auto v = detail::EvaluateExtendedStatistic(b.aggregate, stat)) {
        extended_values[stat_name] = *v;
      }
    }
    if (!extended_values.empty()) point["ExtendedStatistics"] = std::move(extended_values);
    datapoints.push_back(std::move(point));
  }
  return json{{"Label", *name}, {"Datapoints", std::move(datapoints)}};
}

}  // namespace cwlogd::api::cloudwatch
