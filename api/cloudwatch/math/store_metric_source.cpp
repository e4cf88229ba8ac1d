// Store failures read as "no data": an expression then answers with fewer series rather than
// failing the whole request (the MetricStat queries still surface store errors).
#include "api/cloudwatch/math/store_metric_source.h"

#include "api/cloudwatch/detail/aggregation.h"

namespace cwlogd::api::cloudwatch::math {

std::vector<storage::MetricId> StoreMetricSource::Metrics(const std::string& metric_namespace,
                                                          size_t limit) {
  storage::MetricListQuery query;
  if (!metric_namespace.empty()) query.metric_namespace = metric_namespace;
  std::vector<storage::MetricId> out;
  storage::Status s =
      store_.ListMetrics(partition_, query, std::nullopt, [&](const storage::MetricInfo& info) {
        if (out.size() >= limit) return false;
        out.push_back(info.id);
        return true;
      });
  (void)s;  // see the file comment
  return out;
}

std::vector<std::pair<int64_t, storage::MetricAggregate>> StoreMetricSource::Aggregates(
    const storage::MetricId& metric, int64_t period_ms) {
  std::vector<std::pair<int64_t, storage::MetricAggregate>> out;
  detail::PeriodQuery pq{start_ms_, end_ms_, period_ms, std::nullopt, false};
  auto buckets = detail::QueryPeriods(store_, partition_, metric, pq);
  if (!buckets.ok()) return out;
  out.reserve(buckets->size());
  for (auto& b : *buckets) out.emplace_back(b.start_ms, std::move(b.aggregate));
  return out;
}

}  // namespace cwlogd::api::cloudwatch::math
