// RocksLogStore: the LogStore on RocksDB, a client of the storage engine (detail/engine.h), which
// owns the database, the write path and the group records. Layout and the reasons for it:
// docs/storage-format.md. Split by concern: rocks_log_store.cpp (open, groups, streams, admin),
// rocks_log_store_write.cpp (PutLogEvents), rocks_log_store_scan.cpp (ScanStream, ScanGroup;
// the forward merge is detail/chunk_merge.h), rocks_log_store_retention.cpp (sweep, compaction).
// Thread-safe: metadata read-modify-writes are serialized per group (the engine's striped
// mutexes); reads use RocksDB snapshots and take no lock.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/slice.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_alarm_store.h"
#include "storage/detail/rocks_metric_store.h"
#include "storage/detail/rocks_query_definition_store.h"
#include "storage/detail/rocks_resource_store.h"
#include "storage/detail/rocks_subscription_store.h"
#include "storage/log_store.h"

namespace cwlogd::storage::detail {

// PutLogEvents guarantees a batch spans at most 24 h; scans rely on it to bound their seeks.
inline constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
inline constexpr int64_t kMaxChunkSpanMs = kDayMs;

inline int64_t SaturatingSub(int64_t a, int64_t b) {
  if (a < std::numeric_limits<int64_t>::min() + b) return std::numeric_limits<int64_t>::min();
  return a - b;
}

class RocksLogStore final : public LogStore {
 public:
  static Result<std::unique_ptr<LogStore>> Open(const StorageOptions& options);

  Status CreateLogGroup(const Partition& p, LogGroupInfo info) override;
  Result<LogGroupInfo> GetLogGroup(const Partition& p, std::string_view name) override;
  Status ListLogGroups(const Partition& p, std::string_view prefix, std::string_view start_after,
                       const std::function<bool(const LogGroupInfo&)>& visit) override;
  Status UpdateLogGroup(const Partition& p, std::string_view name,
                        const std::function<Status(LogGroupInfo&)>& mutate) override;
  Status DeleteLogGroup(const Partition& p, std::string_view name) override;

  Status CreateLogStream(const Partition& p, std::string_view group, std::string_view stream,
                         int64_t creation_time_ms) override;
  Result<LogStreamInfo> GetLogStream(const Partition& p, std::string_view group,
                                     std::string_view stream) override;
  Status ListLogStreams(const Partition& p, std::string_view group, std::string_view prefix,
                        std::string_view start_after,
                        const std::function<bool(const LogStreamInfo&)>& visit) override;
  Status ListLogStreamsByLastEventTime(
      const Partition& p, std::string_view group, bool descending,
      const std::optional<StreamTimePosition>& after,
      const std::function<bool(const LogStreamInfo&)>& visit) override;
  Status DeleteLogStream(const Partition& p, std::string_view group,
                         std::string_view stream) override;

  // rocks_log_store_write.cpp
  Result<PutEventsResult> PutLogEvents(const Partition& p,
                                       const PutEventsRequest& request) override;
  // rocks_log_store_scan.cpp
  Status ScanStream(const Partition& p, std::string_view group, std::string_view stream,
                    const StreamScanQuery& query, const EventVisitor& visit) override;
  Status ScanGroup(const Partition& p, std::string_view group, const GroupScanQuery& query,
                   const EventVisitor& visit) override;

  // rocks_log_store_retention.cpp
  using LogStore::CompactRange;
  using LogStore::SweepExpiredEvents;
  Status SweepExpiredEvents(int64_t now_ms, SweepStats* stats,
                            const SweepControl& control) override;
  Status CompactRange(const CompactControl& control, CompactStats* stats) override;
  uint64_t ApproximateDiskBytes() override;

  Status Reset() override;

  // Metrics (storage/detail/rocks_metric_store.h): same DB, `metrics` CF.
  MetricStore* metric_store() override { return metric_store_.get(); }
  // CloudWatch alarms (storage/detail/rocks_alarm_store.h): same DB, `metrics` CF.
  AlarmStore* alarm_store() override { return alarm_store_.get(); }
  // Account-level resources (storage/detail/rocks_resource_store.h): same DB, `meta` CF.
  ResourceStore* resource_store() override { return resource_store_.get(); }
  // Saved queries (storage/detail/rocks_query_definition_store.h): same DB, `meta` CF.
  QueryDefinitionStore* query_definition_store() override { return query_definition_store_.get(); }
  // Subscription filters and their delivery state (storage/detail/rocks_subscription_store.h).
  SubscriptionStore* subscription_store() override { return subscription_store_.get(); }

 private:
  explicit RocksLogStore(std::shared_ptr<Engine> engine);

  Result<LogStreamInfo> ReadStream(const rocksdb::ReadOptions& ro, uint64_t group_id,
                                   std::string_view name);
  // On the first open of a data dir written before the last-event-time index existed: writes
  // every stream's entry, then the marker (keys::kStreamTimeIndexMarker) that skips this later.
  Status BuildStreamTimeIndex();
  // In PutLogEvents' batch: moves the stream's entry in the last-event-time index from the time
  // in `before` (the stream record before this batch) to the time after a batch whose largest
  // timestamp is `max_timestamp`.
  void IndexLastEventTime(rocksdb::WriteBatch* batch, uint64_t group_id, std::string_view stream,
                          const LogStreamInfo& before, int64_t max_timestamp);

  // Deletes the wholly expired chunks of one group in atomic slices of `control.batch_chunks`
  // (or engine_->options().sweep_batch_chunks), each also lowering stored_bytes. *stopped is set
  // when control.between_batches asked to stop.
  Status SweepGroup(const Partition& p, const std::string& name, int64_t now_ms,
                    const SweepControl& control, SweepStats* stats, bool* stopped);
  // The key ranges (cf, begin, end) a sweep of group `gid` up to `cutoff` deleted from.
  struct SweptRange {
    rocksdb::ColumnFamilyHandle* cf;
    std::string begin, end;
  };
  std::vector<SweptRange> SweptRanges(uint64_t gid, int64_t cutoff) const;
  // Approximate bytes (SST files + memtables) of a group's swept ranges.
  uint64_t SweptRangeBytes(uint64_t gid, int64_t cutoff);
  // A swept group not reclaimed yet: the largest cutoff, and the swept ranges' size right
  // after the latest sweep (deleted data still counted).
  struct Swept {
    int64_t cutoff = 0;
    uint64_t bytes_at_sweep = 0;
  };
  void KeepSwept(const std::map<uint64_t, Swept>& swept);

  Status ScanStreamForward(const rocksdb::ReadOptions& ro, const LogStreamInfo& s,
                           uint64_t group_id, const StreamScanQuery& q, const EventVisitor& visit);
  Status ScanStreamBackward(const rocksdb::ReadOptions& ro, const LogStreamInfo& s,
                            uint64_t group_id, const StreamScanQuery& q, const EventVisitor& visit);

  // The engine first: destroyed last, after the metric store that uses it.
  std::shared_ptr<Engine> engine_;
  // The engine's database and column families, cached (valid while engine_ lives).
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* meta_;
  rocksdb::ColumnFamilyHandle* index_;
  rocksdb::ColumnFamilyHandle* events_;
  rocksdb::ColumnFamilyHandle* metrics_;
  std::unique_ptr<RocksMetricStore> metric_store_;
  std::unique_ptr<RocksAlarmStore> alarm_store_;
  std::unique_ptr<RocksResourceStore> resource_store_;
  std::unique_ptr<RocksQueryDefinitionStore> query_definition_store_;
  std::unique_ptr<RocksSubscriptionStore> subscription_store_;  // set by Open

  // Per group id, the largest sweep cutoff whose deletes are not compacted yet: the key ranges
  // CompactRange() compacts (instead of the whole database).
  std::mutex swept_mu_;
  std::map<uint64_t, Swept> swept_;
};

}  // namespace cwlogd::storage::detail
