// RocksLogStore: the LogStore on RocksDB. Layout and the reasons for it: docs/storage-format.md.
// Thread-safe: metadata read-modify-writes are serialized per group (striped mutexes); reads use
// RocksDB snapshots and take no lock.
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/table.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/utilities/table_properties_collectors.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>

#include "storage/detail/rocks_metric_store.h"
#include "storage/detail/rocks_fault_handling.h"
#include "storage/detail/scan_helper.h"
#include "storage/keys.h"
#include "storage/log_store.h"
#include "storage/metric_keys.h"

namespace cwlogd::storage {
namespace {

namespace k = keys;

// PutLogEvents guarantees a batch spans at most 24 h; scans rely on it to bound their seeks.
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr int64_t kMaxChunkSpanMs = kDayMs;
constexpr size_t kGroupLockStripes = 64;
constexpr uint64_t kIdLease = 1024;           // ids reserved per counter write
constexpr uint64_t kSequenceLease = 1 << 20;  // batch sequences reserved per counter write

rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(std::move(msg));
  return Status::IOError(std::move(msg));
}

int64_t SaturatingSub(int64_t a, int64_t b) {
  if (a < std::numeric_limits<int64_t>::min() + b) return std::numeric_limits<int64_t>::min();
  return a - b;
}

// A chunk the index points at, before it is read.
struct ChunkRef {
  k::ChunkId id;
  k::ChunkInfo info;
  // The index value's bytes after the ChunkInfo (a directory entry's term sketch); valid only
  // while the index iterator stays on the entry.
  std::string_view index_tail;
};

// One decoded chunk being merged; `pos` is the event it currently offers.
struct ChunkCursor {
  ChunkRef ref;
  std::string_view stream_name;
  k::DecodedChunk chunk;  // owns its body: valid after the chunk reader moves on
  size_t pos = 0;

  EventKey key() const {
    return {chunk.events[pos].timestamp, ref.id.sequence, static_cast<uint32_t>(pos)};
  }
  EventKey KeyAt(size_t i) const {
    return {chunk.events[i].timestamp, ref.id.sequence, static_cast<uint32_t>(i)};
  }
};

// Reads a scan's chunks through one events-CF iterator instead of a Get per chunk. A Get
// copies a value that is still in the memtable into its result (~30% of a rare-term scan
// over freshly written chunks); an iterator's value is used in place. Scans ask for chunks
// mostly in key order, so the iterator usually gets there with one Next() (or Prev()).
class ChunkReader {
 public:
  ChunkReader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
              const rocksdb::ReadOptions& ro)
      : it_(db->NewIterator(ro, events)) {}

  // Sets *value to the stored value of `key`, valid until the next call. NotFound if absent.
  rocksdb::Status Find(const std::string& key, std::string_view* value) {
    const rocksdb::Slice target(key);
    if (it_->Valid()) {
      const int order = it_->key().compare(target);
      if (order < 0) {
        it_->Next();
      } else if (order > 0) {
        it_->Prev();
      }
      if (it_->Valid() && it_->key() == target) return Found(value);
    }
    it_->Seek(target);
    if (it_->Valid() && it_->key() == target) return Found(value);
    if (!it_->status().ok()) return it_->status();
    return rocksdb::Status::NotFound();
  }

 private:
  rocksdb::Status Found(std::string_view* value) {
    *value = ToView(it_->value());
    return rocksdb::Status::OK();
  }

  std::unique_ptr<rocksdb::Iterator> it_;
};

// Holds a RocksDB snapshot for the duration of one read.
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

class RocksLogStore final : public LogStore {
 public:
  static Result<std::unique_ptr<LogStore>> Open(const StorageOptions& options);
  ~RocksLogStore() override;

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
  Status DeleteLogStream(const Partition& p, std::string_view group,
                         std::string_view stream) override;

  Result<PutEventsResult> PutLogEvents(const Partition& p,
                                       const PutEventsRequest& request) override;
  Status ScanStream(const Partition& p, std::string_view group, std::string_view stream,
                    const StreamScanQuery& query, const EventVisitor& visit) override;
  Status ScanGroup(const Partition& p, std::string_view group, const GroupScanQuery& query,
                   const EventVisitor& visit) override;

  using LogStore::CompactRange;
  using LogStore::SweepExpiredEvents;
  Status SweepExpiredEvents(int64_t now_ms, SweepStats* stats,
                            const SweepControl& control) override;
  Status CompactRange(const CompactControl& control, CompactStats* stats) override;
  uint64_t ApproximateDiskBytes() override;

  Status Reset() override;

  // Metrics (storage/detail/rocks_metric_store.h): same DB, `metrics` CF.
  MetricStore* metric_store() override { return metric_store_.get(); }

 private:
  // A monotonically increasing counter persisted in leases: the stored value is an upper
  // bound on what was handed out, so a restart continues above it without any scan.
  struct LeasedCounter {
    k::Counter which;
    uint64_t lease = 0;
    std::atomic<uint64_t> next{1};
    std::atomic<uint64_t> ceiling{1};  // values < ceiling are durably reserved
  };

  RocksLogStore() = default;

  std::mutex& GroupMutex(const Partition& p, std::string_view name);
  Result<uint64_t> Allocate(LeasedCounter& c);
  Status LoadCounter(LeasedCounter& c);

  Result<LogGroupInfo> ReadGroup(const rocksdb::ReadOptions& ro, const Partition& p,
                                 std::string_view name);
  Result<LogStreamInfo> ReadStream(const rocksdb::ReadOptions& ro, uint64_t group_id,
                                   std::string_view name);
  Status Write(rocksdb::WriteBatch* batch, std::string_view what);
  // After a failed write: DB::Resume(), at most once a second. True when the DB resumed.
  bool TryResume();

  // Deletes the wholly expired chunks of one group in atomic slices of `control.batch_chunks`
  // (or options_.sweep_batch_chunks), each also lowering stored_bytes. *stopped is set when
  // control.between_batches asked to stop.
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

  // Reads and decodes c->ref's chunk. With a `body_filter` that rejects the decompressed body,
  // the events are not decoded and *skipped is set (c->chunk.events is then empty).
  Status LoadChunk(ChunkReader& reader, ChunkCursor* c,
                   const ChunkBodyFilter& body_filter = {}, bool* skipped = nullptr);
  Status ScanStreamForward(const rocksdb::ReadOptions& ro, const LogStreamInfo& s,
                           uint64_t group_id, const StreamScanQuery& q, const EventVisitor& visit);
  Status ScanStreamBackward(const rocksdb::ReadOptions& ro, const LogStreamInfo& s,
                            uint64_t group_id, const StreamScanQuery& q,
                            const EventVisitor& visit);

  // Forward k-way merge over chunks listed by `index_it` (ascending (min ts, sequence)).
  // `parse` turns an index entry into a ChunkRef; `name_of` gives the stream name of a chunk's
  // stream, or nullptr to skip the chunk. Chunks whose body `body_filter` rejects are skipped.
  Status MergeForward(const rocksdb::ReadOptions& ro, rocksdb::Iterator* index_it,
                      const std::function<bool(const rocksdb::Iterator&, ChunkRef*)>& parse,
                      const std::function<const std::string*(uint64_t)>& name_of,
                      int64_t start_time, int64_t end_time, const std::optional<EventKey>& after,
                      const EventVisitor& visit, const ChunkBodyFilter& body_filter = {},
                      const ChunkSketchFilter& sketch_filter = {});

  StorageOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* index_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* metrics_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<detail::RocksMetricStore> metric_store_;
  rocksdb::WriteOptions write_options_;
  std::atomic<int64_t> last_resume_ms_{0};  // steady clock, for TryResume's rate limit

  std::array<std::mutex, kGroupLockStripes> group_mu_;
  // Per group id, the largest sweep cutoff whose deletes are not compacted yet: the key ranges
  // CompactRange() compacts (instead of the whole database).
  std::mutex swept_mu_;
  std::map<uint64_t, Swept> swept_;
  std::mutex counter_mu_;
  LeasedCounter group_ids_{k::Counter::kGroupId, kIdLease};
  LeasedCounter stream_ids_{k::Counter::kStreamId, kIdLease};
  LeasedCounter sequences_{k::Counter::kSequence, kSequenceLease};
};

// ---------------------------------------------------------------------------------------------
// Opening.

rocksdb::ColumnFamilyOptions BaseCfOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                           size_t block_size, bool bloom) {
  rocksdb::ColumnFamilyOptions cf;
  cf.level_compaction_dynamic_level_bytes = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.block_size = block_size;
  table.cache_index_and_filter_blocks = false;
  table.format_version = 5;
  if (bloom) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  const auto supported = rocksdb::GetSupportedCompressions();
  bool has_lz4 = std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) !=
                 supported.end();
  cf.compression = has_lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  return cf;
}

// Metric buckets and index entries are merged (statistic sets), never read-modified-written.
rocksdb::ColumnFamilyOptions MetricsCfOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf = BaseCfOptions(cache, 4 << 10, /*bloom=*/false);
  detail::ConfigureMetricsCf(&cf);
  return cf;
}

Result<std::unique_ptr<LogStore>> RocksLogStore::Open(const StorageOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) return Status::IOError("cannot create data directory " + options.path + ": " + ec.message());

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 3;
  db_options.max_total_wal_size = 256 << 20;  // bounds WAL replay at start-up
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // Disk faults (detail/rocks_fault_handling.h): no LOG file on the data disk, and recovery
  // from a background error by Resume() in Write() instead of RocksDB's own.
  db_options.info_log = std::make_shared<detail::RocksStderrLogger>(db_options.info_log_level);
  db_options.listeners.push_back(std::make_shared<detail::ManualRecoveryListener>());

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::ColumnFamilyOptions meta = BaseCfOptions(cache, 4 << 10, /*bloom=*/true);
  meta.write_buffer_size = 16 << 20;
  rocksdb::ColumnFamilyOptions index = BaseCfOptions(cache, 4 << 10, /*bloom=*/false);
  index.write_buffer_size = 16 << 20;
  // Big chunks arrive LZ4-compressed by keys::EncodeChunk; RocksDB's LZ4 catches small ones and
  // leaves incompressible blocks as they are.
  rocksdb::ColumnFamilyOptions events = BaseCfOptions(cache, 64 << 10, /*bloom=*/false);
  events.write_buffer_size = 64 << 20;
  // Retention sweeps write runs of deletes; files dense in tombstones get compacted on their
  // own so the space comes back even without an explicit CompactRange().
  for (auto* cf : {&index, &events}) {
    cf->table_properties_collector_factories.push_back(
        rocksdb::NewCompactOnDeletionCollectorFactory(/*sliding_window_size=*/256,
                                                      /*deletion_trigger=*/128));
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, BaseCfOptions(cache, 4 << 10, false)},
      {std::string(k::kMetaCf), meta},
      {std::string(k::kIndexCf), index},
      {std::string(k::kEventsCf), events},
      {std::string(metric_keys::kMetricsCf), MetricsCfOptions(cache)},
  };
  std::unique_ptr<RocksLogStore> store(new RocksLogStore());
  store->options_ = options;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, cfs, &store->handles_, &raw);
  if (!s.ok()) return FromRocks(s, "open " + options.path);
  store->db_.reset(raw);
  store->meta_ = store->handles_[1];
  store->index_ = store->handles_[2];
  store->events_ = store->handles_[3];
  store->metrics_ = store->handles_[4];
  RocksLogStore* self = store.get();
  store->metric_store_ = std::make_unique<detail::RocksMetricStore>(detail::RocksMetricStore::Deps{
      raw, store->metrics_, store->meta_, &store->write_options_, self,
      [self](const Partition& p, std::string_view group) -> std::mutex& {
        return self->GroupMutex(p, group);
      }});
  store->write_options_.sync = options.sync_writes;
  for (LeasedCounter* c : {&store->group_ids_, &store->stream_ids_, &store->sequences_}) {
    if (Status st = store->LoadCounter(*c); !st.ok()) return st;
  }
  return std::unique_ptr<LogStore>(std::move(store));
}

RocksLogStore::~RocksLogStore() {
  if (!db_) return;
  // Flushing on a clean shutdown keeps the next start-up from replaying the WAL.
  rocksdb::FlushOptions fo;
  (void)db_->Flush(fo, handles_);  // best effort: the WAL still has everything
  for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);  // cannot fail for open CFs
  (void)db_->Close();  // nothing useful to do on failure during shutdown
}

Status RocksLogStore::LoadCounter(LeasedCounter& c) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, k::CounterKey(c.which), &value);
  uint64_t v = 1;
  if (s.ok()) {
    if (value.size() != 8) return Status::Corruption("counter record has a bad size");
    v = k::DecodeFixed64BE(value.data());
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "read counter");
  }
  c.next.store(v);
  c.ceiling.store(v);
  return Status::OK();
}

Result<uint64_t> RocksLogStore::Allocate(LeasedCounter& c) {
  uint64_t n = c.next.fetch_add(1);
  if (n < c.ceiling.load(std::memory_order_acquire)) return n;
  std::lock_guard lock(counter_mu_);
  uint64_t ceiling = c.ceiling.load(std::memory_order_relaxed);
  if (n < ceiling) return n;
  uint64_t new_ceiling = n + c.lease;
  std::string value;
  k::PutFixed64BE(&value, new_ceiling);
  // The reservation reaches the WAL before any write that uses a value from it.
  rocksdb::Status s = db_->Put(write_options_, meta_, k::CounterKey(c.which), value);
  if (!s.ok()) return FromRocks(s, "write counter");
  c.ceiling.store(new_ceiling, std::memory_order_release);
  return n;
}

std::mutex& RocksLogStore::GroupMutex(const Partition& p, std::string_view name) {
  size_t h = std::hash<std::string_view>()(name);
  h ^= std::hash<std::string>()(p.account) * 31 + std::hash<std::string>()(p.region);
  return group_mu_[h % kGroupLockStripes];
}

Status RocksLogStore::Write(rocksdb::WriteBatch* batch, std::string_view what) {
  rocksdb::Status s = db_->Write(write_options_, batch);
  // A failed write left nothing behind, so after a successful Resume() it can be retried.
  if (!s.ok() && TryResume()) s = db_->Write(write_options_, batch);
  if (!s.ok()) return FromRocks(s, what);
  return Status::OK();
}

bool RocksLogStore::TryResume() {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  int64_t last = last_resume_ms_.load(std::memory_order_relaxed);
  if (now - last < 1000 || !last_resume_ms_.compare_exchange_strong(last, now)) return false;
  return db_->Resume().ok();
}

Result<LogGroupInfo> RocksLogStore::ReadGroup(const rocksdb::ReadOptions& ro, const Partition& p,
                                              std::string_view name) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(ro, meta_, k::GroupKey(p, name), &value);
  if (s.IsNotFound()) return Status::NotFound("log group");
  if (!s.ok()) return FromRocks(s, "read log group");
  LogGroupInfo g;
  if (!k::DecodeGroupRecord(ToView(value), &g)) return Status::Corruption("bad log group record");
  g.name = std::string(name);
  return g;
}

Result<LogStreamInfo> RocksLogStore::ReadStream(const rocksdb::ReadOptions& ro, uint64_t group_id,
                                                std::string_view name) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(ro, meta_, k::StreamKey(group_id, name), &value);
  if (s.IsNotFound()) return Status::NotFound("log stream");
  if (!s.ok()) return FromRocks(s, "read log stream");
  LogStreamInfo info;
  if (!k::DecodeStreamRecord(ToView(value), &info)) {
    return Status::Corruption("bad log stream record");
  }
  info.name = std::string(name);
  return info;
}

// ---------------------------------------------------------------------------------------------
// Groups.

Status RocksLogStore::CreateLogGroup(const Partition& p, LogGroupInfo info) {
  std::lock_guard lock(GroupMutex(p, info.name));
  auto existing = ReadGroup(rocksdb::ReadOptions(), p, info.name);
  if (existing.ok()) return Status::AlreadyExists("log group");
  if (!existing.status().IsNotFound()) return existing.status();
  auto id = Allocate(group_ids_);
  if (!id.ok()) return id.status();
  info.id = *id;
  info.stored_bytes = 0;
  rocksdb::WriteBatch batch;
  batch.Put(meta_, k::GroupKey(p, info.name), k::EncodeGroupRecord(info));
  return Write(&batch, "create log group");
}

Result<LogGroupInfo> RocksLogStore::GetLogGroup(const Partition& p, std::string_view name) {
  return ReadGroup(rocksdb::ReadOptions(), p, name);
}

Status RocksLogStore::ListLogGroups(const Partition& p, std::string_view prefix,
                                    std::string_view start_after,
                                    const std::function<bool(const LogGroupInfo&)>& visit) {
  const std::string partition_prefix = k::GroupKeyPrefix(p);
  const std::string lower = k::GroupKey(p, prefix);
  const std::string upper = k::PrefixSuccessor(lower);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta_));
  std::string seek = std::max(lower, k::GroupKey(p, start_after));
  for (it->Seek(seek); it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    if (key.substr(0, partition_prefix.size()) != partition_prefix) break;
    std::string_view name = key.substr(partition_prefix.size());
    if (!start_after.empty() && name <= start_after) continue;
    LogGroupInfo g;
    if (!k::DecodeGroupRecord(ToView(it->value()), &g)) {
      return Status::Corruption("bad log group record");
    }
    g.name = std::string(name);
    if (!visit(g)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list log groups");
  return Status::OK();
}

Status RocksLogStore::UpdateLogGroup(const Partition& p, std::string_view name,
                                     const std::function<Status(LogGroupInfo&)>& mutate) {
  std::lock_guard lock(GroupMutex(p, name));
  auto current = ReadGroup(rocksdb::ReadOptions(), p, name);
  if (!current.ok()) return current.status();
  LogGroupInfo updated = *current;
  if (Status s = mutate(updated); !s.ok()) return s;
  updated.id = current->id;
  updated.name = current->name;
  updated.stored_bytes = current->stored_bytes;
  updated.metric_filter_count = current->metric_filter_count;
  rocksdb::WriteBatch batch;
  batch.Put(meta_, k::GroupKey(p, name), k::EncodeGroupRecord(updated));
  return Write(&batch, "update log group");
}

Status RocksLogStore::DeleteLogGroup(const Partition& p, std::string_view name) {
  std::lock_guard lock(GroupMutex(p, name));
  auto g = ReadGroup(rocksdb::ReadOptions(), p, name);
  if (!g.ok()) return g.status();
  if (g->deletion_protection) return Status::FailedPrecondition("log group deletion protection");
  const uint64_t id = g->id;
  // Ids are never reused, so range deletes cannot touch a later group of the same name.
  rocksdb::WriteBatch batch;
  batch.Delete(meta_, k::GroupKey(p, name));
  auto range = [&](rocksdb::ColumnFamilyHandle* cf, const std::string& prefix) {
    batch.DeleteRange(cf, prefix, k::PrefixSuccessor(prefix));
  };
  range(meta_, k::StreamKeyPrefix(id));
  range(meta_, k::StreamIdKeyPrefix(id));
  range(index_, k::DirPrefix(id));
  range(index_, k::GroupStreamIndexPrefix(id));
  batch.DeleteRange(events_, k::GroupChunksBegin(id), k::GroupChunksBegin(id + 1));
  range(metrics_, metric_keys::FilterPrefix(id));  // its metric filters (not its metric data)
  return Write(&batch, "delete log group");
}

// ---------------------------------------------------------------------------------------------
// Streams.

Status RocksLogStore::CreateLogStream(const Partition& p, std::string_view group,
                                      std::string_view stream, int64_t creation_time_ms) {
  std::lock_guard lock(GroupMutex(p, group));
  rocksdb::ReadOptions ro;
  auto g = ReadGroup(ro, p, group);
  if (!g.ok()) return g.status();
  auto existing = ReadStream(ro, g->id, stream);
  if (existing.ok()) return Status::AlreadyExists("log stream");
  if (!existing.status().IsNotFound()) return existing.status();
  auto id = Allocate(stream_ids_);
  if (!id.ok()) return id.status();
  LogStreamInfo info;
  info.id = *id;
  info.creation_time_ms = creation_time_ms;
  rocksdb::WriteBatch batch;
  batch.Put(meta_, k::StreamKey(g->id, stream), k::EncodeStreamRecord(info));
  batch.Put(meta_, k::StreamIdKey(g->id, info.id), ToSlice(stream));
  return Write(&batch, "create log stream");
}

Result<LogStreamInfo> RocksLogStore::GetLogStream(const Partition& p, std::string_view group,
                                                  std::string_view stream) {
  SnapshotRead read(db_.get());
  auto g = ReadGroup(read.options, p, group);
  if (!g.ok()) return g.status();
  return ReadStream(read.options, g->id, stream);
}

Status RocksLogStore::ListLogStreams(const Partition& p, std::string_view group,
                                     std::string_view prefix, std::string_view start_after,
                                     const std::function<bool(const LogStreamInfo&)>& visit) {
  SnapshotRead read(db_.get());
  auto g = ReadGroup(read.options, p, group);
  if (!g.ok()) return g.status();
  const std::string group_prefix = k::StreamKeyPrefix(g->id);
  const std::string lower = k::StreamKey(g->id, prefix);
  const std::string upper = k::PrefixSuccessor(lower);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro = read.options;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta_));
  for (it->Seek(std::max(lower, k::StreamKey(g->id, start_after))); it->Valid(); it->Next()) {
    std::string_view name = ToView(it->key()).substr(group_prefix.size());
    if (!start_after.empty() && name <= start_after) continue;
    LogStreamInfo info;
    if (!k::DecodeStreamRecord(ToView(it->value()), &info)) {
      return Status::Corruption("bad log stream record");
    }
    info.name = std::string(name);
    if (!visit(info)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list log streams");
  return Status::OK();
}

Status RocksLogStore::DeleteLogStream(const Partition& p, std::string_view group,
                                      std::string_view stream) {
  std::lock_guard lock(GroupMutex(p, group));
  rocksdb::ReadOptions ro;
  auto g = ReadGroup(ro, p, group);
  if (!g.ok()) return g.status();
  auto s = ReadStream(ro, g->id, stream);
  if (!s.ok()) return s.status();

  rocksdb::WriteBatch batch;
  const std::string prefix = k::StreamIndexPrefix(g->id, s->id);
  const std::string upper = k::PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, index_));
  int64_t freed = 0;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    uint64_t sid = 0;
    k::ChunkId id;
    k::ChunkInfo info;
    if (!k::ParseStreamIndexKey(ToView(it->key()), &sid, &id) ||
        !k::DecodeChunkInfo(ToView(it->value()), id.min_timestamp, &info)) {
      return Status::Corruption("bad stream index entry");
    }
    freed += static_cast<int64_t>(info.message_bytes);
    batch.Delete(index_, it->key());
    batch.Delete(index_, k::DirKey(id));
    batch.Delete(events_, k::ChunkKey(id));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "delete log stream");
  batch.Delete(meta_, k::StreamKey(g->id, stream));
  batch.Delete(meta_, k::StreamIdKey(g->id, s->id));
  LogGroupInfo updated = *g;
  updated.stored_bytes = std::max<int64_t>(0, updated.stored_bytes - freed);
  batch.Put(meta_, k::GroupKey(p, group), k::EncodeGroupRecord(updated));
  return Write(&batch, "delete log stream");
}

// ---------------------------------------------------------------------------------------------
// Writing events.

Result<PutEventsResult> RocksLogStore::PutLogEvents(const Partition& p,
                                                    const PutEventsRequest& request) {
  const auto& events = request.events;
  if (events.empty()) return Status::InvalidArgument("empty batch");
  uint64_t bytes = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (i > 0 && events[i].timestamp < events[i - 1].timestamp) {
      return Status::InvalidArgument("events are not in chronological order");
    }
    bytes += events[i].message.size();
  }
  if (events.size() > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("batch too large");
  }
  const int64_t min_ts = events.front().timestamp;
  const int64_t max_ts = events.back().timestamp;
  if (max_ts - min_ts > kMaxChunkSpanMs) {
    return Status::InvalidArgument("batch spans more than 24 hours");
  }

  // Encoding and compression are the expensive part: do them before taking the group lock.
  // The payload names the stream id, so look the stream up first without the lock and confirm
  // under it (a name keeps its id while the stream exists).
  rocksdb::ReadOptions ro;
  auto g0 = ReadGroup(ro, p, request.group);
  if (!g0.ok()) return g0.status();
  auto s0 = ReadStream(ro, g0->id, request.stream);
  if (!s0.ok()) return s0.status();
  std::string payload = k::EncodeChunk(s0->id, request.ingestion_time, min_ts, events);
  std::string sketch;  // appended to the directory entry only (group scans read it)
  TermSketch::Append(events, bytes, &sketch);

  std::lock_guard lock(GroupMutex(p, request.group));
  auto g = ReadGroup(ro, p, request.group);
  if (!g.ok()) return g.status();
  auto s = ReadStream(ro, g->id, request.stream);
  if (!s.ok()) return s.status();
  if (g->id != g0->id || s->id != s0->id) {
    // Deleted and re-created between the two reads: encode again for the new stream.
    payload = k::EncodeChunk(s->id, request.ingestion_time, min_ts, events);
  }
  auto seq = Allocate(sequences_);
  if (!seq.ok()) return seq.status();

  k::ChunkId id{g->id, min_ts, *seq};
  k::ChunkInfo info{s->id, max_ts, static_cast<uint32_t>(events.size()), bytes};
  std::string info_value = k::EncodeChunkInfo(info, min_ts);

  LogStreamInfo stream = std::move(*s);
  stream.first_event_timestamp =
      std::min(stream.first_event_timestamp.value_or(min_ts), min_ts);
  stream.last_event_timestamp = std::max(stream.last_event_timestamp.value_or(max_ts), max_ts);
  stream.last_ingestion_time = request.ingestion_time;
  stream.upload_sequence = *seq;
  LogGroupInfo group = std::move(*g);
  group.stored_bytes += static_cast<int64_t>(bytes);

  rocksdb::WriteBatch batch(payload.size() + sketch.size() + info_value.size() * 2 + 512);
  batch.Put(events_, k::ChunkKey(id), payload);
  batch.Put(index_, k::DirKey(id), info_value + sketch);
  batch.Put(index_, k::StreamIndexKey(stream.id, id), info_value);
  batch.Put(meta_, k::StreamKey(group.id, request.stream), k::EncodeStreamRecord(stream));
  batch.Put(meta_, k::GroupKey(p, request.group), k::EncodeGroupRecord(group));
  // Metric-filter data of these events: merges in the same batch, so a crash keeps both or
  // neither.
  detail::AppendMetricDeltas(&batch, metrics_, p, request.metrics, request.ingestion_time);
  if (Status st = Write(&batch, "put log events"); !st.ok()) return st;
  return PutEventsResult{stream.upload_sequence};
}

// ---------------------------------------------------------------------------------------------
// Reading events.

Status RocksLogStore::LoadChunk(ChunkReader& reader, ChunkCursor* c,
                                const ChunkBodyFilter& body_filter, bool* skipped) {
  std::string_view payload;
  rocksdb::Status s = reader.Find(k::ChunkKey(c->ref.id), &payload);
  if (!s.ok()) {
    if (s.IsNotFound()) return Status::Corruption("index points at a missing chunk");
    return FromRocks(s, "read chunk");
  }
  if (!k::DecompressChunk(payload, &c->chunk)) return Status::Corruption("bad chunk");
  // An uncompressed body still points at the payload, which the reader's next move frees.
  k::OwnChunkBody(&c->chunk);
  if (body_filter && !body_filter(c->chunk.body)) {
    // None of its events can be wanted: skip the per-event decoding, most of a scan's cost.
    c->chunk.events.clear();
    if (skipped != nullptr) *skipped = true;
    return Status::OK();
  }
  if (!k::ParseChunkBody(c->ref.id.min_timestamp, &c->chunk) || c->chunk.events.empty()) {
    return Status::Corruption("bad chunk");
  }
  return Status::OK();
}

struct CursorGreater {  // min-heap on EventKey
  bool operator()(const ChunkCursor* a, const ChunkCursor* b) const { return a->key() > b->key(); }
};
struct CursorLess {  // max-heap on EventKey
  bool operator()(const ChunkCursor* a, const ChunkCursor* b) const { return a->key() < b->key(); }
};

Status RocksLogStore::MergeForward(
    const rocksdb::ReadOptions& ro, rocksdb::Iterator* it,
    const std::function<bool(const rocksdb::Iterator&, ChunkRef*)>& parse,
    const std::function<const std::string*(uint64_t)>& name_of, int64_t start_time,
    int64_t end_time, const std::optional<EventKey>& after, const EventVisitor& visit,
    const ChunkBodyFilter& body_filter, const ChunkSketchFilter& sketch_filter) {
  ChunkReader chunks(db_.get(), events_, ro);
  std::vector<std::unique_ptr<ChunkCursor>> owned;  // cursors in use or retired
  std::vector<ChunkCursor*> heap;
  std::vector<std::unique_ptr<ChunkCursor>> spare;  // retired cursors, reused
  CursorGreater greater;

  // Smallest min timestamp of the chunks the index has not handed out yet.
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  int64_t next_min = kNone;
  bool exhausted = false;   // the index range and `ahead` are both used up
  bool index_done = false;  // the index range is used up
  ChunkRef ref;

  // Index entries taken from the index, in index order, each with its chunk loaded or not.
  struct Ahead {
    std::unique_ptr<ChunkCursor> cursor;
    bool loaded = false;
    bool skipped = false;  // the body filter rejected it
    Status status;
  };
  std::deque<Ahead> ahead;

  // Read-ahead: once kSkipsBeforeReadAhead chunks in a row were rejected by the body filter
  // (a search for a rare term), index entries are taken kReadAhead at a time and their chunks
  // loaded, decompressed and filtered on two threads. A page that ends early has loaded at
  // most kReadAhead chunks too many.
  constexpr size_t kSkipsBeforeReadAhead = 4;
  constexpr size_t kReadAhead = 16;
  size_t skipped_in_row = 0;
  std::optional<ChunkReader> helper_chunks;  // used only by the helper thread
  std::unique_ptr<detail::ScanHelper> helper;  // declared last: joined before the rest goes

  auto qualifies_after = [&](const EventKey& key) { return !after || key > *after; };
  auto retire = [&](ChunkCursor* c) {
    for (auto& o : owned) {
      if (o.get() == c) {
        spare.push_back(std::move(o));
        o = std::move(owned.back());
        owned.pop_back();
        return;
      }
    }
  };

  // Moves the next index entry that may hold a wanted event into `ahead`, if any.
  auto take_index_entry = [&]() -> Status {
    while (!index_done) {
      if (!it->Valid()) {
        if (!it->status().ok()) return FromRocks(it->status(), "scan index");
        index_done = true;
        break;
      }
      if (!parse(*it, &ref)) return Status::Corruption("bad index entry");
      if (ref.id.min_timestamp >= end_time) {
        index_done = true;
        break;
      }
      // The sketch lives in the iterator's current value: consult it before moving on.
      bool sketch_rejects = false;
      if (sketch_filter) {
        std::optional<TermSketch> sketch = TermSketch::Parse(ref.index_tail);
        sketch_rejects = sketch && !sketch_filter(*sketch);
      }
      it->Next();
      if (sketch_rejects) continue;
      if (ref.info.max_timestamp < start_time) continue;
      if (after && EventKey{ref.info.max_timestamp, ref.id.sequence, ref.info.count - 1} <= *after) {
        continue;
      }
      const std::string* name = name_of(ref.info.stream_id);
      if (name == nullptr) continue;
      Ahead entry;
      if (!spare.empty()) {
        entry.cursor = std::move(spare.back());
        spare.pop_back();
      } else {
        entry.cursor = std::make_unique<ChunkCursor>();
      }
      entry.cursor->ref = ref;
      entry.cursor->stream_name = *name;
      ahead.push_back(std::move(entry));
      break;
    }
    return Status::OK();
  };

  // Loads the chunks of `ahead` not loaded yet: on this thread, or with read-ahead on, on
  // this and the helper thread, each taking the next unloaded entry until none is left.
  auto load_ahead = [&]() {
    std::atomic<size_t> next{0};
    auto work = [&](ChunkReader& reader) {
      for (size_t i = next.fetch_add(1); i < ahead.size(); i = next.fetch_add(1)) {
        Ahead& a = ahead[i];
        if (a.loaded) continue;
        a.status = LoadChunk(reader, a.cursor.get(), body_filter, &a.skipped);
        a.loaded = true;
      }
    };
    if (helper && ahead.size() > 1) {
      helper->Start([&] { work(*helper_chunks); });
      work(chunks);
      helper->Wait();
    } else {
      work(chunks);
    }
  };

  // Loads index entries while they may hold an event not after the current best.
  auto refill = [&]() -> Status {
    while (!exhausted) {
      if (ahead.empty()) {
        const size_t want = helper ? kReadAhead : 1;
        while (ahead.size() < want && !index_done) {
          if (Status s = take_index_entry(); !s.ok()) return s;
        }
        if (ahead.empty()) {
          exhausted = true;
          next_min = kNone;
          break;
        }
      }
      next_min = ahead.front().cursor->ref.id.min_timestamp;
      if (!heap.empty() && next_min > heap.front()->chunk.events[heap.front()->pos].timestamp) {
        break;
      }
      if (!ahead.front().loaded) load_ahead();
      Ahead entry = std::move(ahead.front());
      ahead.pop_front();
      if (!entry.status.ok()) return entry.status;
      std::unique_ptr<ChunkCursor> c = std::move(entry.cursor);
      if (entry.skipped) {
        spare.push_back(std::move(c));
        if (++skipped_in_row >= kSkipsBeforeReadAhead && !helper) {
          helper = detail::ScanHelper::TryAcquire();
          if (helper) helper_chunks.emplace(db_.get(), events_, ro);
        }
        continue;
      }
      skipped_in_row = 0;
      const auto& evs = c->chunk.events;
      // Events ascend by (timestamp, index), so "not yet wanted" is a prefix.
      auto first = std::partition_point(evs.begin(), evs.end(), [&](const k::DecodedEvent& e) {
        size_t i = static_cast<size_t>(&e - evs.data());
        return e.timestamp < start_time || !qualifies_after(c->KeyAt(i));
      });
      c->pos = static_cast<size_t>(first - evs.begin());
      if (c->pos >= evs.size() || evs[c->pos].timestamp >= end_time) {
        spare.push_back(std::move(c));
        continue;
      }
      heap.push_back(c.get());
      std::push_heap(heap.begin(), heap.end(), greater);
      owned.push_back(std::move(c));
    }
    return Status::OK();
  };

  while (true) {
    if (Status s = refill(); !s.ok()) return s;
    if (heap.empty()) return Status::OK();
    std::pop_heap(heap.begin(), heap.end(), greater);
    ChunkCursor* c = heap.back();
    heap.pop_back();
    // Emit a run from this chunk while it stays ahead of every other candidate.
    const auto& evs = c->chunk.events;
    while (true) {
      EventView view{c->key(), c->chunk.ingestion_time, c->chunk.message(c->pos), c->stream_name};
      if (!visit(view)) return Status::OK();
      ++c->pos;
      if (c->pos >= evs.size() || evs[c->pos].timestamp >= end_time) {
        retire(c);
        c = nullptr;
        break;
      }
      if (evs[c->pos].timestamp >= next_min && !exhausted) break;
      if (!heap.empty() && !(c->key() < heap.front()->key())) break;
    }
    if (c != nullptr) {
      heap.push_back(c);
      std::push_heap(heap.begin(), heap.end(), greater);
    }
  }
}

Status RocksLogStore::ScanStreamForward(const rocksdb::ReadOptions& ro, const LogStreamInfo& s,
                                        uint64_t group_id, const StreamScanQuery& q,
                                        const EventVisitor& visit) {
  const std::string prefix = k::StreamIndexPrefix(group_id, s.id);
  const std::string upper = k::PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions iro = ro;
  iro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(iro, index_));
  int64_t lo = q.start_time;
  if (q.cursor) lo = std::max(lo, q.cursor->timestamp);
  it->Seek(k::StreamIndexKey(s.id, {group_id, SaturatingSub(lo, kMaxChunkSpanMs), 0}));
  auto parse = [](const rocksdb::Iterator& i, ChunkRef* ref) {
    uint64_t sid = 0;
    return k::ParseStreamIndexKey(ToView(i.key()), &sid, &ref->id) &&
           k::DecodeChunkInfo(ToView(i.value()), ref->id.min_timestamp, &ref->info);
  };
  auto name_of = [&s](uint64_t) { return &s.name; };
  return MergeForward(ro, it.get(), parse, name_of, q.start_time, q.end_time, q.cursor, visit);
}

Status RocksLogStore::ScanStreamBackward(const rocksdb::ReadOptions& ro, const LogStreamInfo& s,
                                         uint64_t group_id, const StreamScanQuery& q,
                                         const EventVisitor& visit) {
  const std::string prefix = k::StreamIndexPrefix(group_id, s.id);
  rocksdb::Slice lower_slice(prefix);
  rocksdb::ReadOptions iro = ro;
  iro.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(iro, index_));
  // Largest timestamp an emitted event may have.
  int64_t hi = q.end_time == std::numeric_limits<int64_t>::min() ? q.end_time : q.end_time - 1;
  if (q.cursor) hi = std::min(hi, q.cursor->timestamp);
  if (hi < q.start_time || q.end_time <= q.start_time) return Status::OK();
  it->SeekForPrev(k::StreamIndexKey(
      s.id, {group_id, hi, std::numeric_limits<uint64_t>::max()}));

  auto below_cursor = [&](const EventKey& key) { return !q.cursor || key < *q.cursor; };
  // Chunks read from the index but not loaded, by max timestamp (largest first).
  auto pending_less = [](const ChunkRef& a, const ChunkRef& b) {
    return a.info.max_timestamp < b.info.max_timestamp;
  };
  std::vector<ChunkRef> pending;
  ChunkReader chunks(db_.get(), events_, ro);
  std::vector<std::unique_ptr<ChunkCursor>> active_owned;
  std::vector<ChunkCursor*> active;
  CursorLess less;
  std::optional<ChunkRef> next;  // the index entry under the iterator, parsed

  auto peek = [&]() -> Status {
    next.reset();
    if (!it->Valid()) {
      if (!it->status().ok()) return FromRocks(it->status(), "scan index");
      return Status::OK();
    }
    ChunkRef ref;
    uint64_t sid = 0;
    if (!k::ParseStreamIndexKey(ToView(it->key()), &sid, &ref.id) ||
        !k::DecodeChunkInfo(ToView(it->value()), ref.id.min_timestamp, &ref.info)) {
      return Status::Corruption("bad stream index entry");
    }
    next = ref;
    return Status::OK();
  };
  // Moves the parsed index entry into `pending` (unless it cannot hold a wanted event).
  auto take_next = [&]() -> Status {
    ChunkRef ref = *next;
    it->Prev();
    if (Status st = peek(); !st.ok()) return st;
    if (ref.info.max_timestamp < q.start_time) return Status::OK();
    if (ref.id.min_timestamp > hi) return Status::OK();
    if (q.cursor && !(EventKey{ref.id.min_timestamp, ref.id.sequence, 0} < *q.cursor)) {
      return Status::OK();
    }
    pending.push_back(ref);
    std::push_heap(pending.begin(), pending.end(), pending_less);
    return Status::OK();
  };
  auto load_top_pending = [&]() -> Status {
    std::pop_heap(pending.begin(), pending.end(), pending_less);
    ChunkRef ref = pending.back();
    pending.pop_back();
    auto c = std::make_unique<ChunkCursor>();
    c->ref = ref;
    c->stream_name = s.name;
    if (Status st = LoadChunk(chunks, c.get()); !st.ok()) return st;
    const auto& evs = c->chunk.events;
    // Wanted events form a prefix of the chunk (ascending order): ts < end and key < cursor.
    auto end = std::partition_point(evs.begin(), evs.end(), [&](const k::DecodedEvent& e) {
      size_t i = static_cast<size_t>(&e - evs.data());
      return e.timestamp < q.end_time && below_cursor(c->KeyAt(i));
    });
    if (end == evs.begin()) return Status::OK();
    c->pos = static_cast<size_t>(end - evs.begin()) - 1;
    if (evs[c->pos].timestamp < q.start_time) return Status::OK();
    active.push_back(c.get());
    std::push_heap(active.begin(), active.end(), less);
    active_owned.push_back(std::move(c));
    return Status::OK();
  };

  if (Status st = peek(); !st.ok()) return st;
  while (true) {
    if (active.empty()) {
      if (!pending.empty()) {
        if (Status st = load_top_pending(); !st.ok()) return st;
      } else if (next) {
        if (Status st = take_next(); !st.ok()) return st;
      } else {
        return Status::OK();
      }
      continue;
    }
    ChunkCursor* top = active.front();
    const int64_t t = top->chunk.events[top->pos].timestamp;
    if (!pending.empty() && pending.front().info.max_timestamp >= t) {
      if (Status st = load_top_pending(); !st.ok()) return st;
      continue;
    }
    if (next && next->id.min_timestamp >= SaturatingSub(t, kMaxChunkSpanMs)) {
      if (Status st = take_next(); !st.ok()) return st;
      continue;
    }
    std::pop_heap(active.begin(), active.end(), less);
    active.pop_back();
    EventView view{top->key(), top->chunk.ingestion_time, top->chunk.message(top->pos),
                   top->stream_name};
    if (!visit(view)) return Status::OK();
    if (top->pos == 0 || top->chunk.events[top->pos - 1].timestamp < q.start_time) {
      for (auto& o : active_owned) {
        if (o.get() == top) {
          o = std::move(active_owned.back());
          active_owned.pop_back();
          break;
        }
      }
      continue;
    }
    --top->pos;
    active.push_back(top);
    std::push_heap(active.begin(), active.end(), less);
  }
}

Status RocksLogStore::ScanStream(const Partition& p, std::string_view group,
                                 std::string_view stream, const StreamScanQuery& query,
                                 const EventVisitor& visit) {
  SnapshotRead read(db_.get());
  auto g = ReadGroup(read.options, p, group);
  if (!g.ok()) return g.status();
  auto s = ReadStream(read.options, g->id, stream);
  if (!s.ok()) return s.status();
  if (query.end_time <= query.start_time) return Status::OK();
  if (query.forward) return ScanStreamForward(read.options, *s, g->id, query, visit);
  return ScanStreamBackward(read.options, *s, g->id, query, visit);
}

Status RocksLogStore::ScanGroup(const Partition& p, std::string_view group,
                                const GroupScanQuery& query, const EventVisitor& visit) {
  SnapshotRead read(db_.get());
  const rocksdb::ReadOptions& ro = read.options;
  auto g = ReadGroup(ro, p, group);
  if (!g.ok()) return g.status();
  if (query.end_time <= query.start_time) return Status::OK();
  const uint64_t gid = g->id;

  // Stream id -> name, filled up front for an explicit list, lazily otherwise. A missing
  // entry (nullopt) means "skip this stream's chunks".
  std::unordered_map<uint64_t, std::optional<std::string>> names;
  const bool explicit_list = query.stream_names.has_value();
  if (explicit_list) {
    for (const auto& name : *query.stream_names) {
      auto s = ReadStream(ro, gid, name);
      if (s.ok()) {
        names[s->id] = name;
      } else if (!s.status().IsNotFound()) {
        return s.status();
      }
    }
    if (names.empty()) return Status::OK();
  }
  Status lookup_error;
  auto name_of = [&](uint64_t sid) -> const std::string* {
    auto found = names.find(sid);
    if (found == names.end()) {
      std::optional<std::string> entry;
      if (!explicit_list) {
        std::string name;
        rocksdb::Status st = db_->Get(ro, meta_, k::StreamIdKey(gid, sid), &name);
        if (st.ok()) {
          if (!query.stream_name_prefix ||
              std::string_view(name).substr(0, query.stream_name_prefix->size()) ==
                  *query.stream_name_prefix) {
            entry = std::move(name);
          }
        } else if (!st.IsNotFound() && lookup_error.ok()) {
          lookup_error = FromRocks(st, "read stream name");
        }
      }
      found = names.emplace(sid, std::move(entry)).first;
    }
    return found->second ? &*found->second : nullptr;
  };

  const std::string prefix = k::DirPrefix(gid);
  const std::string upper = k::PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions iro = ro;
  iro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(iro, index_));
  int64_t lo = query.start_time;
  if (query.after) lo = std::max(lo, query.after->timestamp);
  it->Seek(k::DirKey({gid, SaturatingSub(lo, kMaxChunkSpanMs), 0}));
  auto parse = [](const rocksdb::Iterator& i, ChunkRef* ref) {
    return k::ParseDirKey(ToView(i.key()), &ref->id) &&
           k::DecodeChunkInfo(ToView(i.value()), ref->id.min_timestamp, &ref->info,
                              &ref->index_tail);
  };
  Status s = MergeForward(ro, it.get(), parse, name_of, query.start_time, query.end_time,
                          query.after, visit, query.chunk_body_filter,
                          query.chunk_sketch_filter);
  if (!s.ok()) return s;
  return lookup_error;
}

// ---------------------------------------------------------------------------------------------
// Retention.

Status RocksLogStore::SweepExpiredEvents(int64_t now_ms, SweepStats* stats,
                                         const SweepControl& control) {
  SweepStats local;
  SweepStats& st = stats != nullptr ? *stats : local;
  st = {};
  // Walk every group record of every partition; each group is then swept under its own lock
  // (re-read there, so concurrent updates and deletes are respected).
  const std::string lower(1, k::kGroupTag);
  const std::string upper(1, static_cast<char>(k::kGroupTag + 1));
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta_));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    LogGroupInfo g;
    Partition p;
    std::string name;
    if (!k::ParseGroupKey(ToView(it->key()), &p, &name) ||
        !k::DecodeGroupRecord(ToView(it->value()), &g)) {
      return Status::Corruption("bad log group record");
    }
    if (!g.retention_days) continue;
    ++st.groups_with_retention;
    bool stopped = false;
    if (Status s = SweepGroup(p, name, now_ms, control, &st, &stopped); !s.ok()) return s;
    if (stopped) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "sweep");
  return Status::OK();
}

Status RocksLogStore::SweepGroup(const Partition& p, const std::string& name, int64_t now_ms,
                                 const SweepControl& control, SweepStats* st, bool* stopped) {
  const size_t slice = std::max<size_t>(
      1, control.batch_chunks > 0 ? control.batch_chunks : options_.sweep_batch_chunks);
  std::string resume;  // directory key to continue from; empty = the group's first chunk
  bool deleted_any = false;
  // After the group's last slice: what the reclaim should remove (CompactRange, gentle).
  auto measure = [this](uint64_t gid, int64_t cutoff) {
    const uint64_t bytes = SweptRangeBytes(gid, cutoff);
    std::lock_guard swept_lock(swept_mu_);
    Swept& sw = swept_[gid];
    sw.bytes_at_sweep = std::max(sw.bytes_at_sweep, bytes);
  };
  while (true) {
    std::unique_lock lock(GroupMutex(p, name));
    rocksdb::ReadOptions ro;
    auto g = ReadGroup(ro, p, name);
    if (g.status().IsNotFound()) return Status::OK();  // deleted meanwhile
    if (!g.ok()) return g.status();
    if (!g->retention_days) return Status::OK();
    const int64_t cutoff =
        SaturatingSub(now_ms, static_cast<int64_t>(*g->retention_days) * kDayMs);
    const uint64_t gid = g->id;
    if (resume.empty() || !resume.starts_with(k::DirPrefix(gid))) resume = k::DirPrefix(gid);

    // Only chunks that started before the cutoff can be wholly expired.
    const std::string upper = k::DirKey({gid, cutoff, 0});
    rocksdb::Slice upper_slice(upper);
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, index_));
    rocksdb::WriteBatch batch;
    size_t chunks = 0;
    uint64_t events = 0, bytes = 0;
    bool more = false;
    for (it->Seek(resume); it->Valid(); it->Next()) {
      k::ChunkId id;
      k::ChunkInfo info;
      if (!k::ParseDirKey(ToView(it->key()), &id) ||
          !k::DecodeChunkInfo(ToView(it->value()), id.min_timestamp, &info)) {
        return Status::Corruption("bad chunk directory entry");
      }
      if (chunks == slice) {
        more = true;
        resume = ToView(it->key());
        break;
      }
      if (info.max_timestamp >= cutoff) continue;  // partly live: stays until wholly expired
      batch.Delete(index_, it->key());
      batch.Delete(index_, k::StreamIndexKey(info.stream_id, id));
      batch.Delete(events_, k::ChunkKey(id));
      ++chunks;
      events += info.count;
      bytes += info.message_bytes;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "sweep group");
    if (chunks == 0) {
      if (deleted_any) measure(gid, cutoff);
      return Status::OK();
    }
    deleted_any = true;
    LogGroupInfo updated = std::move(*g);
    updated.stored_bytes = std::max<int64_t>(0, updated.stored_bytes - static_cast<int64_t>(bytes));
    batch.Put(meta_, k::GroupKey(p, name), k::EncodeGroupRecord(updated));
    if (Status s = Write(&batch, "sweep expired events"); !s.ok()) return s;
    {
      std::lock_guard swept_lock(swept_mu_);
      Swept& sw = swept_[gid];
      sw.cutoff = std::max(sw.cutoff, cutoff);
    }
    if (!more) measure(gid, cutoff);
    st->chunks_deleted += chunks;
    st->events_deleted += events;
    st->bytes_deleted += bytes;
    it.reset();
    lock.unlock();
    if (control.between_batches && !control.between_batches()) {
      if (more) measure(gid, cutoff);
      *stopped = true;
      return Status::OK();
    }
    if (!more) return Status::OK();
  }
}

std::vector<RocksLogStore::SweptRange> RocksLogStore::SweptRanges(uint64_t gid,
                                                                 int64_t cutoff) const {
  // Per group: its chunks and directory entries below the cutoff, and its stream index.
  return {{events_, k::GroupChunksBegin(gid), k::ChunkKey({gid, cutoff, 0})},
          {index_, k::DirPrefix(gid), k::DirKey({gid, cutoff, 0})},
          {index_, k::GroupStreamIndexPrefix(gid),
           k::PrefixSuccessor(k::GroupStreamIndexPrefix(gid))}};
}

uint64_t RocksLogStore::SweptRangeBytes(uint64_t gid, int64_t cutoff) {
  uint64_t bytes = 0;
  for (const SweptRange& r : SweptRanges(gid, cutoff)) {
    rocksdb::Range range(r.begin, r.end);
    rocksdb::SizeApproximationOptions sao;
    sao.include_memtables = true;
    sao.include_files = true;
    uint64_t size = 0;
    if (db_->GetApproximateSizes(sao, r.cf, &range, 1, &size).ok()) bytes += size;
  }
  return bytes;
}

void RocksLogStore::KeepSwept(const std::map<uint64_t, Swept>& swept) {
  std::lock_guard lock(swept_mu_);
  for (const auto& [g, kept] : swept) {
    Swept& sw = swept_[g];
    sw.cutoff = std::max(sw.cutoff, kept.cutoff);
    sw.bytes_at_sweep = std::max(sw.bytes_at_sweep, kept.bytes_at_sweep);
  }
}

Status RocksLogStore::CompactRange(const CompactControl& control, CompactStats* stats) {
  CompactStats local;
  CompactStats& cs = stats != nullptr ? *stats : local;
  cs = {};
  std::map<uint64_t, Swept> swept;
  {
    std::lock_guard lock(swept_mu_);
    swept.swap(swept_);
  }
  if (control.gentle && swept.empty()) return Status::OK();  // never the whole database
  if (control.gentle) {
    // Ranges RocksDB's own compactions have emptied need nothing more. Partly live batches
    // below the cutoff stay in the range: "emptied" = at most 1/8 of the size right after the
    // sweep is left, plus slack.
    for (auto it = swept.begin(); it != swept.end();) {
      const uint64_t now_bytes = SweptRangeBytes(it->first, it->second.cutoff);
      if (now_bytes <= it->second.bytes_at_sweep / 8 + control.reclaimed_slack_bytes) {
        ++cs.ranges_reclaimed;
        it = swept.erase(it);
      } else {
        ++it;
      }
    }
    if (swept.empty()) return Status::OK();
  }
  // Flush every CF first: the WAL can only be dropped once all of them are flushed.
  rocksdb::FlushOptions fo;
  if (rocksdb::Status s = db_->Flush(fo, handles_); !s.ok()) {
    KeepSwept(swept);
    return FromRocks(s, "flush");
  }
  rocksdb::CompactRangeOptions cro;
  cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  cro.exclusive_manual_compaction = false;
  if (control.gentle) cro.max_subcompactions = 1;
  cro.canceled = control.canceled;
  auto cancelled = [&] { return control.canceled != nullptr && control.canceled->load(); };
  if (swept.empty()) {
    for (auto* cf : {meta_, index_, events_}) {
      if (cancelled()) {
        cs.cancelled = true;
        return Status::OK();
      }
      rocksdb::Status s = db_->CompactRange(cro, cf, nullptr, nullptr);
      if (!s.ok() && cancelled()) {
        cs.cancelled = true;
        return Status::OK();
      }
      if (!s.ok()) return FromRocks(s, "compact");
    }
    return Status::OK();
  }
  // Only the ranges sweeps deleted from: the cost follows the expired data, not the database
  // (a full compaction rewrites every live byte and slows concurrent ingest for seconds).
  for (auto it = swept.begin(); it != swept.end(); ++it) {
    for (const SweptRange& r : SweptRanges(it->first, it->second.cutoff)) {
      rocksdb::Slice begin(r.begin), end(r.end);
      rocksdb::Status s =
          cancelled() ? rocksdb::Status::Incomplete() : db_->CompactRange(cro, r.cf, &begin, &end);
      if (!s.ok()) {  // keep this group and the rest for the next call
        KeepSwept(std::map<uint64_t, Swept>(it, swept.end()));
        if (cancelled()) {
          cs.cancelled = true;
          return Status::OK();
        }
        return FromRocks(s, "compact");
      }
    }
    ++cs.ranges_compacted;
  }
  return Status::OK();
}

uint64_t RocksLogStore::ApproximateDiskBytes() {
  uint64_t total = 0;
  for (auto* cf : handles_) {
    uint64_t v = 0;
    if (db_->GetIntProperty(cf, rocksdb::DB::Properties::kLiveSstFilesSize, &v)) total += v;
  }
  rocksdb::VectorLogPtr wals;
  if (db_->GetSortedWalFiles(wals).ok()) {
    for (const auto& w : wals) total += w->SizeFileBytes();
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Administration.

Status RocksLogStore::Reset() {
  // Hold every group stripe so no read-modify-write straddles the wipe.
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(group_mu_.size());
  for (auto& m : group_mu_) locks.emplace_back(m);
  // Counters survive: ids and sequences are never reused, even across a reset.
  const std::string end(9, '\xff');
  rocksdb::WriteBatch batch;
  batch.DeleteRange(meta_, std::string(1, k::kGroupTag), end);
  batch.DeleteRange(index_, std::string(), end);
  batch.DeleteRange(events_, std::string(), end);
  batch.DeleteRange(metrics_, std::string(), end);
  return Write(&batch, "reset");
}

}  // namespace

Result<std::unique_ptr<LogStore>> OpenRocksLogStore(const StorageOptions& options) {
  return RocksLogStore::Open(options);
}

}  // namespace cwlogd::storage
