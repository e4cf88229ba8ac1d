#include "api/cloudwatch/detail/aggregation.h"

#include <algorithm>
#include <string_view>

namespace cwlogd::api::cloudwatch::detail {

namespace {

int64_t BucketOf(int64_t timestamp_ms, bool high_resolution) {
  return high_resolution ? storage::SecondOf(timestamp_ms) : storage::MinuteOf(timestamp_ms);
}

}  // namespace

void DeltaAccumulator::Add(const storage::MetricId& metric, int64_t timestamp_ms,
                           const std::string& unit, const storage::MetricAggregate& aggregate,
                           bool high_resolution) {
  deltas_[Key{metric, BucketOf(timestamp_ms, high_resolution), unit}].Merge(aggregate);
}

void DeltaAccumulator::AddSample(const storage::MetricId& metric, int64_t timestamp_ms,
                                 const std::string& unit, double value, double count,
                                 bool high_resolution) {
  deltas_[Key{metric, BucketOf(timestamp_ms, high_resolution), unit}].Add(value, count);
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
  // Buckets arrive ordered by start, then unit: a period's buckets are consecutive, but its
  // units interleave across its minutes. So the current period's buckets collect in `open`
  // (one per unit, usually one) and go out, sorted by unit, when the next period begins.
  std::vector<PeriodBucket> out;
  std::vector<PeriodBucket> open;
  int64_t open_index = 0;
  auto close_period = [&] {
    std::sort(open.begin(), open.end(),
              [](const PeriodBucket& a, const PeriodBucket& b) { return a.unit < b.unit; });
    for (PeriodBucket& b : open) out.push_back(std::move(b));
    open.clear();
  };
  storage::Status s = store.QueryMetric(
      p, metric, q.start_ms, q.end_ms, [&](const storage::MetricDatapoint& point) {
        if (q.unit && point.unit != *q.unit) return true;
        if (point.minute_ms < q.not_before_ms) return true;
        const int64_t index = (point.minute_ms - q.start_ms) / q.period_ms;
        if (!open.empty() && index != open_index) close_period();
        open_index = index;
        const std::string_view unit = q.split_units ? std::string_view(point.unit) : "";
        auto it = std::find_if(open.begin(), open.end(),
                               [&](const PeriodBucket& b) { return b.unit == unit; });
        if (it == open.end()) {
          it = open.insert(open.end(), {q.start_ms + index * q.period_ms, std::string(unit), {}});
        }
        if (q.distributions) {
          it->aggregate.Merge(point.aggregate);
        } else {
          it->aggregate.MergeStatisticSet(point.aggregate);
        }
        return true;
      });
  if (!s.ok()) return s;
  close_period();
  return out;
}

bool ValidPeriod(int64_t period_s, bool allow_20) {
  if (period_s >= 60) return period_s % 60 == 0;
  return period_s == 1 || period_s == 5 || period_s == 10 || period_s == 30 ||
         (allow_20 && period_s == 20);
}

int64_t RequiredPeriodMultiple(int64_t start_ms, int64_t now_ms) {
  constexpr int64_t kHour = 3'600'000;
  constexpr int64_t kDay = 24 * kHour;
  // Differences in double: StartTime may be anywhere in the representable range.
  const double age = static_cast<double>(now_ms) - static_cast<double>(start_ms);
  if (age > static_cast<double>(63 * kDay)) return 3600;
  if (age > static_cast<double>(15 * kDay)) return 300;
  if (age > static_cast<double>(3 * kHour)) return 60;
  return 1;
}

int64_t AlignStart(int64_t start_ms, int64_t period_ms) {
  if (period_ms >= storage::kMillisPerMinute) return storage::MinuteOf(start_ms);
  int64_t q = start_ms / period_ms;
  if (start_ms % period_ms < 0) --q;
  return q * period_ms;
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
