// Internal to storage/: the MetricStore on the log store's RocksDB database (the `metrics`
// column family, storage/metric_keys.h). Buckets and the metric index are written with RocksDB
// merges (an associative statistic-set merge), so a PutLogEvents batch adds its metric-filter
// data to the same WriteBatch as its events without any read-modify-write.
// Thread-safe: merges need no lock; filter definitions are changed under the log store's
// per-group mutex (passed in), which also guards the group record's metric_filter_count.
#pragma once

#include <functional>
#include <mutex>
#include <span>

#include "storage/log_store.h"
#include "storage/metric_store.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
struct ColumnFamilyOptions;
struct WriteOptions;
}  // namespace rocksdb

namespace cwlogd::storage::detail {

// Sets the `metrics` CF's merge operator (and sensible options for small values).
void ConfigureMetricsCf(rocksdb::ColumnFamilyOptions* options);

// Appends the merges of `deltas` (buckets and index entries) to `batch`.
void AppendMetricDeltas(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* metrics,
                        const Partition& p, std::span<const MetricAggregateDelta> deltas,
                        int64_t published_ms);

class RocksMetricStore final : public MetricStore {
 public:
  struct Deps {
    rocksdb::DB* db = nullptr;
    rocksdb::ColumnFamilyHandle* metrics = nullptr;  // the `metrics` CF
    rocksdb::ColumnFamilyHandle* meta = nullptr;     // where group records live
    const rocksdb::WriteOptions* write_options = nullptr;
    LogStore* logs = nullptr;  // group lookups and listing
    std::function<std::mutex&(const Partition&, std::string_view group)> group_mutex;
  };
  explicit RocksMetricStore(Deps deps) : d_(std::move(deps)) {}

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
  Status ListMetricFilters(const Partition& p, const MetricFilterQuery& query,
                           const std::function<bool(const MetricFilterDefinition&)>& visit)
      override;

 private:
  // Filters of one group (id known), after `start_after_name` when set.
  Status ListGroupFilters(const std::string& group, uint64_t group_id,
                          const MetricFilterQuery& query, const std::string* start_after_name,
                          const std::function<bool(const MetricFilterDefinition&)>& visit,
                          bool* stopped);

  Deps d_;
};

}  // namespace cwlogd::storage::detail
