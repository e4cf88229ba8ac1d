// The storage engine (engine.h): opening the database, the write path with disk-fault recovery,
// group locks, leased counters and group-record read-modify-writes.
#include "storage/detail/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <utility>

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>

#include "storage/detail/rocks_fault_handling.h"
#include "storage/detail/rocks_metric_store.h"
#include "storage/detail/rocks_status.h"
#include "storage/metric_keys.h"

namespace cwlogd::storage::detail {
namespace {

namespace k = keys;

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Mib(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// The smallest and largest key a write batch deletes in each column family (by id).
class DeletedSpans final : public rocksdb::WriteBatch::Handler {
 public:
  std::map<uint32_t, std::pair<std::string, std::string>> spans;

  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    Add(cf, key, key);
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    Add(cf, key, key);
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteRangeCF(uint32_t cf, const rocksdb::Slice& begin,
                                const rocksdb::Slice& end) override {
    Add(cf, begin, end);
    return rocksdb::Status::OK();
  }
  rocksdb::Status PutCF(uint32_t /*cf*/, const rocksdb::Slice& /*key*/,
                        const rocksdb::Slice& /*value*/) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t /*cf*/, const rocksdb::Slice& /*key*/,
                          const rocksdb::Slice& /*value*/) override {
    return rocksdb::Status::OK();
  }

 private:
  void Add(uint32_t cf, const rocksdb::Slice& lo, const rocksdb::Slice& hi) {
    auto [it, added] = spans.try_emplace(cf, lo.ToString(), hi.ToString());
    if (added) return;
    if (lo.compare(it->second.first) < 0) it->second.first = lo.ToString();
    if (hi.compare(it->second.second) > 0) it->second.second = hi.ToString();
  }
};

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
  bool has_lz4 =
      std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
  cf.compression = has_lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  return cf;
}

// Metric buckets and index entries are merged (statistic sets), never read-modified-written.
rocksdb::ColumnFamilyOptions MetricsCfOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf = BaseCfOptions(cache, 4 << 10, /*bloom=*/false);
  ConfigureMetricsCf(&cf);
  return cf;
}

}  // namespace

Result<std::shared_ptr<Engine>> Engine::Open(const StorageOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return Status::IOError("cannot create data directory " + options.path + ": " + ec.message());
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 3;
  db_options.max_total_wal_size = 256 << 20;  // bounds WAL replay at start-up
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // Disk faults (rocks_fault_handling.h): no LOG file on the data disk, and recovery from a
  // background error by Resume() in Write() instead of RocksDB's own.
  db_options.info_log = std::make_shared<RocksStderrLogger>(db_options.info_log_level);
  db_options.listeners.push_back(std::make_shared<ManualRecoveryListener>());
  // A delete on a full disk first flushes every memtable (DB::Resume) into the released reserve
  // (disk_reserve.h). Memtables are switched once they hold a quarter of it together; while
  // their flush fails, up to twice that waits (max_write_buffer_number 2): half the reserve.
  db_options.db_write_buffer_size = options.reserved_disk_bytes / 4;

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
  std::shared_ptr<Engine> engine(new Engine());
  engine->options_ = options;
  engine->write_options_.sync = options.sync_writes;
  // The reserve is made before RocksDB preallocates its files, if the disk can spare it as much
  // again (as RetakeReserve does); a reserve left by an earlier run is kept.
  engine->reserve_ = std::make_unique<DiskReserve>(options.path, options.reserved_disk_bytes);
  if (options.reserved_disk_bytes > 0 &&
      !engine->reserve_->Acquire(/*headroom=*/options.reserved_disk_bytes)) {
    engine->Warn("no room for the reserved space (" + Mib(options.reserved_disk_bytes) + " in " +
                 engine->reserve_->path() + "): deletes may fail once the disk is full");
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, cfs, &engine->handles_, &raw);
  // A full disk (opening writes a new MANIFEST and log, and flushes the recovered log): first
  // the reserve makes room, then the store opens read-only rather than not at all.
  if (s.IsNoSpace() && engine->reserve_->Release()) {
    engine->reserve_lent_ = true;
    engine->Warn("disk full at start-up: released the reserved space (" +
                 Mib(options.reserved_disk_bytes) +
                 ") to open the store; only deletes are accepted until twice that is free");
    engine->handles_.clear();
    s = rocksdb::DB::Open(db_options, options.path, cfs, &engine->handles_, &raw);
  }
  if (s.IsNoSpace()) {
    engine->handles_.clear();
    rocksdb::Status ro =
        rocksdb::DB::OpenForReadOnly(db_options, options.path, cfs, &engine->handles_, &raw);
    if (ro.ok()) {
      engine->read_only_ = true;
      engine->Warn("disk full at start-up: the store is open READ-ONLY (" + s.ToString() +
                   "); every write fails with ServiceUnavailableException until cwlogd is "
                   "restarted with free space in " +
                   options.path);
      s = ro;
    }
  }
  if (!s.ok()) return FromRocks(s, "open " + options.path);
  engine->db_.reset(raw);
  engine->meta_ = engine->handles_[1];
  engine->index_ = engine->handles_[2];
  engine->events_ = engine->handles_[3];
  engine->metrics_ = engine->handles_[4];
  for (LeasedCounter* c : {&engine->group_ids_, &engine->stream_ids_, &engine->sequences_}) {
    if (Status st = engine->LoadCounter(*c); !st.ok()) return st;
  }
  return engine;
}

Engine::~Engine() {
  if (!db_) return;
  // Flushing on a clean shutdown keeps the next start-up from replaying the WAL.
  rocksdb::FlushOptions fo;
  (void)db_->Flush(fo, handles_);  // best effort: the WAL still has everything
  for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);  // cannot fail for open CFs
  (void)db_->Close();  // nothing useful to do on failure during shutdown
}

// ---------------------------------------------------------------------------------------------
// Writing.

Status Engine::Write(rocksdb::WriteBatch* batch, std::string_view what, WriteKind kind) {
  if (read_only_) {
    return Status::IOError(std::string(what) + ": the store is open read-only (disk full)");
  }
  // While the reserve is lent, the space deletes give back goes to making it again first.
  if (kind == WriteKind::kUsesSpace && reserve_lent_.load() && !RetakeReserve()) {
    return Status::IOError(std::string(what) + ": disk full (the reserved space is in use)");
  }
  rocksdb::Status s = db_->Write(write_options_, batch);
  // A failed write left nothing behind, so after a successful Resume() it can be retried.
  if (!s.ok()) {
    const bool lent = kind == WriteKind::kFreesSpace && s.IsNoSpace() && LendReserve();
    if (TryResume(/*at_once=*/lent)) s = db_->Write(write_options_, batch);
  }
  if (!s.ok()) return FromRocks(s, what);
  if (kind == WriteKind::kFreesSpace && reserve_lent_.load()) ReclaimDeleted(*batch);
  return Status::OK();
}

bool Engine::TryResume(bool at_once) {
  // One resume at a time; a writer that waited here retries its write on the resumed DB.
  std::lock_guard lock(resume_mu_);
  const int64_t now = SteadyNowMs();
  // Only a failed resume (the disk is still full) holds the next one back for a second: a new
  // fault right after a successful recovery (e.g. the flush that follows it) is resumed at once.
  if (!at_once && last_failed_resume_ms_ != 0 && now - last_failed_resume_ms_ < 1000) {
    return false;
  }
  // Resume() flushes every memtable, and in RocksDB 7.8 a flush that fails for lack of space
  // while resuming can leave it waiting for good (and every writer behind resume_mu_): it is only
  // tried when the memtables fit on the disk.
  uint64_t memtable_bytes = 0;
  const bool fits = !db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables,
                                                   &memtable_bytes) ||
                    FreeDiskBytes(options_.path) >= memtable_bytes;
  const bool resumed = fits && db_->Resume().ok();
  last_failed_resume_ms_ = resumed ? 0 : now;
  return resumed;
}

bool Engine::LendReserve() {
  std::lock_guard lock(resume_mu_);
  if (!reserve_->held() || !reserve_->Release()) return false;
  reserve_lent_ = true;
  last_retake_ms_ = SteadyNowMs();
  Warn("disk full: released the reserved space (" + Mib(reserve_->bytes()) +
       ") for a delete; other writes are refused until twice that is free");
  return true;
}

bool Engine::RetakeReserve() {
  std::lock_guard lock(resume_mu_);
  if (!reserve_lent_.load()) return true;
  const int64_t now = SteadyNowMs();
  if (now - last_retake_ms_ < 1000) return false;
  last_retake_ms_ = now;
  if (!reserve_->Acquire(/*headroom=*/reserve_->bytes())) return false;
  reserve_lent_ = false;
  Warn("disk space is back: the reserved space is made again and writes are accepted");
  return true;
}

void Engine::ReclaimDeleted(const rocksdb::WriteBatch& batch) {
  DeletedSpans deleted;
  if (!batch.Iterate(&deleted).ok()) return;
  rocksdb::CompactRangeOptions cro;
  // The deleted keys live in the last level (dynamic level sizes): compact it too.
  cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  cro.exclusive_manual_compaction = false;
  cro.allow_write_stall = true;  // memtables left by a failed flush must not make it wait
  for (const auto& [id, span] : deleted.spans) {
    auto cf = std::find_if(handles_.begin(), handles_.end(),
                           [id = id](const auto* h) { return h->GetID() == id; });
    if (cf == handles_.end()) continue;
    rocksdb::Slice begin(span.first);
    rocksdb::Slice end(span.second);
    // A background flush or compaction that ran out of space stops this one too: resume and
    // retry once. Best effort: the data is deleted either way, compaction gets to it later.
    if (!db_->CompactRange(cro, *cf, &begin, &end).ok() && TryResume(/*at_once=*/true)) {
      (void)db_->CompactRange(cro, *cf, &begin, &end);
    }
  }
}

void Engine::Warn(const std::string& text) const {
  if (options_.on_warning) {
    options_.on_warning(text);
  } else {
    std::fprintf(stderr, "cwlogd: warning: %s\n", text.c_str());
  }
}

// ---------------------------------------------------------------------------------------------
// Group locks.

std::mutex& Engine::GroupMutex(const Partition& p, std::string_view name) {
  size_t h = std::hash<std::string_view>()(name);
  h ^= std::hash<std::string>()(p.account) * 31 + std::hash<std::string>()(p.region);
  return group_mu_[h % kGroupLockStripes];
}

std::vector<std::unique_lock<std::mutex>> Engine::LockAllGroups() {
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(group_mu_.size());
  for (auto& m : group_mu_) locks.emplace_back(m);
  return locks;
}

// ---------------------------------------------------------------------------------------------
// Counters.

Engine::LeasedCounter& Engine::CounterFor(keys::Counter which) {
  switch (which) {
    case keys::Counter::kGroupId:
      return group_ids_;
    case keys::Counter::kStreamId:
      return stream_ids_;
    case keys::Counter::kSequence:
      break;
  }
  return sequences_;
}

Status Engine::LoadCounter(LeasedCounter& c) {
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

Result<uint64_t> Engine::Allocate(keys::Counter which) {
  LeasedCounter& c = CounterFor(which);
  uint64_t n = c.next.fetch_add(1);
  if (n < c.ceiling.load(std::memory_order_acquire)) return n;
  std::lock_guard lock(counter_mu_);
  uint64_t ceiling = c.ceiling.load(std::memory_order_relaxed);
  if (n < ceiling) return n;
  uint64_t new_ceiling = n + c.lease;
  std::string value;
  k::PutFixed64BE(&value, new_ceiling);
  // The reservation reaches the WAL before any write that uses a value from it.
  rocksdb::WriteBatch batch;
  batch.Put(meta_, k::CounterKey(c.which), value);
  if (Status s = Write(&batch, "write counter"); !s.ok()) return s;
  c.ceiling.store(new_ceiling, std::memory_order_release);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Group records.

Result<LogGroupInfo> Engine::ReadGroup(const rocksdb::ReadOptions& ro, const Partition& p,
                                       std::string_view name) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(ro, meta_, k::GroupKey(p, name), &value);
  if (s.IsNotFound()) return Status::NotFound(Status::Resource::kLogGroup);
  if (!s.ok()) return FromRocks(s, "read log group");
  LogGroupInfo g;
  if (!k::DecodeGroupRecord(ToView(value), &g)) return Status::Corruption("bad log group record");
  g.name = std::string(name);
  return g;
}

Status Engine::UpdateGroupRecord(const Partition& p, std::string_view name, std::string_view what,
                                 const GroupEdit& edit, size_t reserve_bytes) {
  std::lock_guard lock(GroupMutex(p, name));
  auto current = ReadGroup(rocksdb::ReadOptions(), p, name);
  if (!current.ok()) return current.status();
  GroupUpdate update{std::move(*current), rocksdb::WriteBatch(reserve_bytes)};
  if (Status s = edit(update); !s.ok()) return s;
  switch (update.record) {
    case GroupUpdate::Record::kPut:
      update.batch.Put(meta_, k::GroupKey(p, name), k::EncodeGroupRecord(update.group));
      break;
    case GroupUpdate::Record::kDelete:
      update.batch.Delete(meta_, k::GroupKey(p, name));
      break;
    case GroupUpdate::Record::kUnchanged:
      if (update.batch.Count() == 0) return Status::OK();
      break;
  }
  return Write(&update.batch, what,
               update.frees_space ? WriteKind::kFreesSpace : WriteKind::kUsesSpace);
}

Status Engine::InsertGroupRecord(const Partition& p, LogGroupInfo info, std::string_view what) {
  std::lock_guard lock(GroupMutex(p, info.name));
  auto existing = ReadGroup(rocksdb::ReadOptions(), p, info.name);
  if (existing.ok()) return Status::AlreadyExists(Status::Resource::kLogGroup);
  if (!existing.status().IsNotFound()) return existing.status();
  auto id = Allocate(keys::Counter::kGroupId);
  if (!id.ok()) return id.status();
  info.id = *id;
  info.stored_bytes = 0;
  rocksdb::WriteBatch batch;
  batch.Put(meta_, k::GroupKey(p, info.name), k::EncodeGroupRecord(info));
  return Write(&batch, what);
}

}  // namespace cwlogd::storage::detail
