// AlarmStore: the storage contract of CloudWatch metric alarms: alarm records, their history and
// the outbox of alarm actions not yet delivered. Values are opaque bytes the API layer encodes;
// the store only keys, orders and writes them atomically (one RocksDB WriteBatch per Write, so a
// state transition, its history item and its pending actions commit together or not at all).
// Shares the log store's DB (`metrics` column family, tags 'A', 'H', 'N';
// docs/storage-format.md). Thread-safe; callers serialize their read-modify-writes themselves.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/log_store.h"
#include "storage/status.h"

namespace cwlogd::storage {

// One change set, committed atomically by AlarmStore::Write.
struct AlarmWrite {
  struct Put {
    std::string name;
    std::string value;
  };
  struct HistoryItem {
    int64_t timestamp_ms = 0;
    std::string value;
  };
  struct OutboxPut {
    std::string id;  // empty: a new entry (the store assigns an id); else replaces that entry
    std::string value;
  };
  std::vector<Put> put_alarms;
  std::vector<std::string> delete_alarms;
  std::vector<HistoryItem> history;
  std::vector<OutboxPut> outbox;
  std::vector<std::string> outbox_deletes;  // ids
  bool empty() const {
    return put_alarms.empty() && delete_alarms.empty() && history.empty() && outbox.empty() &&
           outbox_deletes.empty();
  }
};

class AlarmStore {
 public:
  virtual ~AlarmStore() = default;

  // The alarm's record, or nullopt when there is none.
  virtual Result<std::optional<std::string>> GetAlarm(const Partition& p,
                                                      std::string_view name) = 0;
  // Alarms of one partition in ascending byte order of name, strictly after `start_after`
  // (empty: from the first), whose name starts with `prefix`. The visitor returns false to stop.
  virtual Status ListAlarms(
      const Partition& p, std::string_view prefix, std::string_view start_after,
      const std::function<bool(const std::string& name, const std::string& value)>& visit) = 0;
  // Every alarm of every partition (the evaluator's walk).
  virtual Status ListAllAlarms(const std::function<bool(const Partition& p, const std::string& name,
                                                        const std::string& value)>& visit) = 0;
  // Applies `w` to partition `p` in one atomic write.
  virtual Status Write(const Partition& p, const AlarmWrite& w) = 0;
  // History items of one partition by time (then insertion order), ascending or descending.
  // `cursor` (an id this call handed out; empty = from the start) resumes strictly after it.
  virtual Status ListHistory(
      const Partition& p, bool ascending, std::string_view cursor,
      const std::function<bool(std::string_view id, const std::string& value)>& visit) = 0;
  // Deletes the history items (of every partition) older than `cutoff_ms`, at most `max_items`
  // per call; *deleted (may be null) is how many went.
  virtual Status DeleteHistoryBefore(int64_t cutoff_ms, size_t max_items, size_t* deleted) = 0;
  // Every outbox entry of every partition, oldest first.
  virtual Status ListOutbox(const std::function<bool(const Partition& p, std::string_view id,
                                                     const std::string& value)>& visit) = 0;
};

}  // namespace cwlogd::storage
