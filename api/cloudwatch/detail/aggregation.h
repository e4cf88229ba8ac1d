// Merges samples into per-(metric, minute, unit) deltas before one store write, and reads
// stored minute buckets back as period buckets for the statistics operations.
// Not thread-safe (one per request).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "storage/metric_store.h"

namespace cwlogd::api::cloudwatch::detail {

class DeltaAccumulator {
 public:
  // `high_resolution`: StorageResolution 1, kept in per-second buckets (else per minute).
  void Add(const storage::MetricId& metric, int64_t timestamp_ms, const std::string& unit,
           const storage::MetricAggregate& aggregate, bool high_resolution = false);
  void AddSample(const storage::MetricId& metric, int64_t timestamp_ms, const std::string& unit,
                 double value, double count = 1, bool high_resolution = false);
  bool empty() const { return deltas_.empty(); }
  std::vector<storage::MetricAggregateDelta> Take();

 private:
  using Key = std::tuple<storage::MetricId, int64_t, std::string>;
  std::map<Key, storage::MetricAggregate> deltas_;
};

// One period bucket: periods start at `first_start_ms + k * period_ms`.
struct PeriodBucket {
  int64_t start_ms = 0;
  std::string unit;  // empty when units were merged
  storage::MetricAggregate aggregate;
};

struct PeriodQuery {
  int64_t start_ms = 0;  // first period start (already aligned by the caller)
  int64_t end_ms = 0;    // exclusive
  int64_t period_ms = 60'000;
  std::optional<std::string> unit;  // only buckets of this unit
  bool split_units = true;          // false: one bucket per period whatever the units
  // Buckets starting before this are gone (kMetricRetentionMs before now). Default: none.
  int64_t not_before_ms = std::numeric_limits<int64_t>::min();
  // false: the buckets' distributions are left empty, for a caller that asks no percentile
  // (cheaper: nothing to copy or merge but the statistic set).
  bool distributions = true;
};

// AWS keeps metric data 455 days.
inline constexpr int64_t kMetricRetentionMs = int64_t{455} * 86'400'000;

// Period (seconds) as AWS validates it: 1, 5, 10, 30 (and 20 in GetMetricData), or a multiple of
// 60. Periods under 60 only find high-resolution (StorageResolution 1) data.
bool ValidPeriod(int64_t period_s, bool allow_20);
// AWS's rollup schedule: with a StartTime more than 3 hours (15 days, 63 days) before now, the
// period must be a multiple of 60 (300, 3600) seconds, or no data points are returned. The
// multiple required (1 when the start is recent).
int64_t RequiredPeriodMultiple(int64_t start_ms, int64_t now_ms);
// The first period's start: the minute of `start_ms` for periods of 60 s and more, else
// `start_ms` rounded down to a multiple of the period.
int64_t AlignStart(int64_t start_ms, int64_t period_ms);

// Ascending by (start_ms, unit). Only periods holding data appear.
storage::Result<std::vector<PeriodBucket>> QueryPeriods(storage::MetricStore& store,
                                                        const storage::Partition& p,
                                                        const storage::MetricId& metric,
                                                        const PeriodQuery& query);

enum class Statistic { kSampleCount, kAverage, kSum, kMinimum, kMaximum };
std::optional<Statistic> ParseStatistic(std::string_view name);
double StatisticValue(const storage::MetricAggregate& a, Statistic s);

}  // namespace cwlogd::api::cloudwatch::detail
