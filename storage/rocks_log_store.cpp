// RocksLogStore (detail/rocks_log_store.h): opening, log groups, log streams, administration.
#include "storage/detail/rocks_log_store.h"

#include <algorithm>
#include <memory>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_metric_store.h"
#include "storage/detail/rocks_status.h"
#include "storage/keys.h"
#include "storage/log_store.h"
#include "storage/metric_keys.h"

namespace cwlogd::storage {
namespace detail {
namespace {
namespace k = keys;
}  // namespace

// ---------------------------------------------------------------------------------------------
// Opening.

Result<std::unique_ptr<LogStore>> RocksLogStore::Open(const StorageOptions& options) {
  auto engine = Engine::Open(options);
  if (!engine.ok()) return engine.status();
  std::unique_ptr<RocksLogStore> store(new RocksLogStore(std::move(*engine)));
  if (Status s = store->BuildStreamTimeIndex(); !s.ok()) return s;
  auto subscriptions = RocksSubscriptionStore::Open(store->engine_);
  if (!subscriptions.ok()) return subscriptions.status();
  store->subscription_store_ = std::move(*subscriptions);
  return std::unique_ptr<LogStore>(std::move(store));
}

Status RocksLogStore::BuildStreamTimeIndex() {
  const std::string marker = k::MarkerKey(k::kStreamTimeIndexMarker);
  std::string unused;
  rocksdb::Status found = db_->Get(rocksdb::ReadOptions(), meta_, marker, &unused);
  if (found.ok()) return Status::OK();
  if (!found.IsNotFound()) return FromRocks(found, "read stream time index marker");
  // Runs before the store serves anything, so no stream changes meanwhile. Entries are
  // idempotent: a crash midway repeats the build at the next open.
  constexpr size_t kStreamsPerBatch = 10000;
  const std::string lower(1, k::kStreamTag);
  const std::string upper(1, static_cast<char>(k::kStreamTag + 1));
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta_));
  rocksdb::WriteBatch batch;
  size_t in_batch = 0;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    uint64_t gid = 0;
    std::string_view name;
    LogStreamInfo info;
    if (!k::ParseStreamKey(ToView(it->key()), &gid, &name) ||
        !k::DecodeStreamRecord(ToView(it->value()), &info)) {
      return Status::Corruption("bad log stream record");
    }
    batch.Put(meta_, k::StreamTimeKey(gid, k::StreamListTime(info), name), rocksdb::Slice());
    if (++in_batch == kStreamsPerBatch) {
      if (Status s = engine_->Write(&batch, "build stream time index"); !s.ok()) return s;
      batch.Clear();
      in_batch = 0;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "build stream time index");
  batch.Put(meta_, marker, rocksdb::Slice());
  return engine_->Write(&batch, "build stream time index");
}

RocksLogStore::RocksLogStore(std::shared_ptr<Engine> engine)
    : engine_(std::move(engine)),
      db_(engine_->db()),
      meta_(engine_->meta()),
      index_(engine_->index()),
      events_(engine_->events()),
      metrics_(engine_->metrics()),
      metric_store_(std::make_unique<detail::RocksMetricStore>(engine_, this)),
      alarm_store_(std::make_unique<detail::RocksAlarmStore>(engine_)),
      resource_store_(std::make_unique<detail::RocksResourceStore>(engine_)),
      query_definition_store_(std::make_unique<detail::RocksQueryDefinitionStore>(engine_)) {}

Result<LogStreamInfo> RocksLogStore::ReadStream(const rocksdb::ReadOptions& ro, uint64_t group_id,
                                                std::string_view name) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(ro, meta_, k::StreamKey(group_id, name), &value);
  if (s.IsNotFound()) return Status::NotFound(Status::Resource::kLogStream);
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
  return engine_->InsertGroupRecord(p, std::move(info), "create log group");
}

Result<LogGroupInfo> RocksLogStore::GetLogGroup(const Partition& p, std::string_view name) {
  return engine_->ReadGroup(rocksdb::ReadOptions(), p, name);
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
  return engine_->UpdateGroupRecord(p, name, "update log group", [&](GroupUpdate& u) {
    LogGroupInfo updated = u.group;
    if (Status s = mutate(updated); !s.ok()) return s;
    // The store's own fields are not the caller's to change.
    updated.id = u.group.id;
    updated.name = u.group.name;
    updated.stored_bytes = u.group.stored_bytes;
    updated.metric_filter_count = u.group.metric_filter_count;
    u.group = std::move(updated);
    return Status::OK();
  });
}

Status RocksLogStore::DeleteLogGroup(const Partition& p, std::string_view name) {
  uint64_t deleted_id = 0;
  Status st = engine_->UpdateGroupRecord(p, name, "delete log group", [&](GroupUpdate& u) {
    u.frees_space = true;
    if (u.group.deletion_protection) {
      return Status::FailedPrecondition(Status::Precondition::kDeletionProtection);
    }
    const uint64_t id = u.group.id;
    // Ids are never reused, so range deletes cannot touch a later group of the same name.
    u.record = GroupUpdate::Record::kDelete;
    auto range = [&](rocksdb::ColumnFamilyHandle* cf, const std::string& prefix) {
      u.batch.DeleteRange(cf, prefix, k::PrefixSuccessor(prefix));
    };
    range(meta_, k::StreamKeyPrefix(id));
    range(meta_, k::StreamIdKeyPrefix(id));
    range(meta_, k::StreamTimeKeyPrefix(id));
    range(index_, k::DirPrefix(id));
    range(index_, k::GroupStreamIndexPrefix(id));
    u.batch.DeleteRange(events_, k::GroupChunksBegin(id), k::GroupChunksBegin(id + 1));
    range(metrics_, metric_keys::FilterPrefix(id));  // its metric filters (not its metric data)
    // Its policies (keyed by the group's name: a later group of that name starts without them).
    for (ResourceKind kind : kGroupBoundKinds) u.batch.Delete(meta_, k::ResourceKey(kind, p, name));
    // Its subscription filters (named <group> '\0' <filter>), their cursors and outbox.
    range(meta_, k::ResourceKey(ResourceKind::kSubscriptionFilter, p,
                                k::SubscriptionFilterName(name, "")));
    range(index_, k::CursorPrefix(id));
    range(index_, k::OutboxPrefix(id));
    deleted_id = id;
    return Status::OK();
  });
  if (st.ok()) subscription_store_->ForgetGroup(deleted_id);
  return st;
}

// ---------------------------------------------------------------------------------------------
// Streams.

Status RocksLogStore::CreateLogStream(const Partition& p, std::string_view group,
                                      std::string_view stream, int64_t creation_time_ms) {
  return engine_->UpdateGroupRecord(p, group, "create log stream", [&](GroupUpdate& u) {
    u.record = GroupUpdate::Record::kUnchanged;
    auto existing = ReadStream(rocksdb::ReadOptions(), u.group.id, stream);
    if (existing.ok()) return Status::AlreadyExists(Status::Resource::kLogStream);
    if (!existing.status().IsNotFound()) return existing.status();
    auto id = engine_->Allocate(k::Counter::kStreamId);
    if (!id.ok()) return id.status();
    LogStreamInfo info;
    info.id = *id;
    info.creation_time_ms = creation_time_ms;
    u.batch.Put(meta_, k::StreamKey(u.group.id, stream), k::EncodeStreamRecord(info));
    u.batch.Put(meta_, k::StreamIdKey(u.group.id, info.id), ToSlice(stream));
    u.batch.Put(meta_, k::StreamTimeKey(u.group.id, k::StreamListTime(info), stream),
                rocksdb::Slice());
    return Status::OK();
  });
}

Result<LogStreamInfo> RocksLogStore::GetLogStream(const Partition& p, std::string_view group,
                                                  std::string_view stream) {
  SnapshotRead read(db_);
  auto g = engine_->ReadGroup(read.options, p, group);
  if (!g.ok()) return g.status();
  return ReadStream(read.options, g->id, stream);
}

Status RocksLogStore::ListLogStreams(const Partition& p, std::string_view group,
                                     std::string_view prefix, std::string_view start_after,
                                     const std::function<bool(const LogStreamInfo&)>& visit) {
  SnapshotRead read(db_);
  auto g = engine_->ReadGroup(read.options, p, group);
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

Status RocksLogStore::ListLogStreamsByLastEventTime(
    const Partition& p, std::string_view group, bool descending,
    const std::optional<StreamTimePosition>& after,
    const std::function<bool(const LogStreamInfo&)>& visit) {
  SnapshotRead read(db_);
  auto g = engine_->ReadGroup(read.options, p, group);
  if (!g.ok()) return g.status();
  const std::string lower = k::StreamTimeKeyPrefix(g->id);
  const std::string upper = k::PrefixSuccessor(lower);
  rocksdb::Slice lower_slice(lower);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro = read.options;
  ro.iterate_lower_bound = &lower_slice;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta_));
  const std::string from =
      after ? k::StreamTimeKey(g->id, after->last_event_time, after->name) : std::string();
  if (!descending) {
    it->Seek(after ? from : lower);
  } else if (after) {
    it->SeekForPrev(from);
  } else {
    it->SeekToLast();
  }
  if (after && it->Valid() && ToView(it->key()) == from) {
    descending ? it->Prev() : it->Next();
  }
  for (; it->Valid(); descending ? it->Prev() : it->Next()) {
    uint64_t gid = 0;
    int64_t time = 0;
    std::string_view name;
    if (!k::ParseStreamTimeKey(ToView(it->key()), &gid, &time, &name)) {
      return Status::Corruption("bad stream time index entry");
    }
    auto info = ReadStream(read.options, g->id, name);
    if (info.status().IsNotFound()) return Status::Corruption("stream time index: no such stream");
    if (!info.ok()) return info.status();
    if (!visit(*info)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list log streams by time");
  return Status::OK();
}

Status RocksLogStore::DeleteLogStream(const Partition& p, std::string_view group,
                                      std::string_view stream) {
  return engine_->UpdateGroupRecord(p, group, "delete log stream", [&](GroupUpdate& u) {
    u.frees_space = true;
    rocksdb::ReadOptions ro;
    auto s = ReadStream(ro, u.group.id, stream);
    if (!s.ok()) return s.status();
    const std::string prefix = k::StreamIndexPrefix(u.group.id, s->id);
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
      u.batch.Delete(index_, it->key());
      u.batch.Delete(index_, k::DirKey(id));
      u.batch.Delete(events_, k::ChunkKey(id));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "delete log stream");
    u.batch.Delete(meta_, k::StreamKey(u.group.id, stream));
    u.batch.Delete(meta_, k::StreamIdKey(u.group.id, s->id));
    u.batch.Delete(meta_, k::StreamTimeKey(u.group.id, k::StreamListTime(*s), stream));
    u.group.stored_bytes = std::max<int64_t>(0, u.group.stored_bytes - freed);
    return Status::OK();
  });
}

// ---------------------------------------------------------------------------------------------
// Administration.

Status RocksLogStore::Reset() {
  // Hold every group stripe so no read-modify-write straddles the wipe.
  auto locks = engine_->LockAllGroups();
  // Counters survive: ids and sequences are never reused, even across a reset.
  const std::string end(9, '\xff');
  rocksdb::WriteBatch batch;
  batch.DeleteRange(meta_, std::string(1, k::kGroupTag), end);
  batch.DeleteRange(index_, std::string(), end);
  batch.DeleteRange(events_, std::string(), end);
  batch.DeleteRange(metrics_, std::string(), end);
  Status st = engine_->Write(&batch, "reset");
  if (st.ok()) subscription_store_->ForgetAll();
  return st;
}

}  // namespace detail

Result<std::unique_ptr<LogStore>> OpenRocksLogStore(const StorageOptions& options) {
  return detail::RocksLogStore::Open(options);
}

}  // namespace cwlogd::storage
