// Internal to storage/: the MetricStore on the log store's RocksDB database (the `metrics`
// column family, storage/metric_keys.h). Buckets and the metric index are written with RocksDB
// merges (an associative statistic-set merge), so a PutLogEvents batch adds its metric-filter
// data to the same WriteBatch as its events without any read-modify-write.
// A client of the storage engine (engine.h): every write goes through Engine::Write, and filter
// definitions are changed in Engine::UpdateGroupRecord, under the group's lock, which also guards
// the group record's metric_filter_count.
// Thread-safe: merges need no lock.
#pragma once

#include <functional>
#include <memory>
#include <span>

#include "storage/log_store.h"
#include "storage/metric_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class WriteBatch;
struct ColumnFamilyOptions;
}  // namespace rocksdb

namespace cwlogd::storage::detail {

class Engine;

// Sets the `metrics` CF's merge operator (and sensible options for small values).
void ConfigureMetricsCf(rocksdb::ColumnFamilyOptions* options);

// Appends the merges of `deltas` (buckets and index entries) to `batch`.
void AppendMetricDeltas(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* metrics,
                        const Partition& p, std::span<const MetricAggregateDelta> deltas,
                        int64_t published_ms);

class RocksMetricStore final : public MetricStore {
 public:
  // `logs` lists the groups (ListMetricFilters across a partition); it must outlive this store.
  RocksMetricStore(std::shared_ptr<Engine> engine, LogStore* logs)
      : engine_(std::move(engine)), logs_(logs) {}

  Status PutMetricData(const Partition& p, std::span<const MetricAggregateDelta> deltas,
                       int64_t published_ms) override;
  Status QueryMetric(const Partition& p, const MetricId& metric, int64_t start_ms, int64_t end_ms,
                     const std::function<bool(const MetricDatapoint&)>& visit) override;
  Status ListMetrics(const Partition& p, const MetricListQuery& query,
                     const std::optional<MetricId>& start_after,
                     const std::function<bool(const MetricInfo&)>& visit) override;
  Status PutMetricFilter(const Partition& p, const MetricFilterDefinition& definition,
                         int32_t max_filters_per_group) override;
  Status DeleteMetricFilter(const Partition& p, std::string_view log_group,
                            std::string_view filter_name) override;
  Status ListMetricFilters(
      const Partition& p, const MetricFilterQuery& query,
      const std::function<bool(const MetricFilterDefinition&)>& visit) override;

 private:
  // Filters of one group (id known), after `start_after_name` when set.
  Status ListGroupFilters(const std::string& group, uint64_t group_id,
                          const MetricFilterQuery& query, const std::string* start_after_name,
                          const std::function<bool(const MetricFilterDefinition&)>& visit,
                          bool* stopped);

  std::shared_ptr<Engine> engine_;
  LogStore* logs_;
};

}  // namespace cwlogd::storage::detail
