// Internal to storage/: the storage engine every RocksDB-backed store is a client of (as LevelDB's
// db/ sits behind include/). It owns the one RocksDB database and its column families, the single
// write path with disk-fault recovery, the per-group lock stripes, the leased id/sequence counters
// and every read-modify-write of a group record. The log store (rocks_log_store*.cpp) and the
// metric store (rocks_metric_store.cpp) hold a shared_ptr to it and never call DB::Write or keep
// locks of their own; so do the stores later issues add (policies, subscriptions, queries, ...).
//
// Thread-safety: every member may be called concurrently. Group records are only changed inside
// UpdateGroupRecord/InsertGroupRecord, under the group's stripe of GroupMutex().
// Ownership: the Engine owns the DB and the column family handles; pointers it hands out stay
// valid for the Engine's lifetime (it flushes and closes the DB in its destructor).
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/disk_reserve.h"
#include "storage/keys.h"
#include "storage/log_store.h"
#include "storage/status.h"

namespace cwlogd::storage::detail {

// RocksDB slices and our string views, both ways.
inline rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// Holds a RocksDB snapshot for the duration of one read: reads through `options` see one
// consistent state of every column family.
class SnapshotRead {
 public:
  explicit SnapshotRead(rocksdb::DB* db) : db_(db), snap_(db->GetSnapshot()) {
    options.snapshot = snap_;
  }
  ~SnapshotRead() { db_->ReleaseSnapshot(snap_); }
  SnapshotRead(const SnapshotRead&) = delete;
  SnapshotRead& operator=(const SnapshotRead&) = delete;
  rocksdb::ReadOptions options;

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

// An iterator over the keys of one column family in [lower, upper), bounds that RocksDB
// enforces (so a scan never reads past its range, e.g. into tombstones of the next one, and
// SeekToLast lands in it). An empty bound means none: PrefixSuccessor of an all-0xff prefix is
// empty. Not copyable: the options point at the bounds it owns.
class RangeIterator {
 public:
  RangeIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string upper,
                std::string lower = "")
      : upper_(std::move(upper)),
        lower_(std::move(lower)),
        upper_slice_(upper_),
        lower_slice_(lower_) {
    if (!upper_.empty()) options_.iterate_upper_bound = &upper_slice_;
    if (!lower_.empty()) options_.iterate_lower_bound = &lower_slice_;
    it_.reset(db->NewIterator(options_, cf));
  }
  RangeIterator(const RangeIterator&) = delete;
  RangeIterator& operator=(const RangeIterator&) = delete;
  rocksdb::Iterator* operator->() const { return it_.get(); }

 private:
  std::string upper_;
  std::string lower_;
  rocksdb::Slice upper_slice_;
  rocksdb::Slice lower_slice_;
  rocksdb::ReadOptions options_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// One locked read-modify-write of a group record (Engine::UpdateGroupRecord): the record as read,
// to change in place, and the writes that must commit atomically with it.
struct GroupUpdate {
  // What happens to the group record when the edit returns OK.
  enum class Record {
    kPut,        // write `group` back (the default)
    kDelete,     // delete the record (the group goes away)
    kUnchanged,  // leave the record alone; only `batch` is written (nothing if it is empty)
  };
  LogGroupInfo group;
  rocksdb::WriteBatch batch;
  Record record = Record::kPut;
  // Set by edits that delete data (a group, a stream, expired events): on a full disk their
  // write may use the reserved space (Engine::WriteKind::kFreesSpace).
  bool frees_space = false;
};

class Engine {
 public:
  // Opens (creating if missing) the database at options.path with every column family of every
  // client (meta, index, events, metrics), and loads the counters.
  static Result<std::shared_ptr<Engine>> Open(const StorageOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const StorageOptions& options() const { return options_; }
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* meta() const { return meta_; }
  rocksdb::ColumnFamilyHandle* index() const { return index_; }
  rocksdb::ColumnFamilyHandle* events() const { return events_; }
  rocksdb::ColumnFamilyHandle* metrics() const { return metrics_; }
  const std::vector<rocksdb::ColumnFamilyHandle*>& column_families() const { return handles_; }

  // What a write does to the disk (docs/security.md, "Disk full").
  enum class WriteKind {
    kUsesSpace,   // refused while the reserved space is lent to deletes
    kFreesSpace,  // deletes data: on a full disk, the reserve is released for it, and the
                  // deleted ranges are compacted at once so their space comes back
  };
  // The one way anything is written. On failure (e.g. a full disk left RocksDB in a background
  // error), resumes the DB (TryResume) and retries once. `what` names the operation
  // in the error message (server log only). On a store opened read-only every write fails.
  Status Write(rocksdb::WriteBatch* batch, std::string_view what,
               WriteKind kind = WriteKind::kUsesSpace);

  // True when the disk was too full at start-up to open the store for writing: reads are
  // served, every write fails until a restart with free space.
  bool read_only() const { return read_only_; }

  // The stripe of the per-group locks that serializes changes to group `name` (its record,
  // streams and filters). Not re-entrant: UpdateGroupRecord takes it itself.
  std::mutex& GroupMutex(const Partition& p, std::string_view name);
  // Every stripe, locked (for a reset that wipes all groups at once).
  std::vector<std::unique_lock<std::mutex>> LockAllGroups();

  // The next value of a persisted, never reused counter (group ids, stream ids, batch
  // sequences). Leases are written through Write(), so they recover from disk faults too.
  Result<uint64_t> Allocate(keys::Counter which);

  // The group record, or NotFound(kLogGroup).
  Result<LogGroupInfo> ReadGroup(const rocksdb::ReadOptions& ro, const Partition& p,
                                 std::string_view name);

  // Under the group's lock: reads its record (NotFound(kLogGroup) if absent), lets `edit` change
  // it and add writes to the batch, then commits record and batch in one Write. A non-ok Status
  // from `edit` is returned as is and nothing is written.
  using GroupEdit = std::function<Status(GroupUpdate& update)>;
  Status UpdateGroupRecord(const Partition& p, std::string_view name, std::string_view what,
                           const GroupEdit& edit, size_t reserve_bytes = 0);
  // Under the group's lock: creates the record of a new group with a fresh id
  // (AlreadyExists(kLogGroup) if the name is taken). info.id and stored_bytes are assigned here.
  Status InsertGroupRecord(const Partition& p, LogGroupInfo info, std::string_view what);

 private:
  // A monotonically increasing counter persisted in leases: the stored value is an upper bound
  // on what was handed out, so a restart continues above it without any scan.
  struct LeasedCounter {
    keys::Counter which;
    uint64_t lease = 0;
    std::atomic<uint64_t> next{1};
    std::atomic<uint64_t> ceiling{1};  // values < ceiling are durably reserved
  };
  static constexpr size_t kGroupLockStripes = 64;

  Engine() = default;
  Status LoadCounter(LeasedCounter& c);
  LeasedCounter& CounterFor(keys::Counter which);
  // After a failed write: DB::Resume(), at most once a second while it keeps failing (unless
  // `at_once`). True when the DB resumed.
  bool TryResume(bool at_once = false);
  // Deletes the reserve file for a delete that failed on a full disk; true if there was one.
  bool LendReserve();
  // While the reserve is lent: makes it again once the disk has room for it twice over (tried
  // at most once a second). True when writes that use space may go ahead.
  bool RetakeReserve();
  // Compacts the key ranges `batch` deleted, so that their space comes back now.
  void ReclaimDeleted(const rocksdb::WriteBatch& batch);
  void Warn(const std::string& text) const;

  StorageOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* index_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* metrics_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::WriteOptions write_options_;
  bool read_only_ = false;
  std::mutex resume_mu_;                   // serializes TryResume and the reserve's changes
  int64_t last_failed_resume_ms_ = 0;      // steady clock; 0 after a success. Guarded by resume_mu_
  std::unique_ptr<DiskReserve> reserve_;   // guarded by resume_mu_
  std::atomic<bool> reserve_lent_{false};  // released for deletes and not made again yet
  int64_t last_retake_ms_ = 0;             // steady clock. Guarded by resume_mu_

  std::array<std::mutex, kGroupLockStripes> group_mu_;
  std::mutex counter_mu_;  // serializes lease renewals
  LeasedCounter group_ids_{keys::Counter::kGroupId, 1024};
  LeasedCounter stream_ids_{keys::Counter::kStreamId, 1024};
  LeasedCounter sequences_{keys::Counter::kSequence, 1 << 20};
};

}  // namespace cwlogd::storage::detail
