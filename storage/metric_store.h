// MetricStore: the storage contract of CloudWatch metrics (data published by PutMetricData and
// by metric filters, aggregated per metric, unit and minute) and of metric-filter definitions
// (attached to log groups). Plain types only. The RocksDB implementation shares the log store's
// DB (docs/storage-format.md), so metric filter data can be written in the same atomic batch as
// the events that produced it (PutEventsRequest::metrics).
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <algorithm>
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/log_store.h"
#include "storage/metric_distribution.h"
#include "storage/status.h"

namespace cwlogd::storage {

struct MetricDimension {
  std::string name;
  std::string value;
  auto operator<=>(const MetricDimension&) const = default;
};

// Identity of one metric. `dimensions` are sorted by (name, value) and names are unique;
// callers normalise with SortDimensions. Ordering (used by ListMetrics) is lexicographic over
// (metric_namespace, metric_name, dimensions).
struct MetricId {
  std::string metric_namespace;
  std::string metric_name;
  std::vector<MetricDimension> dimensions;
  auto operator<=>(const MetricId&) const = default;
};

inline void SortDimensions(std::vector<MetricDimension>& dimensions) {
  std::sort(dimensions.begin(), dimensions.end());
}

// A statistic set and the distribution of the values: what is kept per metric, unit and
// bucket (a minute, or a second for high-resolution data).
struct MetricAggregate {
  double sample_count = 0;
  double sum = 0;
  double minimum = std::numeric_limits<double>::infinity();
  double maximum = -std::numeric_limits<double>::infinity();
  MetricDistribution distribution;  // for percentiles; see MetricDistribution::usable()

  // `count` samples of value `v` (count may be fractional, as PutMetricData Counts allow).
  void Add(double v, double count = 1) {
    sample_count += count;
    sum += v * count;
    if (v < minimum) minimum = v;
    if (v > maximum) maximum = v;
    distribution.Add(v, count);
  }
  // A statistic set (PutMetricData StatisticValues). AWS keeps percentiles for one only when its
  // values are implied: SampleCount 1 (the value is Sum) or Minimum == Maximum.
  void AddStatisticSet(double count, double total, double min, double max) {
    sample_count += count;
    sum += total;
    if (min < minimum) minimum = min;
    if (max > maximum) maximum = max;
    if (count == 1) {
      distribution.Add(total, 1);
    } else if (min == max) {
      distribution.Add(min, count);
    } else {
      distribution.MarkUnknown();
    }
  }
  void Merge(const MetricAggregate& o) {
    MergeStatisticSet(o);
    distribution.Merge(o.distribution);
  }
  // SampleCount, Sum, Minimum and Maximum only: for readers that need no percentile (the
  // distribution is left as it was, so it no longer describes the samples).
  void MergeStatisticSet(const MetricAggregate& o) {
    sample_count += o.sample_count;
    sum += o.sum;
    if (o.minimum < minimum) minimum = o.minimum;
    if (o.maximum > maximum) maximum = o.maximum;
  }
  bool operator==(const MetricAggregate&) const = default;
};

inline constexpr int64_t kMillisPerMinute = 60'000;

// The start of the minute holding `timestamp_ms` (floor, also for negative times).
inline int64_t MinuteOf(int64_t timestamp_ms) {
  int64_t q = timestamp_ms / kMillisPerMinute;
  if (timestamp_ms % kMillisPerMinute < 0) --q;
  return q * kMillisPerMinute;
}

inline constexpr int64_t kMillisPerSecond = 1'000;

// The start of the second holding `timestamp_ms` (floor): high-resolution buckets.
inline int64_t SecondOf(int64_t timestamp_ms) {
  int64_t q = timestamp_ms / kMillisPerSecond;
  if (timestamp_ms % kMillisPerSecond < 0) --q;
  return q * kMillisPerSecond;
}

// One change to one bucket: merged (count/sum/min/max, distribution) into what is stored.
struct MetricAggregateDelta {
  MetricId metric;
  // Start of the bucket, epoch ms: the minute (MinuteOf), or the second (SecondOf) for
  // StorageResolution 1 data. The name predates high-resolution buckets.
  int64_t minute_ms = 0;
  std::string unit = "None";  // a StandardUnit; buckets of different units are kept apart
  MetricAggregate aggregate;
};

// One stored bucket, as QueryMetric returns it.
struct MetricDatapoint {
  int64_t minute_ms = 0;  // bucket start (a minute, or a second for high-resolution data)
  std::string unit;
  MetricAggregate aggregate;
};

struct MetricListQuery {
  std::optional<std::string> metric_namespace;  // exact match when set
  std::optional<std::string> metric_name;       // exact match when set
  // Each filter requires a dimension of that name (and that value when set).
  std::vector<std::pair<std::string, std::optional<std::string>>> dimension_filters;
  // Only metrics with a data point published at or after this time (epoch ms). Default: all.
  int64_t active_since_ms = std::numeric_limits<int64_t>::min();
};

// What ListMetrics returns per metric.
struct MetricInfo {
  MetricId id;
  int64_t last_published_ms = 0;  // ingestion time of the latest data point
};

// PutMetricFilter's stored definition (AWS API reference: one metric transformation).
struct MetricFilterDefinition {
  std::string log_group;
  std::string filter_name;
  std::string filter_pattern;  // verbatim
  int64_t creation_time_ms = 0;
  bool apply_on_transformed_logs = false;
  std::string metric_name;
  std::string metric_namespace;
  std::string metric_value;                       // "1", "$size", "$.latency"
  std::optional<double> default_value;            // exclusive with dimensions
  std::map<std::string, std::string> dimensions;  // name -> field reference, at most 3
  std::optional<std::string> unit;                // absent = None (and omitted by Describe)
  std::optional<std::string> field_selection_criteria;
  std::vector<std::string> emit_system_field_dimensions;
};

struct MetricFilterQuery {
  std::optional<std::string> log_group;  // only this group (NotFound(kLogGroup) if missing)
  std::string filter_name_prefix;
  // Only filters whose transformation has this (metric_name, metric_namespace).
  std::optional<std::pair<std::string, std::string>> metric;
  // Exclusive cursor in (log_group, filter_name) byte order.
  std::optional<std::pair<std::string, std::string>> start_after;
};

class MetricStore {
 public:
  virtual ~MetricStore() = default;

  // --- metric data ---
  // Merges every delta into its (metric, unit, minute) bucket in one atomic write, and records
  // the metric for ListMetrics with `published_ms` as its last publication time.
  virtual Status PutMetricData(const Partition& p, std::span<const MetricAggregateDelta> deltas,
                               int64_t published_ms) = 0;
  // Buckets of exactly this metric with start_ms <= minute_ms < end_ms, ascending by
  // (minute_ms, unit). The visitor returns false to stop.
  virtual Status QueryMetric(const Partition& p, const MetricId& metric, int64_t start_ms,
                             int64_t end_ms,
                             const std::function<bool(const MetricDatapoint&)>& visit) = 0;
  // Known metrics matching `query`, ascending by MetricId, strictly after `start_after`.
  virtual Status ListMetrics(const Partition& p, const MetricListQuery& query,
                             const std::optional<MetricId>& start_after,
                             const std::function<bool(const MetricInfo&)>& visit) = 0;

  // --- metric filter definitions (attached to a log group; deleted with it) ---
  // Creates or replaces (same group and name; creation time is then kept) the filter and keeps
  // the group's metric_filter_count in step, atomically. NotFound(kLogGroup);
  // FailedPrecondition when creating would exceed `max_filters_per_group`.
  virtual Status PutMetricFilter(const Partition& p, const MetricFilterDefinition& definition,
                                 int32_t max_filters_per_group) = 0;
  // NotFound(kLogGroup) / NotFound(kMetricFilter).
  virtual Status DeleteMetricFilter(const Partition& p, std::string_view log_group,
                                    std::string_view filter_name) = 0;
  // Filters matching `query` in ascending (log_group, filter_name) byte order.
  virtual Status ListMetricFilters(
      const Partition& p, const MetricFilterQuery& query,
      const std::function<bool(const MetricFilterDefinition&)>& visit) = 0;
};

}  // namespace cwlogd::storage
