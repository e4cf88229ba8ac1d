// Internal to storage/: the AlarmStore on the log store's RocksDB database (`metrics` column
// family, tags 'A', 'H', 'N' of storage/metric_keys.h). Every Write is one WriteBatch through
// Engine::Write. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string_view>

#include <rocksdb/slice.h>

#include "storage/alarm_store.h"

namespace cwlogd::storage::detail {

class Engine;

class RocksAlarmStore final : public AlarmStore {
 public:
  explicit RocksAlarmStore(std::shared_ptr<Engine> engine);

  Result<std::optional<std::string>> GetAlarm(const Partition& p, std::string_view name) override;
  Status ListAlarms(
      const Partition& p, std::string_view prefix, std::string_view start_after,
      const std::function<bool(const std::string& name, const std::string& value)>& visit) override;
  Status ListAllAlarms(const std::function<bool(const Partition& p, const std::string& name,
                                                const std::string& value)>& visit) override;
  Status Write(const Partition& p, const AlarmWrite& w) override;
  Status ListHistory(
      const Partition& p, bool ascending, std::string_view cursor,
      const std::function<bool(std::string_view id, const std::string& value)>& visit) override;
  Status DeleteHistoryBefore(int64_t cutoff_ms, size_t max_items, size_t* deleted) override;
  Status ListOutbox(const std::function<bool(const Partition& p, std::string_view id,
                                             const std::string& value)>& visit) override;

 private:
  // Visits every key whose first byte is `tag`, in every partition: the partition, the rest of
  // the key (exactly `id_size` bytes unless 0) and the value. `what` names it in errors.
  Status ForEachInEveryPartition(
      char tag, size_t id_size, std::string_view what,
      const std::function<bool(const Partition&, std::string_view, const rocksdb::Slice&)>& visit);

  std::shared_ptr<Engine> engine_;
  // Orders items written in the same millisecond; seeded from the wall clock so a restart
  // never reuses an id of the previous run.
  std::atomic<uint64_t> sequence_;
};

}  // namespace cwlogd::storage::detail
