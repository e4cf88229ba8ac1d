// RocksLogStore's retention: the sweep of expired chunks (paced, in atomic slices) and the
// compaction that reclaims what sweeps deleted (docs/retention.md).
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/transaction_log.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_log_store.h"
#include "storage/detail/rocks_status.h"
#include "storage/keys.h"
#include "storage/log_store.h"

namespace cwlogd::storage::detail {
namespace {
namespace k = keys;
}  // namespace

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
      1, control.batch_chunks > 0 ? control.batch_chunks : engine_->options().sweep_batch_chunks);
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
    // One slice, under the group's lock (the group is re-read there, so concurrent updates and
    // deletes are respected).
    bool no_retention = false;
    uint64_t gid = 0;
    int64_t cutoff = 0;
    size_t chunks = 0;
    uint64_t events = 0, bytes = 0;
    bool more = false;
    Status sliced =
        engine_->UpdateGroupRecord(p, name, "sweep expired events", [&](GroupUpdate& u) {
          u.record = GroupUpdate::Record::kUnchanged;  // unless a chunk is deleted below
          u.frees_space = true;
          if (!u.group.retention_days) {
            no_retention = true;
            return Status::OK();
          }
          cutoff = SaturatingSub(now_ms, static_cast<int64_t>(*u.group.retention_days) * kDayMs);
          gid = u.group.id;
          if (resume.empty() || !resume.starts_with(k::DirPrefix(gid))) resume = k::DirPrefix(gid);

          // Only chunks that started before the cutoff can be wholly expired.
          const std::string upper = k::DirKey({gid, cutoff, 0});
          rocksdb::Slice upper_slice(upper);
          rocksdb::ReadOptions ro;
          ro.iterate_upper_bound = &upper_slice;
          std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, index_));
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
            u.batch.Delete(index_, it->key());
            u.batch.Delete(index_, k::StreamIndexKey(info.stream_id, id));
            u.batch.Delete(events_, k::ChunkKey(id));
            ++chunks;
            events += info.count;
            bytes += info.message_bytes;
          }
          if (!it->status().ok()) return FromRocks(it->status(), "sweep group");
          if (chunks == 0) return Status::OK();  // nothing written
          u.record = GroupUpdate::Record::kPut;
          u.group.stored_bytes =
              std::max<int64_t>(0, u.group.stored_bytes - static_cast<int64_t>(bytes));
          return Status::OK();
        });
    if (sliced.IsNotFound()) return Status::OK();  // deleted meanwhile
    if (!sliced.ok()) return sliced;
    if (no_retention) return Status::OK();
    if (chunks == 0) {
      if (deleted_any) measure(gid, cutoff);
      return Status::OK();
    }
    deleted_any = true;
    {
      std::lock_guard swept_lock(swept_mu_);
      Swept& sw = swept_[gid];
      sw.cutoff = std::max(sw.cutoff, cutoff);
    }
    if (!more) measure(gid, cutoff);
    st->chunks_deleted += chunks;
    st->events_deleted += events;
    st->bytes_deleted += bytes;
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
  return {
      {events_, k::GroupChunksBegin(gid), k::ChunkKey({gid, cutoff, 0})},
      {index_, k::DirPrefix(gid), k::DirKey({gid, cutoff, 0})},
      {index_, k::GroupStreamIndexPrefix(gid), k::PrefixSuccessor(k::GroupStreamIndexPrefix(gid))}};
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
  if (rocksdb::Status s = db_->Flush(fo, engine_->column_families()); !s.ok()) {
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
  for (auto* cf : engine_->column_families()) {
    uint64_t v = 0;
    if (db_->GetIntProperty(cf, rocksdb::DB::Properties::kLiveSstFilesSize, &v)) total += v;
  }
  rocksdb::VectorLogPtr wals;
  if (db_->GetSortedWalFiles(wals).ok()) {
    for (const auto& w : wals) total += w->SizeFileBytes();
  }
  return total;
}
}  // namespace cwlogd::storage::detail
