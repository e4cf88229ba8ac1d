// MetricSource over the metric store (SEARCH, Metrics Insights), for one request's partition
// and time range. Not thread-safe (one per request).
#pragma once

#include "api/cloudwatch/math/expression_eval.h"

namespace cwlogd::api::cloudwatch::math {

class StoreMetricSource final : public MetricSource {
 public:
  StoreMetricSource(storage::MetricStore& store, storage::Partition partition, int64_t start_ms,
                    int64_t end_ms)
      : store_(store), partition_(std::move(partition)), start_ms_(start_ms), end_ms_(end_ms) {}

  std::vector<storage::MetricId> Metrics(const std::string& metric_namespace,
                                         size_t limit) override;
  std::vector<std::pair<int64_t, storage::MetricAggregate>> Aggregates(
      const storage::MetricId& metric, int64_t period_ms) override;

 private:
  storage::MetricStore& store_;
  storage::Partition partition_;
  int64_t start_ms_;
  int64_t end_ms_;
};

}  // namespace cwlogd::api::cloudwatch::math
