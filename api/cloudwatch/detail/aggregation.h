// Merges samples into per-(metric, minute, unit) deltas before one store write, and reads
// stored minute buckets back as period buckets for the statistics operations.
// Not thread-safe (one per request).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "storage/metric_store.h"

namespace cwlogd::api::cloudwatch::detail {

class DeltaAccumulator {
 public:
  void Add(const storage::MetricId& metric, int64_t timestamp_ms, const std::string& unit,
           const storage::MetricAggregate& aggregate);
  void AddSample(const storage::MetricId& metric, int64_t timestamp_ms, const std::string& unit,
                 double value, double count = 1);
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
};

// Ascending by (start_ms, unit). Only periods holding data appear.
storage::Result<std::vector<PeriodBucket>> QueryPeriods(storage::MetricStore& store,
                                                        const storage::Partition& p,
                                                        const storage::MetricId& metric,
                                                        const PeriodQuery& query);

enum class Statistic { kSampleCount, kAverage, kSum, kMinimum, kMaximum };
std::optional<Statistic> ParseStatistic(std::string_view name);
double StatisticValue(const storage::MetricAggregate& a, Statistic s);

}  // namespace cwlogd::api::cloudwatch::detail
