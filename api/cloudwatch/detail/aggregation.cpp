#include "api/cloudwatch/detail/aggregation.h"

namespace cwlogd::api::cloudwatch::detail {

void DeltaAccumulator::Add(const storage::MetricId& metric, int64_t timestamp_ms,
                           const std::string& unit, const storage::MetricAggregate& aggregate) {
  deltas_[Key{metric, storage::MinuteOf(timestamp_ms), unit}].Merge(aggregate);
}

void DeltaAccumulator::AddSample(const storage::MetricId& metric, int64_t timestamp_ms,
                                 const std::string& unit, double value, double count) {
  deltas_[Key{metric, storage::MinuteOf(timestamp_ms), unit}].Add(value, count);
}

std::vector<storage::MetricAggregateDelta> DeltaAccumulator::Take() {
  std::vector<storage::MetricAggregateDelta> out;
  out.reserve(deltas_.size());
  for (auto& [key, aggregate] : deltas_) {
    out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), aggregate});
  }
  deltas_.clear();
  return out;
}

storage::Result<std::vector<PeriodBucket>> QueryPeriods(storage::MetricStore& store,
                                                        const storage::Partition& p,
                                                        const storage::MetricId& metric,
                                                        const PeriodQuery& q) {
  // (period index, unit) -> aggregate; periods arrive in ascending order from the store, but
  // units interleave, hence the map.
  std::map<std::pair<int64_t, std::string>, storage::MetricAggregate> periods;
  storage::Status s = store.QueryMetric(
      p, metric, q.start_ms, q.end_ms, [&](const storage::MetricDatapoint& point) {
        if (q.unit && point.unit != *q.unit) return true;
        const int64_t index = (point.minute_ms - q.start_ms) / q.period_ms;
        periods[{index, q.split_units ? point.unit : std::string()}].Merge(point.aggregate);
        return true;
      });
  if (!s.ok()) return s;
  std::vector<PeriodBucket> out;
  out.reserve(periods.size());
  for (auto& [key, aggregate] : periods) {
    out.push_back({q.start_ms + key.first * q.period_ms, key.second, aggregate});
  }
  return out;
}

std::optional<Statistic> ParseStatistic(std::string_view name) {
  if (name == "SampleCount") return Statistic::kSampleCount;
  if (name == "Average") return Statistic::kAverage;
  if (name == "Sum") return Statistic::kSum;
  if (name == "Minimum") return Statistic::kMinimum;
  if (name == "Maximum") return Statistic::kMaximum;
  return std::nullopt;
}

double StatisticValue(const storage::MetricAggregate& a, Statistic s) {
  switch (s) {
    case Statistic::kSampleCount:
      return a.sample_count;
    case Statistic::kAverage:
      return a.sample_count > 0 ? a.sum / a.sample_count : 0.0;
    case Statistic::kSum:
      return a.sum;
    case Statistic::kMinimum:
      return a.minimum;
    case Statistic::kMaximum:
      return a.maximum;
  }
  return 0;
}

}  // namespace cwlogd::api::cloudwatch::detail
