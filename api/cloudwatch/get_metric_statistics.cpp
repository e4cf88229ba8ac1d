// GetMetricStatistics: statistic sets per period (multiples of 60 s) of one metric.
#include <cmath>

#include "api/cloudwatch/detail/aggregation.h"
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

  if (*period < 1 || *period % 60 != 0) {
    return InvalidParameterValue("The parameter Period must be a multiple of 60.");
  }
  if ((statistics == nullptr || statistics->empty()) ==
      (extended == nullptr || extended->empty())) {
    return InvalidParameterCombination(
        "Must specify either Statistics or ExtendedStatistics, but not both.");
  }
  if (extended != nullptr && !extended->empty()) {
    return InvalidParameterValue(
        "ExtendedStatistics (percentiles) are not supported: this server keeps statistic sets "
        "(SampleCount, Sum, Minimum, Maximum) per minute, not raw samples.");
  }
  std::vector<std::pair<std::string, detail::Statistic>> wanted;
  for (size_t i = 0; i < statistics->size(); ++i) {
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
  if (*start >= *end) {
    return InvalidParameterValue(
        "The parameter StartTime must be less than the parameter EndTime.");
  }
  const int64_t period_ms = *period * 1000;
  const int64_t aligned_start = storage::MinuteOf(*start);
  // Double arithmetic: the span may be huge (e.g. epoch 0 .. year 3000).
  const double requested =
      std::ceil((static_cast<double>(*end) - static_cast<double>(aligned_start)) / period_ms);
  if (requested > kMaxDatapointsPerStatisticsCall) {
    return InvalidParameterCombination(
        "You have requested up to " + WithThousands(static_cast<int64_t>(requested)) +
        " datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested "
        "by increasing Period, or decreasing the time range.");
  }

  storage::MetricId metric{*ns, *name, std::move(*dimensions)};
  detail::PeriodQuery q{aligned_start, *end, period_ms, unit, true};
  auto buckets = detail::QueryPeriods(ctx.metrics, ctx.partition, metric, q);
  if (!buckets.ok()) return InternalServiceFault("The service cannot complete the request.");
  json datapoints = json::array();
  for (const auto& b : *buckets) {
    json point = {{"Timestamp", static_cast<double>(b.start_ms) / 1000.0}, {"Unit", b.unit}};
    for (const auto& [stat_name, stat] : wanted) {
      point[stat_name] = StatisticValue(b.aggregate, stat);
    }
    datapoints.push_back(std::move(point));
  }
  return json{{"Label", *name}, {"Datapoints", std::move(datapoints)}};
}

}  // namespace cwlogd::api::cloudwatch
